import { interactionPolicy } from 'oidc-provider'

/**
 * The provider's interaction policy: oidc-provider's own (login, then consent) plus a requestable
 * `create` prompt (OpenID Connect Prompt Create 1.0), so that the provider accepts `prompt=create`
 * instead of refusing an unsupported prompt value. `create` has no check of its own: the sign-in
 * step, which a browser without a session always meets, sees `prompt=create` in the request and sends
 * the person to the registration page first (http/pages/oidc/interaction-pages.ts); the sign-in that
 * follows the registration completes the login prompt as any other. Being requested, `create` then
 * stays until a result names it: the interaction page answers it once the session exists.
 */
export function interactionPolicyWithCreate(): ReturnType<typeof interactionPolicy.base> {
  const { base, Prompt } = interactionPolicy
  const policy = base()
  policy.add(new Prompt({ name: 'create', requestable: true }))
  return policy
}
