/**
 * What a million orders would cost on AWS, from what the pipeline bench counted per order:
 * requests by service and operation, DynamoDB request units, Lambda invocations and their
 * measured durations. Published us-east-1 on-demand prices, as read on 1 December 2026:
 *
 * - Lambda (https://aws.amazon.com/lambda/pricing/): $0.20 per million requests; Arm
 *   duration $0.0000133334 per GB-second (the stack's functions are arm64), first tier,
 *   billed by the millisecond at the function's memory size.
 * - SQS (https://aws.amazon.com/sqs/pricing/): standard queues $0.40 per million requests
 *   (first 100 billion a month), each 64 KB chunk of a payload billed as one request.
 * - SNS (https://aws.amazon.com/sns/pricing/): standard topics $0.50 per million publish
 *   requests, each 64 KB chunk billed as one; deliveries to SQS queues are not charged.
 * - DynamoDB on-demand (https://aws.amazon.com/dynamodb/pricing/on-demand/, the prices in
 *   force since 1 November 2024): $0.625 per million write request units, $0.125 per million
 *   read request units; DynamoDB Streams reads made by Lambda's event source mapping are free.
 *
 * How DynamoDB meters (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html,
 * item sizes: .../CapacityUnitCalculations.html, transactions: .../transaction-apis.html):
 * a write is 1 WRU a started KB of the item (an update: the larger of the item before and
 * after), a read 1 RRU a started 4 KB (half when eventually consistent; a Query sums its
 * items first, a BatchGetItem rounds each), a read of an item that is not there still 1 or
 * 0.5, and every item of a transaction twice that (a prepare and a commit). A ConditionCheck
 * in TransactWriteItems is billed as a write, 2 WRU, measured on AWS by
 * https://martinhicks.dev/articles/what-a-conditional-dynamodb-transaction-costs. The
 * embedded DynamoDB counts units from the items it carries (local/dynamodb/request-units.ts);
 * where its count departs from these rules the bill says so below.
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

/** Request units, split into the idempotency records' and the effects' (everything else). */
export interface RequestUnits {
  readonly effectsWru: number
  readonly effectsRru: number
  readonly idempotencyWru: number
  readonly idempotencyRru: number
}

/** Per order: what the bill is computed from. */
export interface OrderUsage extends RequestUnits {
  /** `<service>.<operation>` → requests per order, as the embedded AWS counted them. */
  readonly requests: Readonly<Record<string, number>>
  readonly lambdaInvocations: number
  readonly lambdaGbSeconds: number
}

/** Dollars per million orders, by what they pay for. */
export interface Bill {
  /** DynamoDB for what the handlers write and read: events, stock, read models, notifications. */
  readonly effects: number
  /** DynamoDB for the idempotency records. */
  readonly idempotency: number
  readonly lambda: number
  readonly sqs: number
  readonly sns: number
  /** effects + idempotency. */
  readonly dynamodb: number
  readonly total: number
}

/** Dollars per million orders. */
export function billPerMillionOrders(usage: OrderUsage): Bill {
  const sum = (prefix: string) =>
    Object.entries(usage.requests)
      .filter(([key]) => key.startsWith(prefix))
      .reduce((total, [, n]) => total + n, 0)
  const million = (n: number) => n * 1e6
  const effects = million(
    usage.effectsWru * prices.dynamoDbPerWru + usage.effectsRru * prices.dynamoDbPerRru,
  )
  const idempotency = million(
    usage.idempotencyWru * prices.dynamoDbPerWru + usage.idempotencyRru * prices.dynamoDbPerRru,
  )
  const lambda = million(
    usage.lambdaInvocations * prices.lambdaPerRequest +
      usage.lambdaGbSeconds * prices.lambdaArmPerGbSecond,
  )
  const sqs = million(sum('SQS.') * prices.sqsPerRequest)
  // A PublishBatch is billed as one request while its payload stays under 64 KB.
  const sns = million(
    ((usage.requests['SNS.Publish'] ?? 0) + (usage.requests['SNS.PublishBatch'] ?? 0)) *
      prices.snsPerPublish,
  )
  return {
    effects,
    idempotency,
    lambda,
    sqs,
    sns,
    dynamodb: effects + idempotency,
    total: effects + idempotency + lambda + sqs + sns,
  }
}

