import { describe, expect, it } from 'vitest'
import {
  billPerMillionOrders,
  floorOf,
  type OrderUsage,
  ourIdempotencyRru,
  powertoolsUsage,
} from '../../bench/aws-bill.ts'

const usage: OrderUsage = {
  requests: {
    'SNS.PublishBatch': 1,
    'SQS.ReceiveMessage': 2,
    'SQS.DeleteMessageBatch': 3,
    'DynamoDB.Query': 9,
  },
  effectsWru: 20,
  effectsRru: 8,
  idempotencyWru: 10,
  idempotencyRru: 4,
  lambdaInvocations: 1.5,
  lambdaGbSeconds: 0.25,
}

describe('the AWS bill per million orders', () => {
  it('splits DynamoDB into the effects and the idempotency records, beside Lambda, SQS and SNS', () => {
    const bill = billPerMillionOrders(usage)
    expect(bill.effects).toBeCloseTo(20 * 0.625 + 8 * 0.125) // 13.5
    expect(bill.idempotency).toBeCloseTo(10 * 0.625 + 4 * 0.125) // 6.75
    expect(bill.dynamodb).toBeCloseTo(bill.effects + bill.idempotency)
    expect(bill.lambda).toBeCloseTo(1.5 * 0.2 + 0.25 * 1e6 * 0.0000133334) // 3.63
    expect(bill.sqs).toBeCloseTo(5 * 0.4) // DynamoDB's requests are in its units, not here
    expect(bill.sns).toBeCloseTo(0.5)
    expect(bill.total).toBeCloseTo(
      bill.effects + bill.idempotency + bill.lambda + bill.sqs + bill.sns,
    )
  })

  it('bills a lookup of each record, found or not, where the count bills only what was found', () => {
    expect(ourIdempotencyRru({ records: 9, wru: 9, rru: 0.5 })).toBe(4.5)
    // Records of over 4 KB, or read again: the count is the larger.
    expect(ourIdempotencyRru({ records: 2, wru: 2, rru: 3 })).toBe(3)
  })

  it('gives the Powertools design the same effects and 2 WRU a record for idempotency, no read', () => {
    expect(powertoolsUsage(usage, { records: 9, wru: 10, rru: 4 })).toEqual({
      ...usage,
      idempotencyWru: 18,
      idempotencyRru: 0,
    })
  })

  it('puts the floor at ours without idempotency over Powertools, and says whether half is in reach', () => {
    const ours = billPerMillionOrders(usage)
    const powertools = billPerMillionOrders(powertoolsUsage(usage, { records: 9, wru: 10, rru: 4 }))
    const floor = floorOf(ours, powertools)
    expect(floor.oursWithoutIdempotency).toBeCloseTo(ours.total - ours.idempotency)
    expect(floor.ratio).toBeCloseTo(floor.oursWithoutIdempotency / powertools.total)
    expect(floor.ratioWithoutLambda).toBeCloseTo(
      (floor.oursWithoutIdempotency - ours.lambda) / (powertools.total - powertools.lambda),
    )
    expect(floor.halfOfPowertools).toBeCloseTo(powertools.total / 2)
    expect(floor.halfReachable).toBe(false)
    // With effects that cost next to nothing, only idempotency is left to differ.
    const cheap = { ...usage, effectsWru: 0, effectsRru: 0, lambdaGbSeconds: 0, requests: {} }
    const cheapFloor = floorOf(
      billPerMillionOrders(cheap),
      billPerMillionOrders(powertoolsUsage(cheap, { records: 9, wru: 10, rru: 4 })),
    )
    expect(cheapFloor.halfReachable).toBe(true)
  })
})
