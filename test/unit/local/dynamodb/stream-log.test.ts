import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  closeDynaliteStore,
  openDynaliteStore,
  type Store,
  type TableDescription,
  type WireItem,
} from '../../../../local/dynamodb/dynalite-store.ts'
import {
  type ItemChange,
  StreamLog,
  type StreamViewType,
} from '../../../../local/dynamodb/stream-log.ts'

// The stream log on its own: what DynamoDB Streams promises a reader (records once, in commit
// order, with increasing sequence numbers, the images the view type asks for, kept 24 hours),
// and that the log gives the same answers after a restart from its LevelDB.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html

const dayMs = 24 * 60 * 60 * 1000
const start = Date.parse('2026-12-01T12:00:00.000Z')

let stores: Store[] = []
afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(stores.map(closeDynaliteStore))
  stores = []
})

/** A log on an in-memory store, the clock at `start` unless a test moves it. */
function openLog(region = 'eu-west-1') {
  vi.useFakeTimers({ toFake: ['Date'], now: start })
  const store = openDynaliteStore({ region })
  stores.push(store)
  const log = new StreamLog(store.db, region)
  return { store, log }
}

/** A second log over the same LevelDB, as after a restart. */
async function reopen(store: Store, region = 'eu-west-1') {
  const log = new StreamLog(store.db, region)
  await log.load()
  return log
}

const table = (
  TableName = 'orders',
  KeySchema: TableDescription['KeySchema'] = [{ AttributeName: 'pk', KeyType: 'HASH' }],
): TableDescription => ({
  TableName,
  TableArn: `arn:aws:dynamodb:eu-west-1:000000000000:table/${TableName}`,
  TableStatus: 'ACTIVE',
  KeySchema,
  AttributeDefinitions: [],
})

const item = (pk: string, extra: WireItem = {}): WireItem => ({ pk: { S: pk }, ...extra })

const change = (
  oldItem: WireItem | undefined,
  newItem: WireItem | undefined,
  extra: Partial<ItemChange> = {},
): ItemChange => ({ table: table(), key: 'k', oldItem, newItem, ...extra })

/** A stream on a table, persisted as the layer persists it. */
async function stream(
  log: StreamLog,
  store: Store,
  viewType: StreamViewType = 'NEW_AND_OLD_IMAGES',
  on = table(),
) {
  const { info, operation } = log.createStream(on, viewType, undefined)
  await store.db.batch([operation])
  return info.arn
}

/** Appends a change and commits it (its record persisted in the write's batch), as a write does. */
async function write(log: StreamLog, store: Store, arn: string, itemChange: ItemChange) {
  const appended = log.append(arn, itemChange)
  if (!appended) return undefined
  await store.db.batch([appended.operation])
  appended.entry.state = 'committed'
  return appended.entry.record
}

const names = (records: { eventName: string; dynamodb: { Keys: WireItem } }[]) =>
  records.map((r) => `${r.eventName} ${r.dynamodb.Keys.pk?.S}`)

const readAll = (log: StreamLog, arn: string) => log.read(arn, log.trimHorizon(arn), 1000)

