import { delaySecondsError } from '../rules/delay-seconds.ts'
import { fifoIdError } from '../rules/fifo-ids.ts'
import { messageAttributesError } from '../rules/message-attributes.ts'
import type { SqsAction } from '../sqs-action.ts'
import { SqsError } from '../sqs-error.ts'
import { traceHeaderOf, withTraceHeaders } from './trace-header.ts'

interface Entry {
  readonly Id?: unknown
  readonly MessageBody?: unknown
  readonly MessageAttributes?: unknown
  readonly MessageSystemAttributes?: unknown
  readonly MessageGroupId?: unknown
  readonly MessageDeduplicationId?: unknown
  readonly DelaySeconds?: unknown
}

/**
 * SendMessageBatch: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 * On a FIFO queue an entry without a MessageGroupId, or without a MessageDeduplicationId on a
 * queue without content-based deduplication, fails the whole call, as on AWS; an entry whose
 * attributes or ids break AWS's rules fails alone, the others are sent.
 */
export const sendMessageBatch: SqsAction = async (input, context) => {
  const queue = context.queue(input)
  const entries = (Array.isArray(input.Entries) ? input.Entries : []) as Entry[]
  if (queue.isFifo()) {
    if (entries.some((entry) => entry.MessageGroupId === undefined)) {
      throw new SqsError(
        'MissingParameter',
        'The request must contain the parameter MessageGroupId.',
      )
    }
    if (
      queue.attributes.ContentBasedDeduplication !== 'true' &&
      entries.some((entry) => entry.MessageDeduplicationId === undefined)
    ) {
      throw new SqsError(
        'InvalidParameterValue',
        'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
      )
    }
  }
  const failed: Record<string, unknown>[] = []
  const accepted: Entry[] = []
  for (const entry of entries) {
    const error =
      messageAttributesError(entry.MessageAttributes) ??
      fifoIdError(entry) ??
      delaySecondsError(entry.DelaySeconds)
    if (error) {
      failed.push({ Id: entry.Id, SenderFault: true, Code: error.code, Message: error.message })
    } else accepted.push(entry)
  }
  if (accepted.length === 0 && failed.length > 0) return { Successful: [], Failed: failed }
  const traced = accepted.map((entry) => ({
    body: entry.MessageBody,
    traceHeader: traceHeaderOf(entry.MessageSystemAttributes, context.request),
  }))
  const send = () => context.fauxqs(failed.length > 0 ? { ...input, Entries: accepted } : input)
  const output = traced.some((entry) => entry.traceHeader)
    ? await withTraceHeaders(queue, traced, send)
    : await send()
  if (failed.length === 0) return output
  return { ...output, Failed: [...((output.Failed as unknown[]) ?? []), ...failed] }
}
