import { readFileSync } from 'node:fs'
import {
  CreateTopicCommand,
  type MessageAttributeValue,
  PublishBatchCommand,
  PublishCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns'
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { emulatorClientConfig } from '../../../local/client-config.ts'
import { conformanceTargets, type RunningTarget } from '../../support/targets.ts'

/**
 * Parity of SNS subscription filter policies with AWS: every vector recorded against real
 * AWS (test/fixtures/parity/sns-filter-policy.vectors.json, see /work/shared/parity/README.md)
 * runs through the real SDK against each target. What a target gets wrong today is listed
 * below, one reason a vector; the test asserts that the set of divergences equals that list
 * exactly, so fixing one or breaking another fails until the list is updated (a ratchet).
 */

interface DeliveryVector {
  readonly id: string
  readonly kind: 'delivery'
  readonly operator: string
  readonly scope: 'MessageAttributes' | 'MessageBody'
  readonly policy: unknown
  readonly message: {
    readonly body: string
    readonly attributes: Record<string, { DataType: string; StringValue: string }>
  }
  readonly publishVia: 'Publish' | 'PublishBatch'
  readonly expectedDelivered: boolean
}

interface ValidationVector {
  readonly id: string
  readonly kind: 'validation'
  readonly operator: string
  readonly scope: 'MessageAttributes' | 'MessageBody'
  readonly via: 'Subscribe' | 'SetSubscriptionAttributes'
  readonly attributeName: 'FilterPolicy' | 'FilterPolicyScope'
  readonly policy: unknown
  /** The attribute value as sent, when it is not the JSON of `policy` (invalid JSON, a bad scope). */
  readonly policyRaw?: string
  /** Whether the scope is set on the subscription (else it is AWS's default, MessageAttributes). */
  readonly scopeExplicit: boolean
  readonly expectedCode: string | null
  readonly expectedError: string | null
}

type Vector = DeliveryVector | ValidationVector

const vectors: readonly Vector[] = JSON.parse(
  readFileSync(
    new URL('../../fixtures/parity/sns-filter-policy.vectors.json', import.meta.url),
    'utf8',
  ),
).vectors

/** Vector id → why the target answers differently from AWS today. */
const knownDivergences: Record<string, Record<string, string>> = {
  embedded: {},
  moto: {
    'anythingbut-exists': 'accepts what AWS rejects with: Unsupported anything-but pattern: exists',
    'anythingbut-prefix-bool':
      'accepts what AWS rejects with: prefix match pattern must be a string',
    'anythingbut-suffix-rejected':
      'accepts what AWS rejects with: Unsupported anything-but pattern: suffix',
    'anythingbut-unknown-op':
      'accepts what AWS rejects with: Unsupported anything-but pattern: wrong-operator',
    'body-arrobj-multi-records': 'does not descend into a list of lists of objects in the body',
    'body-cidr-1': 'no cidr operator: rejects the policy (Unrecognized match type cidr)',
    'body-cidr-2': 'no cidr operator: rejects the policy (Unrecognized match type cidr)',
    'body-cidr-3': 'no cidr operator: rejects the policy (Unrecognized match type cidr)',
    'body-cidr-4': 'no cidr operator: rejects the policy (Unrecognized match type cidr)',
    'body-deep-dotkey-0':
      'a dotted policy key only matches a literal dotted body key, not nested objects',
    'body-deep-dotkey-2':
      'a dotted policy key only matches a literal dotted body key, not nested objects',
    'body-deep-dotkey-3':
      'a dotted policy key only matches a literal dotted body key, not nested objects',
    'body-dotkey-nested-obj':
      'a dotted policy key only matches a literal dotted body key, not nested objects',
    'body-large-complex-prefix':
      'a dotted key inside a nested policy does not match the nested body',
    'body-or-cpu-source':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-cpu-type':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-ec2-source':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-es-source':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-missing-detail':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-missing-detail-scope':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-missing-detail-type-source':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-readlatency-source':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-wrong-detail-scope':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-wrong-detail-type':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-wrong-metricName':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'body-or-wrong-namespace':
      'counts nested $or combinations differently: rejects this valid policy as too complex',
    'cidr-bad-ip':
      'AWS says “Nonstandard IP address: bad-filter”; it says “Unrecognized match type cidr”',
    'cidr-bad-mask':
      'AWS says “Malformed CIDR, mask bits must be an integer”; it says “Unrecognized match type cidr”',
    'cidr-bad-v4':
      'AWS says “Nonstandard IP address: xx.11.xx”; it says “Unrecognized match type cidr”',
    'cidr-bad-v6':
      'AWS says “Nonstandard IP address: xxxx:db8:1234:1a00::”; it says “Unrecognized match type cidr”',
    'cidr-list-value':
      'AWS says “prefix match pattern must be a string”; it says “Unrecognized match type cidr”',
    'cidr-no-slash':
      "AWS says “Malformed CIDR, one '/' required”; it says “Unrecognized match type cidr”",
    'complexity-or-150-accepted': 'AWS says “accepted”; it says “Filter policy is too complex”',
    'empty-array': 'accepts what AWS rejects with: Empty arrays are not allowed',
    'invalid-json-set-attrs':
      'invalid JSON gets HTTP 500 with a non-AWS body, not InvalidParameter',
    'invalid-json-subscribe':
      'invalid JSON gets HTTP 500 with a non-AWS body, not InvalidParameter',
    'numeric-range-missing-operator':
      'AWS says “Bad value in numeric range: 30”; it says “Bad numeric range operator: 30”',
    'numeric-range-too-many':
      'accepts what AWS rejects with: Too many terms in numeric range expression',
    'numeric-string-value':
      'AWS says “Value of equals must be numeric”; it says “Value of = must be numeric”',
    'scope-invalid-value':
      'accepts what AWS rejects with: FilterPolicyScope: Invalid value [RandomValue]',
    'suffix-empty-list': 'accepts what AWS rejects with: suffix match pattern must be a string',
    'suffix-list-value': 'accepts what AWS rejects with: suffix match pattern must be a string',
    'suffix-not-in-list':
      'AWS says “"suffix" must be an object or an array”; it says “Filter policy scope MessageAttributes does not support neste”',
    'suffix-null': 'accepts what AWS rejects with: suffix match pattern must be a string',
    'suffix-numeric': 'accepts what AWS rejects with: suffix match pattern must be a string',
    'suffix-prefix-not-in-list':
      'AWS says “"suffix" must be an object or an array”; it says “Filter policy scope MessageAttributes does not support neste”',
    'two-operators': 'accepts what AWS rejects with: Only one key allowed in match expression',
    'unknown-op-not-in-list':
      'AWS says “"not-an-operator" must be an object or an array”; it says “Filter policy scope MessageAttributes does not support neste”',
  },
}

/**
 * Exact and prefix matching on a String message attribute is what our pipeline's
 * subscriptions use (eventType), so no embedded divergence is tolerated there.
 */
function isPipelineCritical(vector: Vector): boolean {
  if (vector.kind !== 'delivery' || vector.scope !== 'MessageAttributes') return false
  if (!isPlainObject(vector.policy)) return false
  const rules = Object.entries(vector.policy)
  const exactOrPrefix = (rule: unknown) =>
    typeof rule === 'string' ||
    (isPlainObject(rule) &&
      Object.keys(rule).length === 1 &&
      typeof (rule as Record<string, unknown>).prefix === 'string')
  return (
    rules.length > 0 &&
    rules.every(([, value]) => Array.isArray(value) && value.every(exactOrPrefix)) &&
    Object.values(vector.message.attributes).every((a) => a.DataType === 'String')
  )
}

/** What each target answered per vector, and where that differs from AWS. */
interface TargetResult {
  readonly observed: Map<string, string>
  readonly divergences: Map<string, string>
}

const results = new Map<string, TargetResult>()
const running: RunningTarget[] = []

// The targets run side by side (moto takes seconds to start), each with its own clients.
beforeAll(async () => {
  await Promise.all(
    conformanceTargets
      .filter((target) => !target.skip)
      .map(async (target) => {
        const started = await target.start()
        running.push(started)
        results.set(target.name, await runVectors(started.endpoint))
      }),
  )
}, 60_000)

afterAll(async () => {
  await Promise.all(running.map((target) => target.stop()))
})

describe.each(conformanceTargets)(
  'SNS filter policies match AWS-recorded vectors on $name',
  (target) => {
    const result = () => {
      const found = results.get(target.name)
      if (!found) throw new Error(`no results for ${target.name}: it did not start`)
      return found
    }
    const divergences = () => result().divergences

    const skipNote = target.skip ? ` (skipped: ${target.skip})` : ''

    it.skipIf(target.skip)(`runs every vector${skipNote}`, () => {
      expect(new Set(vectors.map((v) => v.id)).size).toBe(vectors.length)
      expect(result().observed.size).toBe(vectors.length)
    })

    it.skipIf(target.skip)(
      `diverges from AWS on exactly the known-divergence list${skipNote}`,
      () => {
        const known = knownDivergences[target.name] ?? {}
        const newlyDivergent = [...divergences()]
          .filter(([id]) => !(id in known))
          .map(([id, detail]) => `${id}: ${detail}`)
          .sort()
        const nowConforming = Object.keys(known)
          .filter((id) => !divergences().has(id))
          .sort()
        // Update knownDivergences when this fails: remove what now conforms, and add (with a
        // reason) what newly diverges only if it is understood and accepted.
        expect({ newlyDivergent, nowConforming }).toEqual({ newlyDivergent: [], nowConforming: [] })
      },
    )

    it.skipIf(target.skip || target.name !== 'embedded')(
      `has no divergence on exact or prefix matching of a String message attribute${skipNote}`,
      () => {
        const critical = vectors.filter(isPipelineCritical)
        expect(critical.length).toBeGreaterThan(0)
        expect(critical.filter((v) => divergences().has(v.id)).map((v) => v.id)).toEqual([])
      },
    )

    it.skipIf(target.skip)(`reports its parity figures${skipNote}`, () => {
      const count = (kind: Vector['kind']) => {
        const all = vectors.filter((v) => v.kind === kind)
        return `${all.filter((v) => !divergences().has(v.id)).length}/${all.length}`
      }
      // Shown in the test output; the ratchet above is what fails.
      console.info(
        `filter-policy parity on ${target.name}: delivery ${count('delivery')}, validation ${count('validation')}`,
      )
    })
  },
)

/** Runs every vector against one endpoint, creating what each needs with few requests. */
async function runVectors(endpoint: string): Promise<TargetResult> {
  const sns = new SNSClient(emulatorClientConfig(endpoint))
  const sqs = new SQSClient(emulatorClientConfig(endpoint))
  const run = Math.random().toString(36).slice(2, 8)
  const observed = new Map<string, string>()
  const divergences = new Map<string, string>()
  const record = (vector: Vector, outcome: string) => {
    observed.set(vector.id, outcome)
    if (!conforms(vector, outcome))
      divergences.set(vector.id, `AWS: ${expectedOutcome(vector)}; got: ${outcome}`)
  }

  // Delivery vectors that share a policy and scope share one topic, queue and subscription.
  const groups = new Map<string, DeliveryVector[]>()
  for (const vector of vectors) {
    if (vector.kind !== 'delivery') continue
    const key = JSON.stringify([vector.policy, vector.scope])
    groups.set(key, [...(groups.get(key) ?? []), vector])
  }
  // Validation vectors subscribe one topic, each with an endpoint of its own (a queue ARN
  // nothing is ever delivered to), so their subscriptions are distinct.
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `fp-${run}-validation` })))
    .TopicArn!
  const probe = await createQueue(sqs, `fp-${run}-probe`)
  const queueArnPrefix = probe.arn.slice(0, -`fp-${run}-probe`.length)

  const tasks: (() => Promise<void>)[] = [
    ...[...groups.values()].map((group, index) => async () => {
      const name = `fp-${run}-d${index}`
      for (const [vector, outcome] of await runDeliveryGroup(sns, sqs, group, name, queueArnPrefix))
        record(vector, outcome)
    }),
    ...vectors.flatMap((vector, index) =>
      vector.kind === 'validation'
        ? [
            async () => {
              const endpoint = `${queueArnPrefix}fp-${run}-v${index}`
              record(vector, await runValidation(sns, vector, topicArn, endpoint))
            },
          ]
        : [],
    ),
  ]
  await inParallel(tasks, 16, (task) => task())
  sns.destroy()
  sqs.destroy()
  return { observed, divergences }
}

