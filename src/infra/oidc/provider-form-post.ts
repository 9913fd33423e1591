// Part of the fence around oidc-provider's internals (provider-internals.ts): the library offers no
// hook for its form_post page (registerResponseMode does not replace the built-in form_post, and
// end_session calls it directly), so Heimdall reads the page back to write its own.

/** A form as the provider wrote it: where it posts, and its hidden fields in order (values unescaped). */
export interface ProviderFormPost {
  action: string
  fields: Array<[string, string]>
}

const TITLE = '<title>Submitting Callback</title>'
const ACTION = /<form method="post" action="([^"]*)">/
const FIELD = /<input type="hidden" name="([^"]*)" value="([^"]*)"\/>/g

/**
 * The page oidc-provider writes to carry an answer by POST (oidc-provider 9's
 * lib/response_modes/form_post.js: hidden fields in a form that an inline script submits, titled
 * "Submitting Callback"), read back into its action and fields; undefined for any other body.
 * The provider writes it for response_mode=form_post (the authorization's answer, a code or an
 * error, posted to the client's redirect_uri) and when a sign-in resumes as another account than
 * the browser's (a logout posted to its own end_session_confirm first). Values are escaped by the provider's htmlSafe (the five
 * entities below); field names are the provider's own. test/unit/oidc-provider-internals.test.ts
 * checks the installed library's page still has this shape.
 */
export function providerFormPostOf(body: unknown): ProviderFormPost | undefined {
  if (typeof body !== 'string' || !body.includes(TITLE)) return undefined
  const action = ACTION.exec(body)?.[1]
  if (action === undefined) return undefined
  return { action: unescapeHtml(action), fields: [...body.matchAll(FIELD)].map(([, name, value]) => [unescapeHtml(name), unescapeHtml(value)]) }
}

function unescapeHtml(text: string): string {
  return text.replace(/&(lt|gt|quot|#39|amp);/g, (_entity, name: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[name]!)
}
