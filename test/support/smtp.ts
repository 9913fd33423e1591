import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { eventually } from './eventually.js'

export const SMTP_USER = 'heimdall'
export const SMTP_PASSWORD = 'smtp-test-password'

/** A mail as the SMTP server received it off the wire, parsed by mailparser. */
export interface ReceivedMail {
  to: string
  from: string
  subject: string
  text: string
  html: string
  messageId: string
  /** The first link to one of Heimdall's pages, from the plain-text body. */
  link: string | undefined
  parsed: ParsedMail
  /** When its data began to arrive (Date.now(), milliseconds). */
  receivedAt: number
}

export interface TestSmtpServer {
  /** smtp://user:pass@127.0.0.1:port, for HEIMDALL_SMTP_URL. */
  url: string
  port: number
  /** Every mail received, in order. */
  received: ReceivedMail[]
  /** Waits (polling) for mails to `to` matching `where`; answers them, or throws after `withinMs`. */
  mailsTo(to: string, where?: (mail: ReceivedMail) => boolean, count?: number, withinMs?: number): Promise<ReceivedMail[]>
  /** Stops listening on the port (clients get "connection refused") until start(). */
  stop(): Promise<void>
  /** Listens again on the same port. */
  start(): Promise<void>
  close(): Promise<void>
}

/**
 * A real SMTP server (smtp-server) on a random loopback port that requires AUTH with SMTP_USER and
 * SMTP_PASSWORD, without TLS (loopback only), and parses every message it takes with mailparser.
 * `delayMs` holds each answer to DATA that long, like a slow relay.
 */
export async function startSmtpServer(options: { delayMs?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = []
  const create = () =>
    new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) callback(null, { user: auth.username })
        else callback(new Error('Invalid username or password'))
      },
      onData(stream, _session, callback) {
        const receivedAt = Date.now()
        simpleParser(stream)
          .then(async (parsed) => {
            if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs))
            return parsed
          })
          .then((parsed) => {
            const text = parsed.text ?? ''
            received.push({
              to: addressText(parsed.to),
              from: addressText(parsed.from),
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : '',
              messageId: parsed.messageId ?? '',
              link: /https?:\/\/\S+\/account\/\S+/.exec(text)?.[0],
              parsed,
              receivedAt,
            })
            callback()
          })
          .catch(callback)
      },
    })
  let server = create()
  await listen(server, 0)
  const port = (server.server.address() as AddressInfo).port

  return {
    url: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${port}`,
    port,
    received,
    async mailsTo(to, where = () => true, count = 1, withinMs = 60_000) {
      const matching = () => received.filter((mail) => mail.to === to && where(mail))
      if ((await eventually(async () => matching().length >= count, withinMs)) === undefined) {
        throw new Error(`expected ${count} mail(s) to ${to} within ${withinMs} ms; got ${matching().length} (of ${received.length} in all)`)
      }
      return matching()
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
    async start() {
      server = create()
      await listen(server, port)
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

function listen(server: SMTPServer, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
}

function addressText(address: ParsedMail['to'] | ParsedMail['from']): string {
  const first = Array.isArray(address) ? address[0] : address
  return first?.value[0]?.address ?? ''
}
