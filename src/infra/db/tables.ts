/** Row shapes as stored. Times are epoch milliseconds (BIGINT), identical on SQLite and MySQL. */
export interface UserRow {
  id: string
  email: string
  password_hash: string
  disabled: boolean | number
  created_at: number
  updated_at: number
  /** When the address was last proven the user's (a verification or email-change link); null: never. */
  email_verified_at: number | null
  /** Created by an operator (user:create), who vouches for its holder: it may enrol factors unverified. */
  created_by_operator: boolean | number
  /** The language chosen for pages and mails (a catalogue's tag, such as "de"); null: the browser's. */
  language?: string | null
}

export interface SessionRow {
  id: string
  user_id: string
  created_at: number
  expires_at: number
  revoked_at: number | null
  revoked_reason: string | null
  /** RFC 8176 methods the session was opened with, space-separated; null for sessions without a login. */
  amr: string | null
  /** SHA-256 of the account page cookie's secret, for sessions opened on the account page. */
  page_secret_hash: string | null
  /** The browser's User-Agent (at most 512 characters) and the client's address, for sessions opened on the hosted pages. */
  user_agent?: string | null
  ip_address?: string | null
}

export interface RoleRow {
  id: number
  name: string
  description: string
}

export interface AuditEventRow {
  id: number
  type: string
  user_id: string | null
  session_id: string | null
  detail: string | null
  created_at: number
  /** Set on catalogue events (src/domain/events.ts) only. */
  event_id: string | null
  event_type: string | null
  /** The event's data, JSON. */
  payload: string | null
  actor: string | null
}

export interface RefreshTokenRow {
  id: string
  session_id: string
  token_hash: string
  created_at: number
  expires_at: number
  spent_at: number | null
}

export interface SigningKeyRow {
  kid: string
  alg: string
  /** The public key as a JWK (JSON text), without kid, alg or use. */
  public_jwk: string
  /** The PKCS#8 DER sealed by infra/data-keys/secret-box.ts ("v2.<data key id>..."); null once the key is retired. */
  private_key_encrypted: string | null
  created_at: number
  retired_at: number | null
  published_until: number | null
  signed_until: number | null
}

export interface TotpRow {
  user_id: string
  /** Sealed by infra/data-keys/secret-box.ts ("v2.<data key id>..."), bound to the user id. */
  secret_encrypted: string
  created_at: number
  confirmed_at: number | null
  last_used_step: number | null
  last_used_at: number | null
}

export interface RecoveryCodeRow {
  id: number
  user_id: string
  code_hash: string
  created_at: number
  used_at: number | null
}

export interface PasskeyRow {
  id: string
  user_id: string
  /** base64url, as WebAuthn names it. */
  credential_id: string
  credential_id_hash: string
  /** The COSE public key, base64url. */
  public_key: string
  sign_count: number
  /** Comma-separated AuthenticatorTransport values, or null. */
  transports: string | null
  device_type: string
  backed_up: boolean | number
  name: string
  created_at: number
  last_used_at: number | null
}

export interface MfaChallengeRow {
  secret_hash: string
  purpose: string
  user_id: string | null
  created_at: number
  expires_at: number
  spent_at: number | null
}

export type UserTokenPurpose = 'password_reset' | 'email_verification' | 'email_change'

/** A one-time token mailed to a user: only its SHA-256 is kept. */
export interface UserTokenRow {
  id: string
  user_id: string
  purpose: UserTokenPurpose
  token_hash: string
  new_email: string | null
  created_at: number
  expires_at: number
  spent_at: number | null
  superseded_at: number | null
}

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed'

export interface MailRow {
  id: number
  kind: string
  recipient: string
  user_id: string | null
  /** JSON: the template's variables; the link (and its token) is dropped once sent. */
  data: string | null
  status: MailStatus
  attempts: number
  next_attempt_at: number
  claimed_by: string | null
  claimed_until: number | null
  last_error: string | null
  message_id: string | null
  smtp_response: string | null
  created_at: number
  sent_at: number | null
}

export interface OAuthClientRow {
  client_id: string
  name: string
  /** SHA-256 (hex) of the client secret; null for a public client. */
  secret_hash: string | null
  /** The client's RFC 7591 metadata as JSON text (redirect_uris, grant_types, scope ...), without the secret. */
  metadata: string
  first_party: boolean | number
  created_at: number
  updated_at: number
}

