import { delaySecondsError } from '../rules/delay-seconds.ts'
import { fifoIdError } from '../rules/fifo-ids.ts'
import { messageAttributesError } from '../rules/message-attributes.ts'
import type { SqsAction } from '../sqs-action.ts'
import { traceHeaderOf, withTraceHeaders } from './trace-header.ts'

/**
 * SendMessage: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 * Message attributes (rules/message-attributes.ts) and the FIFO ids (rules/fifo-ids.ts) are
 * checked before fauxqs takes the message; the AWSTraceHeader system attribute (or the
 * X-Amzn-Trace-Id header) is kept with it.
 */
export const sendMessage: SqsAction = async (input, context) => {
  const queue = context.queue(input)
  const error =
    messageAttributesError(input.MessageAttributes) ??
    fifoIdError(input) ??
    delaySecondsError(input.DelaySeconds)
  if (error) throw error
  const traceHeader = traceHeaderOf(input.MessageSystemAttributes, context.request)
  if (traceHeader === undefined) return context.fauxqs(input)
  return withTraceHeaders(queue, [{ body: input.MessageBody, traceHeader }], () =>
    context.fauxqs(input),
  )
}