describe('a new stream', () => {
  it('is ENABLED, labelled with its creation time, its ARN the table’s with /stream/<label>', () => {
    const { log } = openLog()
    const { info } = log.createStream(table(), 'KEYS_ONLY', undefined)
    expect(info).toMatchObject({
      label: '2026-12-01T12:00:00.000',
      arn: 'arn:aws:dynamodb:eu-west-1:000000000000:table/orders/stream/2026-12-01T12:00:00.000',
      tableName: 'orders',
      viewType: 'KEYS_ONLY',
      keySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      createdAt: start / 1000,
      status: 'ENABLED',
    })
    expect(info.endingSequenceNumber).toBeUndefined()
    expect(info.shardId).toMatch(/^shardId-\d{20}-[0-9a-f]{8}$/)
    expect(info.startingSequenceNumber).toMatch(/^\d{21}$/)
    expect(log.stream(info.arn)).toBe(info)
    expect(log.streams()).toEqual([info])
  })

  it('starts after every sequence number any stream has used', async () => {
    const { log, store } = openLog()
    const first = await stream(log, store)
    const a = await write(log, store, first, change(undefined, item('a')))
    const { info } = log.createStream(table('payments'), 'KEYS_ONLY', undefined)
    expect(BigInt(info.startingSequenceNumber)).toBeGreaterThan(
      BigInt(a?.dynamodb.SequenceNumber as string),
    )
  })

  it('of a table whose last stream was created in the same millisecond gets the next millisecond', () => {
    const { log } = openLog()
    const { info: first } = log.createStream(table(), 'KEYS_ONLY', undefined)
    log.disableStream(first.arn)
    const { info: second } = log.createStream(table(), 'KEYS_ONLY', first)
    expect(second.label).toBe('2026-12-01T12:00:00.001')
    expect(second.arn).not.toBe(first.arn)
    expect(log.streams().map((s) => s.arn)).toEqual([first.arn, second.arn])
  })

  it('of a table whose last stream is older is labelled with the current time', () => {
    const { log } = openLog()
    const { info: first } = log.createStream(table(), 'KEYS_ONLY', undefined)
    log.disableStream(first.arn)
    vi.setSystemTime(start + 5000)
    const { info: second } = log.createStream(table(), 'KEYS_ONLY', first)
    expect(second.label).toBe('2026-12-01T12:00:05.000')
  })

  it('of a table whose last stream looks newer (the clock went back) still comes after it', () => {
    const { log } = openLog()
    vi.setSystemTime(start + 5000)
    const { info: first } = log.createStream(table(), 'KEYS_ONLY', undefined)
    log.disableStream(first.arn)
    vi.setSystemTime(start)
    const { info: second } = log.createStream(table(), 'KEYS_ONLY', first)
    expect(second.label).toBe('2026-12-01T12:00:05.001')
    expect(second.createdAt).toBe(first.createdAt + 0.001)
  })
})