/** One oidc-provider model instance (kind = its model name: Grant, AccessToken, Session ...). */
export interface OidcPayloadRow {
  kind: string
  id: string
  payload: string
  grant_id: string | null
  user_code: string | null
  uid: string | null
  client_id: string | null
  session_id: string | null
  /** Epoch ms; null: never expires. */
  expires_at: number | null
  consumed_at: number | null
}

/** What a user allowed a client, remembered across sign-ins (usecases/oidc/remembered-consent.ts). */
export interface OidcConsentRow {
  user_id: string
  client_id: string
  /** OpenID Connect scopes, space-separated. */
  scope: string
  /** JSON array of claim names. */
  claims: string
  /** JSON object: resource indicator -> scopes, space-separated. */
  resources: string
  /** Epoch ms. */
  granted_at: number
  updated_at: number
}

export type IdentityProviderKind = 'oidc' | 'github'
export type IdentityProviderPreset = 'google' | 'microsoft' | 'github'

/** An upstream identity provider people may sign in with (idp:create). */
export interface IdentityProviderRow {
  id: string
  /** [a-z0-9-], unique: it names the callback path. */
  name: string
  kind: IdentityProviderKind
  preset: IdentityProviderPreset | null
  /** The issuer identifier; for kind github, the web base URL (https://github.com). */
  issuer: string
  /** Kind github only: the REST API's base URL (https://api.github.com); null: the preset's. */
  api_base_url: string | null
  client_id: string
  /** Sealed by infra/data-keys/secret-box.ts, bound to the provider id. */
  client_secret_sealed: string
  /** Space-separated. */
  scopes: string
  trust_email: boolean | number
  trust_mfa: boolean | number
  auto_link: boolean | number
  create_accounts: boolean | number
  button_label: string | null
  enabled: boolean | number
  created_at: number
  updated_at: number
}

/** An upstream identity linked to a user, found by (provider_id, subject), never by email. */
export interface UserIdentityRow {
  id: string
  user_id: string
  provider_id: string
  subject: string
  /** The address the upstream last said (shown, never used to find the identity). */
  email: string | null
  linked_at: number
  last_sign_in_at: number | null
}

/** A sign-in sent to an upstream and not yet back: single use, short-lived. */
export interface FederationFlowRow {
  /** SHA-256 (hex) of the flow id the browser holds. */
  id_hash: string
  provider_id: string
  state: string
  code_verifier: string
  nonce: string
  return_to: string | null
  interaction_uid: string | null
  /** The signed-in user this flow links an identity to (the account page); null for a sign-in. */
  link_user_id: string | null
  created_at: number
  expires_at: number
  consumed_at: number | null
}

/** An upstream identity whose address a local account has: linked once the person proves that account. */
export interface PendingLinkRow {
  /** SHA-256 (hex) of the token the page holds. */
  token_hash: string
  provider_id: string
  subject: string
  email: string
  email_verified: boolean | number
  return_to: string | null
  interaction_uid: string | null
  created_at: number
  expires_at: number
  consumed_at: number | null
}

export interface WebhookEndpointRow {
  id: string
  name: string
  url: string
  /** JSON array of patterns (domain/events.ts checkEventPattern). */
  events: string
  secret_sealed: string
  previous_secret_sealed: string | null
  /** Epoch ms until which the previous secret signs too. */
  previous_secret_until: number | null
  enabled: boolean | number
  disabled_reason: string | null
  created_at: number
  updated_at: number
}

export type WebhookDeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed'

export interface WebhookDeliveryRow {
  id: number
  endpoint_id: string
  event_row_id: number
  event_id: string
  event_type: string
  status: WebhookDeliveryStatus
  attempts: number
  next_attempt_at: number
  claimed_by: string | null
  claimed_until: number | null
  created_at: number
  delivered_at: number | null
  last_status_code: number | null
  last_error: string | null
}

export interface WebhookAttemptRow {
  id: number
  delivery_id: number
  attempt: number
  started_at: number
  latency_ms: number
  status_code: number | null
  error: string | null
}