function expectedOutcome(vector: Vector): string {
  if (vector.kind === 'delivery') return vector.expectedDelivered ? 'delivered' : 'not delivered'
  return vector.expectedCode === null
    ? 'accepted'
    : `rejected ${vector.expectedCode} ("…${vector.expectedError}…")`
}

function conforms(vector: Vector, outcome: string): boolean {
  if (vector.kind === 'delivery') return outcome === expectedOutcome(vector)
  if (vector.expectedCode === null) return outcome === 'accepted'
  return (
    outcome.startsWith(`rejected ${vector.expectedCode}: `) &&
    outcome.includes(vector.expectedError ?? '')
  )
}

/** Subscribes one queue with the group's policy, then publishes each vector's message in turn. */
async function runDeliveryGroup(
  sns: SNSClient,
  sqs: SQSClient,
  group: readonly DeliveryVector[],
  name: string,
  queueArnPrefix: string,
): Promise<[DeliveryVector, string][]> {
  const { policy, scope } = group[0]!
  let topicArn: string
  let queueUrl: string
  try {
    topicArn = (await sns.send(new CreateTopicCommand({ Name: name }))).TopicArn!
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!
    await sns.send(
      new SubscribeCommand({
        TopicArn: topicArn,
        Protocol: 'sqs',
        Endpoint: queueArnPrefix + name,
        Attributes: {
          FilterPolicy: JSON.stringify(policy),
          FilterPolicyScope: scope,
          RawMessageDelivery: 'true',
        },
      }),
    )
  } catch (error) {
    const outcome = `subscribe failed: ${describeError(error)}`
    return group.map((vector) => [vector, outcome])
  }
  const outcomes: [DeliveryVector, string][] = []
  for (const vector of group)
    outcomes.push([vector, await publishAndReceive(sns, sqs, vector, topicArn, queueUrl)])
  return outcomes
}