describe('stream records', () => {
  it('name the change: INSERT for a new item, MODIFY for a changed one, REMOVE for a deleted one', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store)
    await write(log, store, arn, change(undefined, item('a', { n: { N: '1' } })))
    await write(log, store, arn, change(item('a', { n: { N: '1' } }), item('a', { n: { N: '2' } })))
    await write(log, store, arn, change(item('a', { n: { N: '2' } }), undefined))
    expect(names(readAll(log, arn).records)).toEqual(['INSERT a', 'MODIFY a', 'REMOVE a'])
  })

  it('are not made for a write that leaves the item unchanged, or one with nothing before or after', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store)
    const same = item('a', { n: { N: '1.0' }, ss: { SS: ['x', 'y'] } })
    const spelledOtherwise = item('a', { ss: { SS: ['y', 'x'] }, n: { N: '1' } })
    expect(log.append(arn, change(same, spelledOtherwise))).toBeUndefined()
    expect(log.append(arn, change(undefined, undefined))).toBeUndefined()
    expect(readAll(log, arn).records).toEqual([])
  })

  it('are not made on a disabled stream or one that does not exist', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store)
    log.disableStream(arn)
    expect(log.append(arn, change(undefined, item('a')))).toBeUndefined()
    expect(log.append(`${arn}-nope`, change(undefined, item('a')))).toBeUndefined()
    expect(readAll(log, arn).records).toEqual([])
  })

  it('carry the region, the source, version 1.1, a unique id and the time in whole seconds', async () => {
    const { log, store } = openLog('ap-south-1')
    const arn = await stream(log, store)
    vi.setSystemTime(start + 1999)
    const first = await write(log, store, arn, change(undefined, item('a')))
    const second = await write(log, store, arn, change(undefined, item('b')))
    expect(first).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventVersion: '1.1',
      awsRegion: 'ap-south-1',
      dynamodb: { ApproximateCreationDateTime: start / 1000 + 1 },
    })
    expect(first?.eventID).toMatch(/^[0-9a-f]{32}$/)
    expect(second?.eventID).not.toBe(first?.eventID)
    expect(first?.userIdentity).toBeUndefined()
  })

  it('of an item time to live deleted name the DynamoDB service as the user', async () => {
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/time-to-live-ttl-streams.html
    const { log, store } = openLog()
    const arn = await stream(log, store)
    await write(log, store, arn, change(undefined, item('a')))
    const expired = await write(
      log,
      store,
      arn,
      change(item('a'), undefined, { byTimeToLive: true }),
    )
    expect(expired?.userIdentity).toEqual({
      PrincipalId: 'dynamodb.amazonaws.com',
      Type: 'Service',
    })
  })

  it('hold the key attributes in Keys (hash and range), whatever the view type', async () => {
    const { log, store } = openLog()
    const keyed = table('lines', [
      { AttributeName: 'order', KeyType: 'HASH' },
      { AttributeName: 'line', KeyType: 'RANGE' },
    ])
    const arn = await stream(log, store, 'KEYS_ONLY', keyed)
    const line = { order: { S: 'o-1' }, line: { N: '2' }, qty: { N: '5' } }
    const record = await write(log, store, arn, { ...change(undefined, line), table: keyed })
    expect(record?.dynamodb.Keys).toEqual({ order: { S: 'o-1' }, line: { N: '2' } })
    expect(record?.dynamodb.StreamViewType).toBe('KEYS_ONLY')
  })

  const images = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).filter((name) => name !== 'pk'),
    fc.oneof(
      fc.string({ maxLength: 20 }).map((S) => ({ S })),
      fc.integer().map((n) => ({ N: String(n) })),
    ),
    { maxKeys: 5 },
  )

  it('carry the images the view type asks for, and count them in SizeBytes', async () => {
    await fc.assert(
      fc.asyncProperty(images, images, async (before, after) => {
        const { log, store } = openLog()
        const oldItem = item('a', before)
        const newItem = item('a', { ...after, changed: { BOOL: true } })
        const record = async (viewType: StreamViewType) => {
          const arn = await stream(log, store, viewType, table(`t-${viewType}`))
          const written = await write(log, store, arn, change(oldItem, newItem))
          if (!written) throw new Error('a change made no record')
          return written.dynamodb
        }
        const keys = await record('KEYS_ONLY')
        const withNew = await record('NEW_IMAGE')
        const withOld = await record('OLD_IMAGE')
        const both = await record('NEW_AND_OLD_IMAGES')
        expect([keys.NewImage, keys.OldImage]).toEqual([undefined, undefined])
        expect([withNew.NewImage, withNew.OldImage]).toEqual([newItem, undefined])
        expect([withOld.NewImage, withOld.OldImage]).toEqual([undefined, oldItem])
        expect([both.NewImage, both.OldImage]).toEqual([newItem, oldItem])
        expect(keys.SizeBytes).toBeGreaterThan(0)
        expect(withNew.SizeBytes).toBeGreaterThan(keys.SizeBytes)
        expect(withOld.SizeBytes).toBeGreaterThan(keys.SizeBytes)
        // The keys once, then each image in full.
        expect(both.SizeBytes).toBe(withNew.SizeBytes + withOld.SizeBytes - keys.SizeBytes)
      }),
      { numRuns: 25 },
    )
  })

  it('have 21-digit sequence numbers that increase across every stream', async () => {
    const { log, store } = openLog()
    const arns = [await stream(log, store), await stream(log, store, 'KEYS_ONLY', table('b'))]
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(1), { minLength: 1, maxLength: 20 }), async (targets) => {
        const numbers: bigint[] = []
        for (const [i, target] of targets.entries()) {
          const record = await write(
            log,
            store,
            arns[target] as string,
            change(undefined, item(`k${i}`)),
          )
          expect(record?.dynamodb.SequenceNumber).toMatch(/^\d{21}$/)
          numbers.push(BigInt(record?.dynamodb.SequenceNumber as string))
        }
        expect(numbers).toEqual([...numbers].sort((x, y) => (x < y ? -1 : 1)))
        expect(new Set(numbers).size).toBe(numbers.length)
      }),
      { numRuns: 20 },
    )
  })
})

