import { sendAwsError } from '../aws-errors.ts'
import type { HookReply, HookRequest } from './fastify-hook.ts'
import { type FilterPolicyMessage, filterPolicyMatches } from './filter-policy.ts'
import { markingEnqueues } from './sqs/enqueue-view.ts'
import type { FauxqsSqsStore } from './sqs/fauxqs-sqs.ts'

/** A subscription as fauxqs's SNS store keeps it (the fields its fan-out reads). */
interface Subscription {
  readonly attributes: Readonly<Record<string, string | undefined>>
}

/** The message fauxqs's publish reports to its store's spy just before fanning it out. */
interface PublishedMessage {
  readonly body: string
  readonly messageAttributes: FilterPolicyMessage['attributes']
}

export interface SnsStoreView {
  getSubscription(arn: string): Subscription | undefined
  spy?: { addMessage(message: unknown): void }
}

/** fauxqs's `publish` and `publishBatch` (sns/actions/publish.js): form params in, XML out. */
export interface FauxqsPublish {
  publish(params: unknown, snsStore: unknown, sqsStore: unknown): string
  publishBatch(params: unknown, snsStore: unknown, sqsStore: unknown): string
}

/**
 * Publish and PublishBatch with delivery decided by our filter-policy evaluator
 * (filter-policy.ts, AWS's semantics) instead of fauxqs's: fauxqs still validates, builds the
 * envelope and enqueues, through a view of its store in which a subscription whose policy
 * rejects the message being fanned out is absent and one whose policy selects it has no
 * policy left to check. fauxqs names that message to its store's spy right before each
 * fan-out, and fans out synchronously, so the view always judges the right message.
 *
 * A request's `X-Amzn-Trace-Id` header goes with the message to every subscribed queue as
 * its AWSTraceHeader: "Amazon SNS passes the trace context from publisher to subscribers"
 * (https://docs.aws.amazon.com/xray/latest/devguide/xray-services-sns.html; a topic's
 * TracingConfig PassThrough, the default, or Active).
 */
export function selectingPublish(
  snsStore: SnsStoreView,
  sqsStore: FauxqsSqsStore,
  fauxqs: FauxqsPublish,
) {
  let current: PublishedMessage | undefined
  let parsedBody: { of: PublishedMessage; body: unknown } | undefined
  const bodyOf = (message: PublishedMessage): unknown => {
    if (parsedBody?.of !== message) parsedBody = { of: message, body: parseJson(message.body) }
    return parsedBody.body
  }
  const policies = new WeakMap<Subscription, { json: string; policy: unknown }>()
  const policyOf = (subscription: Subscription, json: string): unknown => {
    const cached = policies.get(subscription)
    if (cached?.json === json) return cached.policy
    const policy = parseJson(json)
    policies.set(subscription, { json, policy })
    return policy
  }

  const view = Object.create(snsStore, {
    spy: {
      value: {
        addMessage(message: PublishedMessage) {
          current = message
          snsStore.spy?.addMessage(message)
        },
      },
    },
    getSubscription: {
      value(arn: string): Subscription | undefined {
        const subscription = snsStore.getSubscription(arn)
        const json = subscription?.attributes.FilterPolicy
        if (!subscription || !json || !current) return subscription
        const scope =
          subscription.attributes.FilterPolicyScope === 'MessageBody'
            ? 'MessageBody'
            : 'MessageAttributes'
        const selected = filterPolicyMatches(policyOf(subscription, json), scope, {
          attributes: current.messageAttributes,
          body: scope === 'MessageBody' ? bodyOf(current) : undefined,
        })
        if (!selected) return undefined
        return Object.create(subscription, {
          attributes: { value: { ...subscription.attributes, FilterPolicy: undefined } },
        })
      },
    },
  })

  return (params: Record<string, unknown>, headers: HookRequest['headers'] = {}): string => {
    const traceHeader = headers['x-amzn-trace-id']
    const queues =
      typeof traceHeader === 'string' && traceHeader !== ''
        ? markingEnqueues(sqsStore, (message) => {
            message.awsTraceHeader = traceHeader
          })
        : sqsStore
    try {
      return params.Action === 'PublishBatch'
        ? fauxqs.publishBatch(params, view, queues)
        : fauxqs.publish(params, view, queues)
    } finally {
      current = undefined
      parsedBody = undefined
    }
  }
}

/** fauxqs's SnsError: code, message, HTTP status. */
interface SnsError {
  readonly code: string
  readonly message: string
  readonly statusCode: number
}

/** A Fastify preHandler that answers form-encoded Publish and PublishBatch with `publish`. */
export function publishHook(
  publish: (params: Record<string, unknown>, headers: HookRequest['headers']) => string,
) {
  return (request: HookRequest, reply: HookReply, done: () => void): void => {
    const body = request.body as Record<string, unknown> | undefined
    const action = typeof body === 'object' && body !== null ? body.Action : undefined
    const contentType = request.headers['content-type']
    if (
      (action !== 'Publish' && action !== 'PublishBatch') ||
      typeof contentType !== 'string' ||
      !contentType.includes('x-www-form-urlencoded')
    ) {
      done()
      return
    }
    reply.hijack()
    try {
      const xml = publish(body as Record<string, unknown>, request.headers)
      reply.raw.writeHead(200, { 'content-type': 'text/xml' }).end(xml)
    } catch (error) {
      const e = error as Partial<SnsError>
      if (typeof e.code === 'string' && typeof e.statusCode === 'number')
        sendAwsError(reply.raw, 'query', e.statusCode, e.code, e.message ?? '')
      else sendAwsError(reply.raw, 'query', 500, 'InternalFailure', String(e.message ?? error))
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
