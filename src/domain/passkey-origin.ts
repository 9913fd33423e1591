/**
 * Why passkeys cannot be added or used at `publicUrl` (Heimdall's HEIMDALL_PUBLIC_URL), or undefined
 * when they can. WebAuthn (Level 3, section 5.1.3 and 13.4.9) takes the relying party id from the
 * URL's host, and browsers refuse one that is an IP address ("This is an invalid domain"); and it
 * runs only in a secure context: https, or http on localhost (or a name under .localhost).
 */
export function passkeyUrlProblem(publicUrl: string): string | undefined {
  const url = new URL(publicUrl)
  const host = url.hostname
  // The URL parser has already written every IPv4 spelling (127.1, 0x7f.1) as four decimals, and IPv6 in brackets.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('[')) return `${url.origin} names an IP address, which browsers refuse for passkeys: use a host name (e.g. http://localhost:${url.port || 80} on this machine)`
  const local = host === 'localhost' || host.endsWith('.localhost')
  if (url.protocol !== 'https:' && !local) return `${url.origin} is plain http on a host other than localhost, where browsers refuse passkeys: use https`
  return undefined
}