describe('reading a stream', () => {
  it('shows a record once its write commits, and none after one still in flight', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    const inFlight = log.append(arn, change(undefined, item('a')))
    await write(log, store, arn, change(undefined, item('b')))
    const horizon = log.trimHorizon(arn)
    expect(log.read(arn, horizon, 10)).toEqual({ records: [], position: horizon })
    if (!inFlight) throw new Error('no record appended')
    inFlight.entry.state = 'committed'
    expect(names(log.read(arn, horizon, 10).records)).toEqual(['INSERT a', 'INSERT b'])
  })

  it('skips a record whose write failed, and reads on past it', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    const failed = log.append(arn, change(undefined, item('a')))
    if (!failed) throw new Error('no record appended')
    failed.entry.state = 'dropped'
    const { records, position } = readAll(log, arn)
    expect(records).toEqual([])
    expect(position).toBe(failed.entry.sequenceNumber)
    await write(log, store, arn, change(undefined, item('b')))
    expect(names(log.read(arn, position, 10).records)).toEqual(['INSERT b'])
  })

  it('gives at most Limit records and the position to read on from', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    for (const pk of ['a', 'b', 'c']) await write(log, store, arn, change(undefined, item(pk)))
    const first = log.read(arn, log.trimHorizon(arn), 2)
    expect(names(first.records)).toEqual(['INSERT a', 'INSERT b'])
    expect(first.position).toBe(first.records[1]?.dynamodb.SequenceNumber)
    const next = log.read(arn, first.position, 2)
    expect(names(next.records)).toEqual(['INSERT c'])
    expect(log.read(arn, next.position, 2)).toEqual({ records: [], position: next.position })
  })

  it('from the trim horizon starts just before the shard’s StartingSequenceNumber', () => {
    const { log } = openLog()
    const { info } = log.createStream(table(), 'KEYS_ONLY', undefined)
    expect(BigInt(log.trimHorizon(info.arn))).toBe(BigInt(info.startingSequenceNumber) - 1n)
  })

  it('from LATEST starts after the newest record (the horizon while there is none)', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    expect(log.latest(arn)).toBe(log.trimHorizon(arn))
    const written = []
    for (const pk of ['a', 'b', 'c'])
      written.push(await write(log, store, arn, change(undefined, item(pk))))
    expect(log.latest(arn)).toBe(written[2]?.dynamodb.SequenceNumber)
    expect(log.latest('arn:aws:dynamodb:eu-west-1:000000000000:table/x/stream/none')).toBe(
      log.trimHorizon('arn:aws:dynamodb:eu-west-1:000000000000:table/x/stream/none'),
    )
  })

  it('knows which sequence numbers are records of the stream', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    const other = await stream(log, store, 'KEYS_ONLY', table('other'))
    const mine = []
    for (const pk of ['a', 'b', 'c'])
      mine.push(await write(log, store, arn, change(undefined, item(pk))))
    const theirs = await write(log, store, other, change(undefined, item('x')))
    for (const record of mine)
      expect(log.has(arn, record?.dynamodb.SequenceNumber as string)).toBe(true)
    expect(log.has(arn, theirs?.dynamodb.SequenceNumber as string)).toBe(false)
    expect(log.has(other, mine[0]?.dynamodb.SequenceNumber as string)).toBe(false)
    expect(log.has(`${arn}-nope`, mine[0]?.dynamodb.SequenceNumber as string)).toBe(false)
  })

  it('of a stream that does not exist gives nothing, and never an end', () => {
    const { log } = openLog()
    const nowhere = 'arn:aws:dynamodb:eu-west-1:000000000000:table/x/stream/none'
    expect(log.read(nowhere, log.trimHorizon(nowhere), 10).records).toEqual([])
    expect(log.exhausted(nowhere, log.trimHorizon(nowhere))).toBe(false)
  })
})

