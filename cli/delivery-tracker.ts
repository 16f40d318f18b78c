import type { SQSRecord } from 'aws-lambda'
import type { PipelineResources } from '../contracts/outputs.ts'
import type { BatchOutcome } from '../local/lambda/event-sources/batch-outcome.ts'
import { envelopeOf } from '../local/pipeline/published-at.ts'
import type { ProvisionedStack } from '../local/provisioner/provision.ts'
import { eventMessage, filterPolicySelects } from './filter-policy.ts'
import type { SubscriptionFilter } from './readers/index.ts'

/** How one consumer is subscribed: its filter policy, read from the stack. */
interface Route {
  readonly consumer: string
  readonly functionName: string
  readonly filter: SubscriptionFilter
}

/** An event that has not reached every consumer it should. */
export interface PendingDelivery {
  readonly eventId: string
  readonly eventType: string
  readonly missing: readonly string[]
}

/**
 * Which consumers each event should reach, by the subscriptions' filter policies in the
 * provisioned stack (one definition: the template), and which it has reached, from the
 * batches the event source mappings processed. Events are known from being published, or
 * from reaching any consumer (events the pipeline itself publishes).
 */
export class DeliveryTracker {
  readonly #routes: readonly Route[]
  readonly #expected = new Map<string, { eventType: string; consumers: Set<string> }>()
  readonly #delivered = new Map<string, Set<string>>()
  #duplicates = 0

  constructor(stack: ProvisionedStack, pipeline: PipelineResources) {
    this.#routes = pipeline.consumers.map((consumer) => {
      const subscription = stack.resources.find(
        (r) => r.type === 'AWS::SNS::Subscription' && r.properties.Endpoint === consumer.queueArn,
      )
      const policy = subscription?.properties.FilterPolicy
      return {
        consumer: consumer.name,
        functionName: consumer.functionName,
        filter: {
          policy: typeof policy === 'string' ? JSON.parse(policy) : policy,
          scope:
            subscription?.properties.FilterPolicyScope === 'MessageBody'
              ? 'MessageBody'
              : 'MessageAttributes',
        },
      }
    })
  }

  /** The consumers an event should reach. */
  consumersOf(event: { eventType: string; version: number }): string[] {
    const message = eventMessage(event)
    return this.#routes
      .filter((route) => filterPolicySelects(route.filter, message) === true)
      .map((route) => route.consumer)
  }

  published(event: { eventId: string; eventType: string; version: number }): void {
    if (!this.#expected.has(event.eventId)) {
      this.#expected.set(event.eventId, {
        eventType: event.eventType,
        consumers: new Set(this.consumersOf(event)),
      })
    }
  }

  /** The runner's `onBatch`: counts each record a consumer processed. */
  readonly observe = (outcome: BatchOutcome): void => {
    const route = this.#routes.find((r) => r.functionName === outcome.functionName)
    if (!route) return
    for (const record of outcome.records as SQSRecord[]) {
      if (!outcome.succeeded.has(record.messageId)) continue
      const envelope = envelopeOf(record)
      if (!envelope) continue
      const version = Number(record.messageAttributes?.version?.stringValue ?? 1)
      this.published({ ...envelope, version })
      const seen = this.#delivered.get(envelope.eventId) ?? new Set()
      if (seen.has(route.consumer)) this.#duplicates++
      this.#delivered.set(envelope.eventId, seen.add(route.consumer))
    }
  }

  /** Every event that has not yet reached all its consumers. */
  pending(): PendingDelivery[] {
    const pending: PendingDelivery[] = []
    for (const [eventId, { eventType, consumers }] of this.#expected) {
      const seen = this.#delivered.get(eventId)
      const missing = [...consumers].filter((c) => !seen?.has(c))
      if (missing.length > 0) pending.push({ eventId, eventType, missing })
    }
    return pending
  }

  /** Deliveries expected and made so far; duplicates are deliveries beyond the first. */
  counts(): { events: number; expected: number; delivered: number; duplicates: number } {
    let expected = 0
    let delivered = 0
    for (const [eventId, { consumers }] of this.#expected) {
      expected += consumers.size
      const seen = this.#delivered.get(eventId)
      for (const consumer of consumers) if (seen?.has(consumer)) delivered++
    }
    return { events: this.#expected.size, expected, delivered, duplicates: this.#duplicates }
  }
}
