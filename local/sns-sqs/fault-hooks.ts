import type { IncomingMessage, ServerResponse } from 'node:http'
import { sendAwsError } from '../aws-errors.ts'
import { faultsFor } from '../faults/apply-faults.ts'
import { injectedError } from '../faults/fault-errors.ts'
import type { FaultDecision, FaultInjector } from '../faults/fault-injector.ts'
import { type FaultService, faultOperations } from '../faults/fault-rules.ts'

interface HookRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly body: unknown
  readonly raw: IncomingMessage
}

interface HookReply {
  hijack(): unknown
  header(name: string, value: string): unknown
  readonly raw: ServerResponse
}

const snsOperations = new Set(faultOperations.sns)

/**
 * Header of a reply to drop: fauxqs's app is reached through `inject` (from HTTP and the
 * in-process transport alike), so the hook marks the reply and the caller drops it.
 */
export const lostReplyHeader = 'x-embedded-aws-lost-reply'

/**
 * SNS fault injection as two Fastify hooks on fauxqs's app, at the level of its actions: the
 * operation is read from what fauxqs routes by (the `Action` form field); SQS's faults are
 * applied in the SQS layer (sqs/sqs-layer.ts), which serves both of its protocols. `preHandler` waits the latency and answers an injected error instead of the
 * action; `onSend` marks a lost reply (`lostReplyHeader`) once the action has run, for the caller to drop.
 */
export function faultHooks(faults: FaultInjector) {
  const lost = new WeakSet<object>()
  return {
    preHandler(request: HookRequest, reply: HookReply, done: () => void): void {
      const target = operationOf(request)
      const decision =
        target && faultsFor(faults, request.headers)?.decide(target.service, target.operation)
      if (!target || !decision) {
        done()
        return
      }
      const act = () => apply(target, decision, request, reply, done, lost)
      if (decision.latencyMs > 0) setTimeout(act, decision.latencyMs)
      else act()
    },
    onSend(
      request: HookRequest,
      reply: HookReply,
      payload: unknown,
      done: (error: null, payload: unknown) => void,
    ): void {
      if (lost.has(request)) reply.header(lostReplyHeader, '1')
      done(null, payload)
    },
  }
}

function apply(
  target: { service: FaultService; operation: string },
  decision: FaultDecision,
  request: HookRequest,
  reply: HookReply,
  done: () => void,
  lost: WeakSet<object>,
): void {
  if (decision.error) {
    const { status, code, message } = injectedError(
      target.service,
      target.operation,
      decision.error,
    )
    reply.hijack()
    sendAwsError(reply.raw, 'query', status, code, message)
    return
  }
  if (decision.lostReply) lost.add(request)
  done()
}

function operationOf(
  request: HookRequest,
): { service: FaultService; operation: string } | undefined {
  // SQS faults are applied in the SQS layer (sqs/sqs-layer.ts), for every protocol.
  const action = (request.body as { Action?: unknown } | undefined)?.Action
  if (typeof action === 'string' && snsOperations.has(action)) {
    return { service: 'sns', operation: action }
  }
  return undefined
}
