/**
 * A request id a client may choose (its X-Request-Id): short, and only characters that cannot break a
 * log line or a header. Anything else is replaced by a generated one.
 */
export const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/
