/**
 * What a million orders would cost on AWS, from what the pipeline bench counted per order:
 * requests by service and operation, DynamoDB request units, Lambda invocations and their
 * measured durations. Published us-east-1 on-demand prices, as read on 1 December 2026:
 *
 * - Lambda (https://aws.amazon.com/lambda/pricing/): $0.20 per million requests; Arm
 *   duration $0.0000133334 per GB-second (the stack's functions are arm64), first tier.
 * - SQS (https://aws.amazon.com/sqs/pricing/): standard queues $0.40 per million requests
 *   (first 100 billion a month), each 64 KB chunk of a payload billed as one request.
 * - SNS (https://aws.amazon.com/sns/pricing/): standard topics $0.50 per million publish
 *   requests, each 64 KB chunk billed as one; deliveries to SQS queues are not charged.
 * - DynamoDB on-demand (https://aws.amazon.com/dynamodb/pricing/on-demand/, the prices in
 *   force since 1 November 2024): $0.625 per million write request units, $0.125 per million
 *   read request units; DynamoDB Streams reads made by Lambda's event source mapping are free.
 *
 * Free tiers are left out (they do not scale with orders). Every message here is well under
 * 64 KB and no batch reaches it, so a request is one billed unit. SQS requests are those the
 * local pollers made (receive, delete, visibility changes), as Lambda's pollers make them.
 */

export const prices = {
  lambdaPerRequest: 0.2 / 1e6,
  lambdaArmPerGbSecond: 0.0000133334,
  sqsPerRequest: 0.4 / 1e6,
  snsPerPublish: 0.5 / 1e6,
  dynamoDbPerWru: 0.625 / 1e6,
  dynamoDbPerRru: 0.125 / 1e6,
} as const

/** Per order: what the bill is computed from. */
export interface OrderUsage {
  /** `<service>.<operation>` → requests per order, as the embedded AWS counted them. */
  readonly requests: Readonly<Record<string, number>>
  readonly writeRequestUnits: number
  readonly readRequestUnits: number
  readonly lambdaInvocations: number
  readonly lambdaGbSeconds: number
}

export interface Bill {
  readonly lambda: number
  readonly sqs: number
  readonly sns: number
  readonly dynamodb: number
  readonly total: number
}

/** Dollars per million orders. */
export function billPerMillionOrders(usage: OrderUsage): Bill {
  const sum = (prefix: string) =>
    Object.entries(usage.requests)
      .filter(([key]) => key.startsWith(prefix))
      .reduce((total, [, n]) => total + n, 0)
  const perOrder = {
    lambda:
      usage.lambdaInvocations * prices.lambdaPerRequest +
      usage.lambdaGbSeconds * prices.lambdaArmPerGbSecond,
    sqs: sum('SQS.') * prices.sqsPerRequest,
    // A PublishBatch is billed as one request while its payload stays under 64 KB.
    sns:
      ((usage.requests['SNS.Publish'] ?? 0) + (usage.requests['SNS.PublishBatch'] ?? 0)) *
      prices.snsPerPublish,
    dynamodb:
      usage.writeRequestUnits * prices.dynamoDbPerWru +
      usage.readRequestUnits * prices.dynamoDbPerRru,
  }
  const million = (n: number) => n * 1e6
  return {
    lambda: million(perOrder.lambda),
    sqs: million(perOrder.sqs),
    sns: million(perOrder.sns),
    dynamodb: million(perOrder.dynamodb),
    total: million(perOrder.lambda + perOrder.sqs + perOrder.sns + perOrder.dynamodb),
  }
}

/** Where each price comes from, printed with the bill. */
export const priceSources = {
  readOn: '2026-12-01',
  region: 'us-east-1',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
} as const

/** What the idempotency records and the effects took of an order's request units. */
interface IdempotencyShare {
  /** Deliveries an order that a handler processed (each one idempotency record on Powertools). */
  readonly records: number
  /** WRU and RRU on the idempotency table: leases, completions, releases and their reads. */
  readonly idempotencyWru: number
  readonly idempotencyRru: number
  /**
   * WRU of effects that were one item beside the idempotency record in a transaction (the
   * read model's row): Powertools, which cannot join the record's transaction, writes it on
   * its own, at half the units.
   */
  readonly loneEffectWru: number
}

/**
 * The same pipeline on Powertools' BatchProcessor + makeIdempotent: the same queues,
 * mappings, invocations and durations (which flatters it: its two round trips a record are
 * not added), the same effects committed the same way (the event store's append, with the
 * stock it moves, is a transaction of its own whoever calls it), except a lone effect item,
 * written on its own at half the units. Its idempotency record is a conditional PutItem (in
 * progress) and an UpdateItem (completed) a record, 1 WRU each, outside any transaction, so
 * not atomic with the effects. Ours takes a batch's leases (one transaction for two or more)
 * and commits each record's completion inside its effects' transaction.
 */
export function powertoolsUsage(usage: OrderUsage, share: IdempotencyShare): OrderUsage {
  return {
    ...usage,
    writeRequestUnits:
      usage.writeRequestUnits - share.idempotencyWru - share.loneEffectWru / 2 + 2 * share.records,
    readRequestUnits: usage.readRequestUnits - share.idempotencyRru,
  }
}
