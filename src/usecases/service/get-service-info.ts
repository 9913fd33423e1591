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
      password_forgot: '/auth/password/forgot',
      password_reset: '/auth/password/reset',
      email_verify: '/auth/email/verify',
      email_verify_resend: '/auth/email/verify/resend',
      email_change: '/auth/email/change',
      email_change_confirm: '/auth/email/change/confirm',
    },
  }
}
