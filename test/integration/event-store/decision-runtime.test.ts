import { QueryCommand } from '@aws-sdk/lib-dynamodb'
import { describe, expect, it } from 'vitest'
import { EventStore, prepareDecision } from '../../../functions/event-store/index.ts'
import { consumer } from '../../../functions/runtime/index.ts'
import { useEmbeddedAws } from '../../support/embedded-aws.ts'
import {
  TallyRequestedV1,
  tallyDecider,
  tallyDefinitions,
  tallyRequested,
} from '../../support/tally.ts'
import { createConsumerResources, pollOnce, sendBodies, settingsFor } from '../runtime/fixture.ts'
import { createEventsTable, createSnapshotsTable, documentClientFor } from './fixture.ts'

const aws = useEmbeddedAws()

/**
 * The decider glue in the consumer runtime's transactional mode: the handler returns the
 * decision's writes, and the runtime commits them with the idempotency record.
 */
describe('a decision committed by the consumer runtime', () => {
  it('appends once per event, in the same transaction as the idempotency record', async () => {
    const resources = await createConsumerResources(aws.endpoint)
    const eventsTable = await createEventsTable(aws.endpoint)
    const snapshotsTable = await createSnapshotsTable(aws.endpoint)
    const store = new EventStore({
      client: documentClientFor(aws.endpoint),
      eventsTable,
      snapshotsTable,
      definitions: tallyDefinitions,
    })
    const transactions: string[][] = []
    // On the middleware stack: the runtime's document client sends through it too.
    resources.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        if (/TransactWrite/.test(context.commandName ?? '')) {
          const { TransactItems } = args.input as {
            TransactItems: Record<string, { TableName: string }>[]
          }
          transactions.push(TransactItems.map((item) => Object.values(item)[0]!.TableName))
        }
        return next(args)
      },
      { step: 'initialize', name: 'countTransactions' },
    )
    const handler = consumer({
      name: 'tally',
      events: { 'tally.requested': TallyRequestedV1 },
      ...settingsFor(resources),
      async handle(event) {
        const decision = await prepareDecision(
          store,
          tallyDecider,
          `tally-${event.payload.tallyId}`,
          {
            amount: event.payload.amount,
            eventId: `added-${event.eventId}`,
            now: new Date(event.timestamp),
          },
          { snapshots: { schemaVersion: 1, every: 2 } },
        )
        return decision.writes
      },
    })

    const requests = [tallyRequested('t', 2, 'r-1'), tallyRequested('t', 3, 'r-2')]
    await sendBodies(
      resources.sqs,
      resources.queueUrl,
      [...requests, requests[0]!].map((event) => ({ body: JSON.stringify(event) })),
    )
    for (let i = 0; i < 3; i++) {
      expect(await pollOnce(handler, resources, { max: 1 })).toMatchObject({
        ok: true,
        response: { batchItemFailures: [] },
      })
    }
    const stream = await store.readStream('tally-t')
    expect(stream.map((r) => r.event.eventId)).toEqual(['added-r-1', 'added-r-2'])
    // The effects committed with the completion: the events (and, at version 2, the
    // snapshot) in the one transaction that completes the idempotency record.
    const withEvents = transactions.filter((tables) => tables.includes(eventsTable))
    expect(withEvents).toHaveLength(2)
    for (const tables of withEvents) expect(tables).toContain(resources.table)
    expect(withEvents.map((tables) => tables.includes(snapshotsTable))).toEqual([false, true])
    expect(
      (await store.aggregateStream(tallyDecider, 'tally-t', { snapshots: { schemaVersion: 1 } }))
        .snapshot,
    ).toEqual({ status: 'used', version: 2 })
    const items = await documentClientFor(aws.endpoint).send(
      new QueryCommand({
        TableName: eventsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'tally-t' },
      }),
    )
    expect(items.Items).toHaveLength(2)
  })
})
