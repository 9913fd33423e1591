import got, { type Got, type Response } from 'got'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Body = Record<string, any>
export type JsonResponse<T = Body> = Response<T>

/** The API as a client sees it: every call goes over HTTP and never throws on a status code. */
export class HeimdallAPIClient {
  readonly http: Got

  constructor(readonly baseUrl: string) {
    this.http = got.extend({ prefixUrl: baseUrl, throwHttpErrors: false, retry: { limit: 0 }, responseType: 'json', timeout: { request: 60000 } })
  }

  register(email: unknown, password: unknown): Promise<JsonResponse> {
    return this.post('auth/register', { email, password })
  }

  login(email: unknown, password: unknown): Promise<JsonResponse> {
    return this.post('auth/login', { email, password })
  }

  validate(token: unknown): Promise<JsonResponse> {
    return this.post('auth/validate', { token })
  }

  me(token?: string, authorization = token === undefined ? undefined : `Bearer ${token}`): Promise<JsonResponse> {
    return this.http.get<Body>('auth/me', { headers: authorization === undefined ? {} : { authorization } })
  }

  refresh(refreshToken: unknown): Promise<JsonResponse> {
    return this.post('auth/refresh', { refresh_token: refreshToken })
  }

  logout(token: string): Promise<JsonResponse> {
    return this.http.post<Body>('auth/logout', { headers: { authorization: `Bearer ${token}` } })
  }

  logoutAll(token: string): Promise<JsonResponse> {
    return this.http.post<Body>('auth/logout-all', { headers: { authorization: `Bearer ${token}` } })
  }

  /** Logs in; answers both tokens. */
  async loginTokens(email: string, password: string): Promise<{ accessToken: string; refreshToken: string }> {
    const loggedIn = await this.login(email, password)
    if (loggedIn.statusCode !== 200) throw new Error(`login failed: ${loggedIn.statusCode} ${JSON.stringify(loggedIn.body)}`)
    return { accessToken: loggedIn.body.access_token, refreshToken: loggedIn.body.refresh_token }
  }

  /** Registers and logs in; answers the access token. */
  async registerAndLogin(email: string, password: string): Promise<{ userId: string; accessToken: string }> {
    const registered = await this.register(email, password)
    if (registered.statusCode !== 200) throw new Error(`register failed: ${registered.statusCode} ${JSON.stringify(registered.body)}`)
    const loggedIn = await this.login(email, password)
    if (loggedIn.statusCode !== 200) throw new Error(`login failed: ${loggedIn.statusCode} ${JSON.stringify(loggedIn.body)}`)
    return { userId: registered.body.user_id, accessToken: loggedIn.body.access_token }
  }

  health(): Promise<JsonResponse> {
    return this.http.get<Body>('health')
  }

  healthDetailed(): Promise<JsonResponse> {
    return this.http.get<Body>('health/detailed')
  }

  ready(): Promise<JsonResponse> {
    return this.http.get<Body>('ready')
  }

  live(): Promise<JsonResponse> {
    return this.http.get<Body>('live')
  }

  serviceInfo(): Promise<JsonResponse> {
    return this.http.get<Body>('')
  }

  openapi(): Promise<JsonResponse> {
    return this.http.get<Body>('openapi.json')
  }

  jwks(): Promise<JsonResponse> {
    return this.http.get<Body>('.well-known/jwks.json')
  }

  page(path: string): Promise<Response<string>> {
    return this.http.get(path.replace(/^\//, ''), { responseType: 'text' })
  }

  post(path: string, json: unknown): Promise<JsonResponse> {
    return this.http.post<Body>(path, { json })
  }

  /** A POST with a raw body and content type, for malformed input. */
  postRaw(path: string, body: string, contentType = 'application/json'): Promise<JsonResponse> {
    return this.http.post<Body>(path, { body, headers: { 'content-type': contentType } })
  }
}