async function publishAndReceive(
  sns: SNSClient,
  sqs: SQSClient,
  vector: DeliveryVector,
  topicArn: string,
  queueUrl: string,
): Promise<string> {
  const { body, attributes } = vector.message
  const messageAttributes: Record<string, MessageAttributeValue> | undefined =
    Object.keys(attributes).length > 0 ? attributes : undefined
  try {
    if (vector.publishVia === 'PublishBatch') {
      const result = await sns.send(
        new PublishBatchCommand({
          TopicArn: topicArn,
          PublishBatchRequestEntries: [
            { Id: 'm1', Message: body, MessageAttributes: messageAttributes },
          ],
        }),
      )
      if (result.Failed?.length) return `publish failed: ${JSON.stringify(result.Failed)}`
    } else {
      await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: body,
          MessageAttributes: messageAttributes,
        }),
      )
    }
  } catch (error) {
    return `publish failed: ${describeError(error)}`
  }
  // Both implementations fan out to SQS before Publish returns: nothing to wait for. A
  // received message stays invisible, so the group's next vector sees only its own.
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  )
  if (Messages.length === 0) return 'not delivered'
  if (Messages.length === 1 && Messages[0]?.Body === body) return 'delivered'
  return `delivered something else: ${JSON.stringify(Messages.map((m) => m.Body?.slice(0, 80)))}`
}

