import type { IncomingMessage, Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Logger } from '../infra/logger.js'

/** The answers Node gives a client it gives up on (node:_http_server), each closing the connection. */
const ANSWERS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
  HPE_HEADER_OVERFLOW: 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n',
  HPE_CHUNK_EXTENSIONS_OVERFLOW: 'HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n',
}
const BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'

/** What Node keeps on a server connection that this module reads: its parser's current message and the response in flight. */
interface ServerSocket extends Socket {
  parser?: { incoming?: IncomingMessage | null } | null
  _httpMessage?: { _headerSent?: boolean } | null
}

/**
 * Answers the errors of connections that never became a request as Node does (400, or 408, 413,
 * 431, then the connection is closed), except a timeout that only the server's own lag caused.
 *
 * Node starts a connection's headers clock (headersTimeout, requestTimeout, in milliseconds) when it
 * accepts it and checks it in its timers phase, before it reads what has arrived since. After the
 * event loop has been held up longer than the timeout (a slow synchronous SQLite write, a long
 * garbage collection, a starved CPU), a client whose whole request already sat in the socket's
 * buffer was answered 408 with an empty body, which a browser shows as its own error page. Here a
 * timed-out connection gets one more turn of the event loop to read: a request that turns out to
 * have arrived (its headers, or its body, complete) is served; a client still sending (a slowloris)
 * is cut off as before. A request whose headers arrived that way but whose body still trickles gets
 * `requestTimeoutMs` more, at most, then the same 408: Node no longer times that connection.
 *
 * A connection that never sent a byte is closed without an answer, as nginx and Apache close one:
 * there is no request to answer, and a browser opens such connections ahead of need (preconnect).
 * A 408 written just as the browser sends its request on one is read as that request's answer, an
 * empty error page; a connection found closed is one the browser retries on a new connection.
 * Each connection given up is logged at info (`code`, `bytes_read`, `answered`).
 */
export function answerClientErrors(server: Server, requestTimeoutMs: number, logger?: Pick<Logger, 'info'>): void {
  const giveUp = (socket: ServerSocket, error: NodeJS.ErrnoException) => {
    const answered = socket.bytesRead > 0 && answer(socket, error)
    logger?.info({ code: error.code, bytes_read: socket.bytesRead, answered }, 'connection given up before its request')
    socket.destroy(error)
  }
  server.on('clientError', (error: NodeJS.ErrnoException, socket: ServerSocket) => {
    if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') return giveUp(socket, error)
    const before = socket.parser?.incoming ?? undefined
    const completeBefore = before?.complete
    setImmediate(() => {
      if (socket.destroyed) return
      const now = socket.parser?.incoming ?? undefined
      const headersArrived = now !== before
      // A message whose headers were complete when the clock ran out had only its body to wait for.
      const bodyArrived = now === before && completeBefore === false && now?.complete === true
      if (!headersArrived && !bodyArrived) return giveUp(socket, error)
      if (now === undefined || now.complete) return
      const bodyTimer = setTimeout(() => !now.complete && !socket.destroyed && giveUp(socket, error), requestTimeoutMs).unref()
      socket.once('close', () => clearTimeout(bodyTimer))
    })
  })
}

/** Node's own answer (400, 408, 413, 431) unless a response has begun on the connection; whether it was written. */
function answer(socket: ServerSocket, error: NodeJS.ErrnoException): boolean {
  if (!socket.writable || socket._httpMessage?._headerSent) return false
  socket.write(ANSWERS[error.code ?? ''] ?? BAD_REQUEST)
  return true
}