/** Where each price and metering rule comes from, printed with the bill. */
export const priceSources = {
  readOn: '2026-12-01',
  region: 'us-east-1',
  lambda: 'https://aws.amazon.com/lambda/pricing/',
  sqs: 'https://aws.amazon.com/sqs/pricing/',
  sns: 'https://aws.amazon.com/sns/pricing/',
  dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  dynamodbMetering:
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html',
} as const

/**
 * What a Powertools idempotency record costs (@aws-lambda-powertools/idempotency 2.35,
 * DynamoDBPersistenceLayer): a conditional PutItem of the record in progress before the
 * handler, an UpdateItem to COMPLETED with the handler's result after it, each a record of
 * well under 1 KB outside any transaction: 1 WRU each, no read (a refused put returns the
 * record it met, ReturnValuesOnConditionCheckFailure ALL_OLD).
 */
export const powertoolsWruPerRecord = 2

/** An eventually consistent read of one item under 4 KB, there or not. */
const lookupRru = 0.5

/** What the counts say about the idempotency records, and what the bill models from them. */
export interface IdempotencyCounts {
  /** Deliveries an order that a handler processed: an idempotency record each, in both designs. */
  readonly records: number
  /** WRU and RRU counted on the idempotency table. */
  readonly wru: number
  readonly rru: number
}

/**
 * Our idempotency reads as AWS bills them: each record is looked up once, found or not, by an
 * eventually consistent BatchGetItem (leases off, decision 0006). The embedded count bills
 * only the items found, so the lookups of new records are added here.
 */
export function ourIdempotencyRru(counts: IdempotencyCounts): number {
  return Math.max(counts.rru, counts.records * lookupRru)
}

/**
 * The same pipeline on Powertools' BatchProcessor + makeIdempotent: the same queues,
 * mappings, invocations and durations (which flatters it: its two round trips a record are
 * not added), the same effects written the same way (ours commit on their own, as its
 * handlers would: an append with the stock it moves in one transaction, a single conditional
 * put as a plain PutItem: decision 0007). Its idempotency record is
 * {@link powertoolsWruPerRecord} a delivery, not atomic with the effects: exactly once rests
 * on the effects' own conditions, as ours does.
 */
export function powertoolsUsage(usage: OrderUsage, counts: IdempotencyCounts): OrderUsage {
  return {
    ...usage,
    idempotencyWru: powertoolsWruPerRecord * counts.records,
    idempotencyRru: 0,
  }
}

/** The best ours could do against the Powertools design: no idempotency cost at all. */
export interface Floor {
  /** Ours less its idempotency: what both designs pay for anyway. */
  readonly oursWithoutIdempotency: number
  readonly powertools: number
  /** oursWithoutIdempotency ÷ powertools: no idempotency design gets below it. */
  readonly ratio: number
  /** The same with Lambda left out of both (its local durations are no guide to AWS's). */
  readonly ratioWithoutLambda: number
  /** What ≤ 0.5 needs: ours at most half the Powertools design's bill. */
  readonly halfOfPowertools: number
  readonly halfReachable: boolean
}

export function floorOf(ours: Bill, powertools: Bill): Floor {
  const oursWithoutIdempotency = ours.total - ours.idempotency
  return {
    oursWithoutIdempotency,
    powertools: powertools.total,
    ratio: oursWithoutIdempotency / powertools.total,
    ratioWithoutLambda:
      (oursWithoutIdempotency - ours.lambda) / (powertools.total - powertools.lambda),
    halfOfPowertools: powertools.total / 2,
    halfReachable: oursWithoutIdempotency <= powertools.total / 2,
  }
}
