import { describe, expect, it } from 'vitest'
import { dynamoDbOperations, dynamoDbStreamsOperations } from '../../../local/dynamodb/router.ts'
import { FaultInjector, mergeFaultReports } from '../../../local/faults/fault-injector.ts'
import { faultOperations } from '../../../local/faults/fault-rules.ts'
import { FaultSpecError, formatFaults, parseFaults } from '../../../local/faults/parse-faults.ts'

/** A random source that returns `values` in turn. */
const sequence = (...values: number[]) => {
  let i = 0
  return () => values[i++ % values.length] as number
}

const problemsOf = (spec: string): readonly string[] => {
  try {
    parseFaults(spec)
  } catch (error) {
    if (error instanceof FaultSpecError) return error.problems
    throw error
  }
  return []
}

describe('parseFaults', () => {
  it('reads rules by scope, with percentages, lost replies and latency', () => {
    expect(
      parseFaults(
        'dynamodb:throttle=5%,5xx=1.5%; dynamodb.TransactWriteItems:conflict=2%,lost=1%\n' +
          'sqs.ReceiveMessage:latency=20-200ms@10%  # slow polls\n*:latency=5ms',
      ),
    ).toEqual([
      { service: 'dynamodb', errors: { throttle: 0.05, '5xx': 0.015 } },
      {
        service: 'dynamodb',
        operation: 'TransactWriteItems',
        errors: { conflict: 0.02 },
        lostReplies: 0.01,
      },
      {
        service: 'sqs',
        operation: 'ReceiveMessage',
        errors: {},
        latency: { minMs: 20, maxMs: 200, rate: 0.1 },
      },
      { service: '*', errors: {}, latency: { minMs: 5, maxMs: 5, rate: 1 } },
    ])
  })

  it('reads a JSON array of rules, checked as the text form is', () => {
    expect(
      parseFaults('[{"service":"sns","operation":"Publish","errors":{"throttle":0.1}}]'),
    ).toEqual([{ service: 'sns', operation: 'Publish', errors: { throttle: 0.1 } }])
    expect(problemsOf('[{"service":"sns","errors":{"throttle":2}}]')).toEqual([
      "'sns': throttle must be from 0% to 100%",
    ])
    expect(problemsOf('{"service":"sns"}')).toEqual([
      'a JSON fault spec is an array of rules (objects)',
    ])
  })

  it('writes rules back as a spec that reads to the same rules', () => {
    const spec =
      'dynamodb:throttle=5%,5xx=1.5%; dynamodb.TransactWriteItems:conflict=2%,lost=1%; sqs.ReceiveMessage:latency=20-200ms@10%; *:latency=5ms@100%'
    expect(formatFaults(parseFaults(spec))).toBe(spec)
  })

  it('is off when empty', () => {
    expect(parseFaults('')).toEqual([])
    expect(parseFaults('  # nothing\n')).toEqual([])
  })

  it('names every problem at once', () => {
    expect(
      problemsOf(
        'dynamo:throttle=5%; sqs.PutItem:5xx=1%; sqs:throughput=1%; dynamodb.GetItem:conflict=1%; ' +
          'sns:throttle=60%,lost=50%; *.Publish:lost=1%; dynamodb:slow=1%; sqs.SendMessage:latency=fast; ' +
          'sqs.DeleteMessage:throttle=5; streams:latency=9-3ms; justtext; sqs:5xx=1%',
      ),
    ).toEqual([
      "'slow=1%' names no fault (throttle, 5xx, throughput, conflict, lost, latency)",
      "'latency=fast' is not latency=<ms>ms or <min>-<max>ms[@<percent>%]",
      "'throttle=5': throttle takes a percentage",
      "'justtext' is not <scope>:<fault>=<value>,…",
      "'dynamo': no service 'dynamo' (*, dynamodb, streams, sqs, sns)",
      expect.stringMatching(
        /^'sqs\.PutItem': sqs has no operation 'PutItem' \(ChangeMessageVisibility, /,
      ),
      "'sqs': sqs never answers throughput",
      "'dynamodb.GetItem': GetItem never conflicts (PutItem, UpdateItem, DeleteItem, TransactWriteItems, TransactGetItems do)",
      "'sns': its errors and lost replies add up to more than 100%",
      "'*.Publish': name a service with an operation",
      "'streams': latency takes whole milliseconds, the least first",
      "'sqs' has two rules; give it one",
    ])
  })

  it("lists DynamoDB's and DynamoDB Streams' operations as the layer's router serves them", () => {
    expect([...faultOperations.dynamodb].sort()).toEqual([...dynamoDbOperations].sort())
    expect([...faultOperations.streams].sort()).toEqual([...dynamoDbStreamsOperations].sort())
  })
})

describe('FaultInjector', () => {
  it('injects nothing without rules, and nothing outside their scope', () => {
    expect(new FaultInjector().decide('dynamodb', 'PutItem')).toBeUndefined()
    const faults = new FaultInjector(parseFaults('sqs.SendMessage:5xx=100%'), () => 0)
    expect(faults.decide('sqs', 'ReceiveMessage')).toBeUndefined()
    expect(faults.decide('sns', 'Publish')).toBeUndefined()
    expect(faults.decide('sqs', 'SendMessage')).toEqual({
      latencyMs: 0,
      error: '5xx',
      lostReply: false,
    })
  })

  it('takes the most specific rule: service.Operation, then service, then *', () => {
    const faults = new FaultInjector(
      parseFaults('*:lost=100%; dynamodb:throttle=100%; dynamodb.PutItem:5xx=100%'),
      () => 0,
    )
    expect(faults.decide('dynamodb', 'PutItem')?.error).toBe('5xx')
    expect(faults.decide('dynamodb', 'GetItem')?.error).toBe('throttle')
    expect(faults.decide('sns', 'Publish')).toMatchObject({ lostReply: true, error: undefined })
  })

  it('draws one error or a lost reply by their shares, in the order throttle, 5xx, throughput, conflict, lost', () => {
    const spec = 'dynamodb:throttle=10%,5xx=10%,throughput=10%,conflict=10%,lost=10%'
    const at = (draw: number, operation = 'PutItem') =>
      new FaultInjector(parseFaults(spec), () => draw).decide('dynamodb', operation)
    expect(at(0.05)?.error).toBe('throttle')
    expect(at(0.15)?.error).toBe('5xx')
    expect(at(0.25)?.error).toBe('throughput')
    expect(at(0.35)?.error).toBe('conflict')
    expect(at(0.45)).toEqual({ latencyMs: 0, error: undefined, lostReply: true })
    expect(at(0.55)).toBeUndefined()
    // An operation that cannot conflict skips conflict's share: lost replies come next.
    expect(at(0.35, 'GetItem')).toMatchObject({ error: undefined, lostReply: true })
    expect(at(0.45, 'GetItem')).toBeUndefined()
  })

  it('skips the errors a service never gives under a * rule', () => {
    const faults = new FaultInjector(parseFaults('*:throughput=50%,lost=50%'), () => 0.25)
    expect(faults.decide('dynamodb', 'Query')?.error).toBe('throughput')
    // SQS has no throughput error: lost replies keep their 50 % share, no more.
    expect(faults.decide('sqs', 'SendMessage')?.lostReply).toBe(true)
    const later = new FaultInjector(parseFaults('*:throughput=50%,lost=50%'), () => 0.75)
    expect(later.decide('sqs', 'SendMessage')).toBeUndefined()
  })

  it('adds latency to its share of requests, uniform between the bounds', () => {
    const delayed = new FaultInjector(
      parseFaults('sqs:latency=100-300ms@50%'),
      sequence(0.9, 0.4, 0.5),
    )
    expect(delayed.decide('sqs', 'ReceiveMessage')).toEqual({
      latencyMs: 200,
      error: undefined,
      lostReply: false,
    })
    // Each request draws: its error or lost reply, whether it is delayed, by how much.
    const spared = new FaultInjector(parseFaults('sqs:latency=100-300ms@50%'), () => 0.6)
    expect(spared.decide('sqs', 'ReceiveMessage')).toBeUndefined()
  })

  it('counts what it injected per operation, and merges reports', () => {
    const faults = new FaultInjector(
      parseFaults('sns:throttle=50%,lost=25%,latency=1ms@100%'),
      sequence(0.1, 0, 0, 0.6, 0, 0, 0.9, 0, 0),
    )
    for (let i = 0; i < 3; i++) faults.decide('sns', 'Publish')
    const report = faults.report()
    expect(report).toEqual({
      'sns.Publish': { requests: 3, errors: { throttle: 1 }, lostReplies: 1, delayed: 3 },
    })
    expect(
      mergeFaultReports(report, {
        'sns.Publish': {
          requests: 1,
          errors: { throttle: 1, '5xx': 1 },
          lostReplies: 0,
          delayed: 0,
        },
        'sqs.SendMessage': { requests: 2, errors: {}, lostReplies: 2, delayed: 0 },
      }),
    ).toEqual({
      'sns.Publish': { requests: 4, errors: { throttle: 2, '5xx': 1 }, lostReplies: 1, delayed: 3 },
      'sqs.SendMessage': { requests: 2, errors: {}, lostReplies: 2, delayed: 0 },
    })
    faults.set([])
    expect(faults.decide('sns', 'Publish')).toBeUndefined()
  })
})
