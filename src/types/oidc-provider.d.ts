/**
 * oidc-provider 9 ships no type declarations (the DefinitelyTyped ones lag behind): the part of its
 * API Heimdall uses, loosely typed. See node_modules/oidc-provider and its docs/README.md.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  import type Koa from 'koa'

  export type KoaContextWithOIDC = Koa.Context & { oidc: any }
  export type Configuration = Record<string, any>

  export interface InteractionDetails {
    uid: string
    /** When the interaction began (epoch seconds). */
    iat: number
    prompt: { name: string; reasons: string[]; details: Record<string, any> }
    params: Record<string, any>
    session?: { accountId: string; uid: string; cookie: string }
    grantId?: string
    lastSubmission?: Record<string, any>
    result?: Record<string, any>
  }

  export default class Provider extends Koa {
    constructor(issuer: string, configuration?: Configuration)
    readonly issuer: string
    /** The class of `ctx.oidc` (one per provider instance). */
    readonly OIDCContext: any
    /** An absolute URL of one of the provider's routes, under the issuer. */
    urlFor(name: string, options?: Record<string, unknown>): string
    readonly Client: any
    readonly Grant: any
    readonly AccessToken: any
    readonly RefreshToken: any
    readonly Session: any
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, any>, options?: { mergeWithLastSubmission?: boolean }): Promise<void>
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, any>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>
    /** Registers (or replaces) the token endpoint's handler of a grant type and the parameters it takes. */
    registerGrantType(name: string, handler: (ctx: KoaContextWithOIDC) => Promise<void>, parameters?: Iterable<string>, dupes?: Iterable<string>): void
  }

  export const errors: Record<string, new (...args: any[]) => Error>

  /** The interaction policy's building blocks (lib/helpers/interaction_policy): prompts, each with its checks. */
  export namespace interactionPolicy {
    class Check {
      constructor(reason: string, description: string, check: (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>)
    }
    class Prompt {
      constructor(options: { name: string; requestable?: boolean }, ...checks: Check[])
    }
    interface Policy extends Array<Prompt> {
      add(prompt: Prompt, index?: number): void
    }
    function base(): Policy
  }
}

/**
 * oidc-provider's per-instance internals (its weak cache): read only by infra/oidc/provider-internals.ts.
 */
declare module 'oidc-provider/lib/helpers/weak_cache.js' {
  export default function instance(provider: object): {
    grantTypeHandlers: Map<string, (ctx: any) => Promise<void>>
    grantTypeParams: Map<string | undefined, Set<string>>
    grantTypeDupes: Map<string, Set<string>>
    configuration: { scopes: Set<string> }
  }
}
