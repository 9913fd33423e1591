import { VERSION } from '../../version.js'

export function getServiceInfo() {
  return {
    service: 'Heimdall Authentication Service',
    version: VERSION,
    description: 'Self-hosted authentication: registration, login, JWT access tokens bound to revocable sessions',
    docs: '/docs',
    redoc: '/redoc',
    openapi: '/openapi.json',
    health: '/health',
    auth_endpoints: {
      register: '/auth/register',
      login: '/auth/login',
      validate: '/auth/validate',
      me: '/auth/me',
      refresh: '/auth/refresh',
      logout: '/auth/logout',
      logout_all: '/auth/logout-all',
      introspect: '/oauth/introspect',
      jwks: '/.well-known/jwks.json',
    },
  }
}
