import {
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { readStream } from '../../support/dynamodb-streams.ts'
import { dynamoDbTargets, pkTable, useDynamoDb } from '../../support/dynamodb-targets.ts'

const accounts = Array.from({ length: 8 }, (_, i) => `account-${i}`)
const opening = 100
const transfers = 50

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31
    return state / 2 ** 31
  }
}

for (const target of dynamoDbTargets) {
  const skip =
    target.skip ??
    (target.atomic
      ? undefined
      : `${target.name} does not make conditional writes atomic under concurrency`)
  describe.skipIf(skip)(
    `concurrent transactions on ${target.name}${skip ? ` (skipped: ${skip})` : ''}`,
    () => {
      const db = useDynamoDb(target)

      it('50 concurrent transfers over overlapping accounts conserve the total; the stream shows each committed change once', async () => {
        const table = await db.createTable({
          ...pkTable,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        })
        for (const pk of accounts) {
          await db.ddb.send(
            new PutItemCommand({
              TableName: table,
              Item: { pk: { S: pk }, balance: { N: String(opening) } },
            }),
          )
        }
        const next = random(42)
        const pick = () => accounts[Math.floor(next() * accounts.length)] as string

        const transfer = async (id: number) => {
          const from = pick()
          let to = pick()
          while (to === from) to = pick()
          const amount = 1 + Math.floor(next() * 60)
          try {
            await db.ddb.send(
              new TransactWriteItemsCommand({
                TransactItems: [
                  {
                    Update: {
                      TableName: table,
                      Key: { pk: { S: from } },
                      UpdateExpression: 'SET balance = balance - :amount',
                      ConditionExpression: 'balance >= :amount',
                      ExpressionAttributeValues: { ':amount': { N: String(amount) } },
                    },
                  },
                  {
                    Update: {
                      TableName: table,
                      Key: { pk: { S: to } },
                      UpdateExpression: 'SET balance = balance + :amount',
                      ExpressionAttributeValues: { ':amount': { N: String(amount) } },
                    },
                  },
                  {
                    Put: {
                      TableName: table,
                      Item: {
                        pk: { S: `transfer-${id}` },
                        from: { S: from },
                        to: { S: to },
                        amount: { N: String(amount) },
                      },
                    },
                  },
                ],
              }),
            )
            return true
          } catch (error) {
            if ((error as Error).name === 'TransactionCanceledException') return false
            throw error
          }
        }

        // Single-item writes on the same accounts race the transactions; they must wait for them.
        const touch = (pk: string) =>
          db.ddb.send(
            new UpdateItemCommand({
              TableName: table,
              Key: { pk: { S: pk } },
              UpdateExpression: 'ADD touches :one',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':one': { N: '1' } },
            }),
          )
        // Transactional reads must never see a transfer half applied.
        const totals: number[] = []
        const readTotal = async () => {
          const { Responses } = await db.ddb.send(
            new TransactGetItemsCommand({
              TransactItems: accounts.map((pk) => ({
                Get: { TableName: table, Key: { pk: { S: pk } } },
              })),
            }),
          )
          totals.push(Responses?.reduce((sum, r) => sum + Number(r.Item?.balance?.N ?? 0), 0) ?? 0)
        }

        const work: Promise<unknown>[] = []
        for (let i = 0; i < transfers; i++) {
          work.push(transfer(i))
          if (i % 5 === 0) work.push(touch(pick()), readTotal())
        }
        const results = await Promise.all(work)
        const committed = results.filter((r) => r === true).length
        expect(committed).toBeGreaterThan(0)

        const { Items = [] } = await db.ddb.send(
          new ScanCommand({ TableName: table, ConsistentRead: true }),
        )
        const balances = Items.filter((item) => item.balance)
        const transferItems = Items.filter((item) => item.amount)
        expect(balances.reduce((sum, item) => sum + Number(item.balance?.N), 0)).toBe(
          opening * accounts.length,
        )
        for (const item of balances) expect(Number(item.balance?.N)).toBeGreaterThanOrEqual(0)
        expect(transferItems).toHaveLength(committed)
        expect(totals.every((total) => total === opening * accounts.length)).toBe(true)

        // The stream: the openings, then per committed transfer one INSERT and two MODIFYs, plus one MODIFY per touch.
        const { Table } = await db.ddb.send(new DescribeTableCommand({ TableName: table }))
        const records = await readStream(db.streams, Table?.LatestStreamArn as string)
        const touches = Math.ceil(transfers / 5)
        expect(records).toHaveLength(accounts.length + committed * 3 + touches)
        const ids = new Set(records.map((r) => r.eventID))
        expect(ids.size).toBe(records.length)
        const inserts = records.filter((r) => r.dynamodb?.Keys?.pk?.S?.startsWith('transfer-'))
        expect(new Set(inserts.map((r) => r.dynamodb?.Keys?.pk?.S)).size).toBe(committed)

        // Replaying each account's records in stream order chains old image to new image and ends at its balance.
        for (const pk of accounts) {
          const own = records.filter((r) => r.dynamodb?.Keys?.pk?.S === pk)
          for (let i = 1; i < own.length; i++) {
            expect(own[i]?.dynamodb?.OldImage).toEqual(own[i - 1]?.dynamodb?.NewImage)
          }
          const { Item } = await db.ddb.send(
            new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }),
          )
          expect(own.at(-1)?.dynamodb?.NewImage).toEqual(Item)
        }
      })
    },
  )
}