describe('a disabled stream', () => {
  it('closes its shard at its last record, or at its StartingSequenceNumber when it has none', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    for (const pk of ['a', 'b', 'c']) await write(log, store, arn, change(undefined, item(pk)))
    const last = log.latest(arn)
    expect(log.disableStream(arn)).toBeDefined()
    expect(log.stream(arn)).toMatchObject({ status: 'DISABLED', endingSequenceNumber: last })

    const empty = await stream(log, store, 'KEYS_ONLY', table('empty'))
    log.disableStream(empty)
    const info = log.stream(empty)
    expect(info?.endingSequenceNumber).toBe(info?.startingSequenceNumber)
  })

  it('is closed once: disabling it again, or a stream that does not exist, changes nothing', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    await write(log, store, arn, change(undefined, item('a')))
    log.disableStream(arn)
    const closedAt = log.stream(arn)?.endingSequenceNumber
    expect(log.disableStream(arn)).toBeUndefined()
    expect(log.disableStream(`${arn}-nope`)).toBeUndefined()
    expect(log.stream(arn)?.endingSequenceNumber).toBe(closedAt)
  })

  it('is read to its end once the reader is at its last record; an open one never is', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    for (const pk of ['a', 'b']) await write(log, store, arn, change(undefined, item(pk)))
    const [a, b] = readAll(log, arn).records
    expect(log.exhausted(arn, b?.dynamodb.SequenceNumber as string)).toBe(false)
    log.disableStream(arn)
    expect(log.exhausted(arn, log.trimHorizon(arn))).toBe(false)
    expect(log.exhausted(arn, a?.dynamodb.SequenceNumber as string)).toBe(false)
    expect(log.exhausted(arn, b?.dynamodb.SequenceNumber as string)).toBe(true)

    const empty = await stream(log, store, 'KEYS_ONLY', table('empty'))
    log.disableStream(empty)
    expect(log.exhausted(empty, log.trimHorizon(empty))).toBe(true)
  })
})

describe('retention', () => {
  it('drops records older than 24 hours, moves the trim horizon past them, and keeps younger ones', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    const old = await write(log, store, arn, change(undefined, item('old')))
    vi.setSystemTime(start + 1000)
    await write(log, store, arn, change(undefined, item('young')))

    await store.db.batch(log.trim(start + dayMs))
    expect(names(readAll(log, arn).records)).toEqual(['INSERT old', 'INSERT young'])
    await store.db.batch(log.trim(start + dayMs + 1))
    expect(log.trimHorizon(arn)).toBe(old?.dynamodb.SequenceNumber)
    expect(names(readAll(log, arn).records)).toEqual(['INSERT young'])

    const restarted = await reopen(store)
    expect(restarted.trimHorizon(arn)).toBe(old?.dynamodb.SequenceNumber)
    expect(restarted.has(arn, old?.dynamodb.SequenceNumber as string)).toBe(false)
    expect(names(readAll(restarted, arn).records)).toEqual(['INSERT young'])
  })

  it('drops records written before a restart once they are 24 hours old', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    const old = await write(log, store, arn, change(undefined, item('old')))
    const restarted = await reopen(store)
    await store.db.batch(restarted.trim(start + dayMs + 1))
    expect(restarted.trimHorizon(arn)).toBe(old?.dynamodb.SequenceNumber)
    expect(readAll(restarted, arn).records).toEqual([])
  })

  it('keeps a disabled stream without records until it is more than 24 hours old', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    log.disableStream(arn)
    for (const atMs of [start + 1000, start + dayMs]) {
      await store.db.batch(log.trim(atMs))
      expect(log.stream(arn)?.status).toBe('DISABLED')
    }
    await store.db.batch(log.trim(start + dayMs + 1))
    expect(log.stream(arn)).toBeUndefined()
  })

  it('keeps a record whose write is still in flight, and what comes after it', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    const inFlight = log.append(arn, change(undefined, item('a')))
    await write(log, store, arn, change(undefined, item('b')))
    log.trim(start + 2 * dayMs)
    if (!inFlight) throw new Error('no record appended')
    inFlight.entry.state = 'committed'
    expect(names(readAll(log, arn).records)).toEqual(['INSERT a', 'INSERT b'])
  })

  it('forgets a disabled stream more than 24 hours old once its records are gone, also after a restart', async () => {
    const { log, store } = openLog()
    const gone = await stream(log, store, 'KEYS_ONLY')
    await write(log, store, gone, change(undefined, item('a')))
    await store.db.batch([log.disableStream(gone) ?? []].flat())
    const open = await stream(log, store, 'KEYS_ONLY', table('open'))

    await store.db.batch(log.trim(start + dayMs))
    expect(log.stream(gone)).toBeDefined()
    await store.db.batch(log.trim(start + dayMs + 1))
    expect(log.stream(gone)).toBeUndefined()
    expect(log.streams().map((s) => s.arn)).toEqual([open])
    expect((await reopen(store)).streams().map((s) => s.arn)).toEqual([open])
  })

  it('keeps a disabled stream while it still holds records', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    vi.setSystemTime(start + dayMs)
    await write(log, store, arn, change(undefined, item('late')))
    log.disableStream(arn)
    await store.db.batch(log.trim(start + dayMs + 1000))
    expect(log.stream(arn)?.status).toBe('DISABLED')
    expect(names(readAll(log, arn).records)).toEqual(['INSERT late'])
  })
})