async function runValidation(
  sns: SNSClient,
  vector: ValidationVector,
  topicArn: string,
  endpoint: string,
): Promise<string> {
  const value =
    vector.policyRaw ??
    (vector.attributeName === 'FilterPolicy' ? JSON.stringify(vector.policy) : vector.scope)
  if (vector.via === 'Subscribe') {
    const attributes: Record<string, string> = { [vector.attributeName]: value }
    if (vector.scopeExplicit && vector.attributeName !== 'FilterPolicyScope')
      attributes.FilterPolicyScope = vector.scope
    try {
      await sns.send(
        new SubscribeCommand({
          TopicArn: topicArn,
          Protocol: 'sqs',
          Endpoint: endpoint,
          Attributes: attributes,
        }),
      )
      return 'accepted'
    } catch (error) {
      return rejection(error)
    }
  }
  let subscriptionArn: string
  try {
    subscriptionArn = (
      await sns.send(
        new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: endpoint }),
      )
    ).SubscriptionArn!
    if (vector.scopeExplicit) {
      await sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: subscriptionArn,
          AttributeName: 'FilterPolicyScope',
          AttributeValue: vector.scope,
        }),
      )
    }
  } catch (error) {
    return `setup failed: ${describeError(error)}`
  }
  try {
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: subscriptionArn,
        AttributeName: vector.attributeName,
        AttributeValue: value,
      }),
    )
    return 'accepted'
  } catch (error) {
    return rejection(error)
  }
}

/** `rejected <AWS error code>: <message>`, the code as the Query protocol's <Code> carries it. */
function rejection(error: unknown): string {
  return `rejected ${describeError(error)}`
}

function describeError(error: unknown): string {
  const e = error as {
    Code?: string
    name?: string
    message?: string
    $metadata?: { httpStatusCode?: number }
    $response?: { statusCode?: number }
  }
  const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 200)
  // A response the SDK could not read as an AWS error (an HTML or JSON 500 page, say).
  if (e.message?.includes('Deserialization error'))
    return `unreadable error response (HTTP ${e.$response?.statusCode ?? e.$metadata?.httpStatusCode ?? '?'})`
  // The SDK names modeled errors <Code>Exception; the wire code is in `Code` when it kept it.
  const code = e.Code ?? e.name?.replace(/Exception$/, '') ?? 'Unknown'
  return `${code}: ${oneLine(e.message ?? String(error))}`
}

async function createQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  )
  return { url, arn: Attributes!.QueueArn! }
}

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++]!)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
