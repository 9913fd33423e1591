import cluster, { type Worker } from 'node:cluster'
import { setStallTolerantTimeout } from '../stall-tolerant-timeout.js'

/** What a worker hears back: the siblings' answers, and how many gave none in time. */
export interface SiblingReplies<A> {
  answers: A[]
  missing: number
}

interface AskMessage {
  type: 'heimdall:ask'
  topic: string
  id: number
  question: unknown
  timeoutMs: number
}
interface QuestionMessage {
  type: 'heimdall:question'
  topic: string
  id: number
  question: unknown
}
interface AnswerMessage {
  type: 'heimdall:answer'
  id: number
  answer: unknown
}
interface RepliesMessage extends SiblingReplies<unknown> {
  type: 'heimdall:replies'
  topic: string
  id: number
}

export interface SiblingChannel<Q, A> {
  /** Every other worker's answer, or as many as came within the timeout; none outside a cluster. */
  ask(question: Q): Promise<SiblingReplies<A>>
  close(): void
}

/**
 * Worker side of one topic: the workers of `serve --workers N` share nothing but the primary, so a
 * worker that needs all of them (to apply an invalidation, to add up metrics) asks through it, and
 * answers its siblings' questions with `answer`. A question left unanswered (a busy or failing
 * worker) counts as missing once `timeoutMs` has passed.
 */
export function createSiblingChannel<Q, A>(topic: string, timeoutMs: number, answer: (question: Q) => A | Promise<A>): SiblingChannel<Q, A> {
  if (!cluster.isWorker || !process.send) return { ask: async () => ({ answers: [], missing: 0 }), close: () => {} }
  const waiting = new Map<number, (replies: SiblingReplies<A>) => void>()
  let sequence = 0

  const onMessage = (message: QuestionMessage | RepliesMessage) => {
    if (message?.topic !== topic) return
    if (message.type === 'heimdall:question') {
      void (async () => answer(message.question as Q))().then(
        (reply) => process.send!({ type: 'heimdall:answer', id: message.id, answer: reply } satisfies AnswerMessage),
        () => {},
      )
    } else if (message.type === 'heimdall:replies') {
      waiting.get(message.id)?.(message as SiblingReplies<A>)
    }
  }
  process.on('message', onMessage)

  return {
    ask(question) {
      const id = ++sequence
      return new Promise((resolve) => {
        // The primary replies within the same timeout; this covers a primary that is gone (counted as
        // the one that did not answer).
        const cancel = setStallTolerantTimeout(() => settle({ answers: [], missing: 1 }), timeoutMs)
        function settle(replies: SiblingReplies<A>) {
          cancel()
          waiting.delete(id)
          resolve(replies)
        }
        waiting.set(id, settle)
        process.send!({ type: 'heimdall:ask', topic, id, question, timeoutMs } satisfies AskMessage)
      })
    },
    close() {
      process.off('message', onMessage)
    },
  }
}

/** Primary side, for every topic: puts each worker's question to the others and hands it their answers. */
export function relaySiblingQuestions(): void {
  let relaySequence = 0
  const pending = new Map<number, (answer: unknown) => void>()

  cluster.on('message', (origin: Worker, message: AskMessage | AnswerMessage) => {
    if (message?.type === 'heimdall:answer') {
      pending.get(message.id)?.(message.answer)
      return
    }
    if (message?.type !== 'heimdall:ask') return
    const siblings = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => !!worker && worker !== origin && worker.isConnected())
    const answers = siblings.map((worker) => {
      const relayId = ++relaySequence
      return new Promise<{ answer: unknown } | undefined>((resolve) => {
        const cancel = setStallTolerantTimeout(() => done(undefined), message.timeoutMs)
        function done(reply: { answer: unknown } | undefined) {
          cancel()
          pending.delete(relayId)
          resolve(reply)
        }
        pending.set(relayId, (answer) => done({ answer }))
        worker.send({ type: 'heimdall:question', topic: message.topic, id: relayId, question: message.question } satisfies QuestionMessage)
      })
    })
    void Promise.all(answers).then((replies) => {
      const answered = replies.filter((reply) => reply !== undefined)
      const reply: RepliesMessage = { type: 'heimdall:replies', topic: message.topic, id: message.id, answers: answered.map((r) => r.answer), missing: replies.length - answered.length }
      if (origin.isConnected()) origin.send(reply)
    })
  })
}