describe('after a restart', () => {
  it('holds the same streams and committed records, and numbers new records after them', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    for (const pk of ['a', 'b']) await write(log, store, arn, change(undefined, item(pk)))
    const closed = await stream(log, store, 'KEYS_ONLY', table('closed'))
    await write(log, store, closed, change(undefined, item('c')))
    await store.db.batch([log.disableStream(closed) ?? []].flat())

    const restarted = await reopen(store)
    const byArn = (l: StreamLog) => l.streams().sort((x, y) => x.arn.localeCompare(y.arn))
    expect(byArn(restarted)).toEqual(byArn(log))
    expect(readAll(restarted, arn)).toEqual(readAll(log, arn))
    expect(restarted.stream(closed)?.status).toBe('DISABLED')
    const next = await write(restarted, store, arn, change(undefined, item('d')))
    expect(BigInt(next?.dynamodb.SequenceNumber as string)).toBeGreaterThan(
      BigInt(restarted.stream(closed)?.endingSequenceNumber as string),
    )
  })

  it('numbers on after the newest record, also one of an open stream, and after an empty stream’s start', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    await write(log, store, arn, change(undefined, item('a')))
    const last = await write(log, store, arn, change(undefined, item('b')))
    const afterRecord = await reopen(store)
    const { info } = afterRecord.createStream(table('next'), 'KEYS_ONLY', undefined)
    expect(BigInt(info.startingSequenceNumber)).toBe(
      BigInt(last?.dynamodb.SequenceNumber as string) + 1n,
    )
    await store.db.batch([
      afterRecord.createStream(table('empty'), 'KEYS_ONLY', undefined).operation,
    ])
    const empty = afterRecord.streams().find((s) => s.tableName === 'empty')
    const afterEmpty = await reopen(store)
    const { info: third } = afterEmpty.createStream(table('third'), 'KEYS_ONLY', undefined)
    expect(BigInt(third.startingSequenceNumber)).toBeGreaterThan(
      BigInt(empty?.startingSequenceNumber as string),
    )
  })

  it('keeps sequence numbers 21 digits long however often it restarts', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    let current = log
    for (let restart = 0; restart < 12; restart++) {
      const record = await write(current, store, arn, change(undefined, item(`k${restart}`)))
      expect(record?.dynamodb.SequenceNumber).toMatch(/^\d{21}$/)
      current = await reopen(store)
    }
  })

  it('never reuses a sequence number a closed shard ends at, even one whose record’s write failed', async () => {
    const { log, store } = openLog()
    const arn = await stream(log, store, 'KEYS_ONLY')
    await write(log, store, arn, change(undefined, item('a')))
    const failed = log.append(arn, change(item('a'), item('a', { n: { N: '1' } })))
    if (!failed) throw new Error('no record appended')
    failed.entry.state = 'dropped' // its record never reached the store
    await store.db.batch([log.disableStream(arn) ?? []].flat())
    expect(log.stream(arn)?.endingSequenceNumber).toBe(failed.entry.sequenceNumber)

    const restarted = await reopen(store)
    const { info } = restarted.createStream(table('next'), 'KEYS_ONLY', undefined)
    expect(BigInt(info.startingSequenceNumber)).toBeGreaterThan(BigInt(failed.entry.sequenceNumber))
  })
})
