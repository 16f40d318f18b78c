import type { ServerResponse } from 'node:http'
import { sendAwsError } from '../../aws-errors.ts'
import { InjectedFault, LostReply } from '../../faults/apply-faults.ts'
import type { HookReply, HookRequest } from '../fastify-hook.ts'
import { toSqsError } from './sqs-error.ts'
import type { SqsLayer } from './sqs-layer.ts'

/**
 * A Fastify preHandler that answers every SQS JSON-protocol request (`X-Amz-Target:
 * AmazonSQS.<Action>`) through the SQS layer instead of fauxqs's router: the body is parsed
 * already, the action's rules run in the layer, and errors leave in AWS's wire format.
 */
export function sqsJsonHook(layer: SqsLayer) {
  return (request: HookRequest, reply: HookReply, done: () => void): void => {
    const target = request.headers['x-amz-target']
    if (typeof target !== 'string' || !target.startsWith('AmazonSQS.')) {
      done()
      return
    }
    reply.hijack()
    const input = (request.body ?? {}) as Record<string, unknown>
    layer.call(target.slice('AmazonSQS.'.length), input, { headers: request.headers }).then(
      (output) => send(reply.raw, 200, JSON.stringify(output), undefined),
      (error: unknown) => {
        if (error instanceof LostReply) {
          reply.raw.destroy()
          return
        }
        if (error instanceof InjectedFault) {
          const { status, code, message } = error.error
          sendAwsError(reply.raw, 'json', status, code, message)
          return
        }
        const wire = toSqsError(error).toWire()
        send(reply.raw, wire.status, JSON.stringify(wire.body), wire.queryError)
      },
    )
  }
}

function send(res: ServerResponse, status: number, body: string, queryError: string | undefined) {
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': crypto.randomUUID(),
    ...(queryError ? { 'x-amzn-query-error': queryError } : {}),
  })
  res.end(body)
}
