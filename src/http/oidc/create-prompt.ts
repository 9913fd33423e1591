import { interactionPolicy } from 'oidc-provider'

/**
 * The provider's interaction policy: oidc-provider's own (login, then consent) with `create` in front
 * (OpenID Connect Prompt Create 1.0): a relying party that sends `prompt=create` asks for an account to
 * be made, so the first interaction is `create`, and Heimdall's interaction page sends the person to
 * the registration page (http/pages/oidc/interaction-pages.ts). Once the interaction has a result (the
 * sign-in that follows the registration), `create` is done and the usual prompts decide. Being
 * requestable, `create` is listed in the discovery document's prompt_values_supported.
 */
export function interactionPolicyWithCreate(): ReturnType<typeof interactionPolicy.base> {
  const { base, Prompt, Check } = interactionPolicy
  const policy = base()
  policy.add(
    new Prompt(
      { name: 'create', requestable: true },
      new Check('create_prompt', 'account creation was requested', (ctx) => ctx.oidc.prompts.has('create') && ctx.oidc.result === undefined),
    ),
    0,
  )
  return policy
}
