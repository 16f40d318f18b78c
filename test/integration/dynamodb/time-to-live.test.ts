import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb'
import { describe, expect, it } from 'vitest'
import { describeRecords, readStream } from '../../support/dynamodb-streams.ts'
import {
  conformance,
  dynamoDbTargets,
  pkTable,
  useDynamoDb,
} from '../../support/dynamodb-targets.ts'

for (const target of dynamoDbTargets) {
  const title = `time to live on ${target.name}${target.skip ? ` (skipped: ${target.skip})` : ''}`
  describe.skipIf(target.skip)(title, () => {
    const db = useDynamoDb(target)
    const check = conformance(target)
    const setTtl = (TableName: string, Enabled: boolean, AttributeName = 'expiresAt') =>
      db.ddb.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { Enabled, AttributeName },
        }),
      )

    it('UpdateTimeToLive turns expiry on; DescribeTimeToLive shows it', async () => {
      const table = await db.createTable(pkTable)
      expect(
        (await db.ddb.send(new DescribeTimeToLiveCommand({ TableName: table })))
          .TimeToLiveDescription?.TimeToLiveStatus,
      ).toBe('DISABLED')
      const { TimeToLiveSpecification } = await setTtl(table, true)
      expect(TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true })
      const { TimeToLiveDescription } = await db.ddb.send(
        new DescribeTimeToLiveCommand({ TableName: table }),
      )
      // DynamoDB reports ENABLING for a while; emulators switch at once.
      expect(TimeToLiveDescription?.TimeToLiveStatus).toMatch(/^ENABL(ED|ING)$/)
      expect(TimeToLiveDescription?.AttributeName).toBe('expiresAt')
    })

    check('ttl-repeat', 'rejects enabling twice and disabling what is not enabled', async () => {
      const table = await db.createTable(pkTable)
      await expect(setTtl(table, false)).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/TimeToLive is already disabled/),
      })
      await setTtl(table, true)
      await expect(setTtl(table, true)).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringMatching(/TimeToLive is already enabled/),
      })
    })

    check('ttl-missing-table', 'names a missing table with ResourceNotFoundException', async () => {
      await expect(setTtl('no-such-table-here', true)).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      })
      await expect(
        db.ddb.send(new DescribeTimeToLiveCommand({ TableName: 'no-such-table-here' })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    })

    const sweeps =
      target.skip ??
      (target.name === 'embedded'
        ? undefined
        : 'only the embedded target lets a test run the sweeper')
    describe.skipIf(sweeps)('the sweeper', () => {
      it('deletes expired items only, each with a REMOVE record by dynamodb.amazonaws.com', async () => {
        const table = await db.createTable({
          ...pkTable,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        })
        await setTtl(table, true)
        const now = Math.floor(Date.now() / 1000)
        const items = {
          expired: { N: String(now - 10) },
          future: { N: String(now + 3600) },
          'not-a-number': { S: String(now - 10) },
          'five-years-old': { N: String(now - 6 * 365 * 24 * 3600) },
        }
        for (const [pk, expiresAt] of Object.entries(items)) {
          await db.ddb.send(
            new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, expiresAt } }),
          )
        }
        await db.ddb.send(
          new PutItemCommand({ TableName: table, Item: { pk: { S: 'no-attribute' } } }),
        )
        const exists = async (pk: string) =>
          (await db.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } })))
            .Item !== undefined

        expect(await db.running.sweepExpiredItems?.()).toBe(1)
        expect(await exists('expired')).toBe(false)
        for (const pk of ['future', 'not-a-number', 'five-years-old', 'no-attribute']) {
          expect(await exists(pk)).toBe(true)
        }
        const { Table } = await db.ddb.send(new DescribeTableCommand({ TableName: table }))
        const records = await readStream(db.streams, Table?.LatestStreamArn as string)
        const remove = records.at(-1)
        expect(describeRecords(records.slice(-1))).toEqual(['REMOVE expired'])
        expect(remove?.userIdentity).toEqual({
          PrincipalId: 'dynamodb.amazonaws.com',
          Type: 'Service',
        })
        expect(remove?.dynamodb?.OldImage).toEqual({
          pk: { S: 'expired' },
          expiresAt: items.expired,
        })
        expect(records.slice(0, -1).every((r) => r.userIdentity === undefined)).toBe(true)

        // An hour and a bit later, the future item has expired too.
        expect(await db.running.sweepExpiredItems?.(new Date((now + 3601) * 1000))).toBe(1)
        expect(await exists('future')).toBe(false)
      })

      it('deletes nothing on a table whose time to live is off', async () => {
        const table = await db.createTable(pkTable)
        await setTtl(table, true)
        await setTtl(table, false)
        await db.ddb.send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: 'old' }, expiresAt: { N: '1000000000' } },
          }),
        )
        await db.running.sweepExpiredItems?.(new Date('2030-01-01'))
        expect(
          (await db.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'old' } } })))
            .Item,
        ).toBeDefined()
      })
    })
  })
}
