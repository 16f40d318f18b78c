import type { FauxqsMessage, FauxqsQueue } from '../fauxqs-sqs.ts'
import type { SqsRequestContext } from '../sqs-action.ts'

/**
 * AWSTraceHeader, the one message system attribute SendMessage takes: "the value must be a
 * correctly formatted X-Ray trace header string"; a request's `X-Amzn-Trace-Id` header is
 * used when the attribute is absent. ReceiveMessage returns it (actions/receive-message.ts),
 * and it moves with its message to the dead-letter queue.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_MessageSystemAttributeValue.html
 */
export function traceHeaderOf(
  systemAttributes: unknown,
  request: SqsRequestContext,
): string | undefined {
  const attribute = (systemAttributes as { AWSTraceHeader?: { StringValue?: unknown } } | undefined)
    ?.AWSTraceHeader?.StringValue
  if (typeof attribute === 'string' && attribute !== '') return attribute
  const header = request.headers['x-amzn-trace-id']
  return typeof header === 'string' && header !== '' ? header : undefined
}

/**
 * Runs fauxqs's send with the queue's enqueue tagging each message it takes with the trace
 * header of the entry that sent it (entries in order, matched by body: fauxqs enqueues
 * synchronously and in entry order, skipping the entries it fails or deduplicates).
 */
export function withTraceHeaders<T>(
  queue: FauxqsQueue,
  entries: readonly { body: unknown; traceHeader: string | undefined }[],
  send: () => Promise<T>,
): Promise<T> {
  const pending = [...entries]
  const enqueue = queue.enqueue
  const tagging = queue as { enqueue: (message: FauxqsMessage & { body?: string }) => void }
  tagging.enqueue = (message) => {
    const at = pending.findIndex((entry) => entry.body === message.body)
    if (at >= 0) {
      const traceHeader = pending[at]?.traceHeader
      if (traceHeader) message.awsTraceHeader = traceHeader
      pending.splice(0, at + 1)
    }
    enqueue.call(queue, message)
  }
  // fauxqs's send runs synchronously inside send(): the queue is itself again before any
  // other request can enqueue on it.
  try {
    return send()
  } finally {
    delete (tagging as { enqueue?: unknown }).enqueue
  }
}
