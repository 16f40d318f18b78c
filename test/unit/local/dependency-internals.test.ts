/**
 * The modules of dynalite and fauxqs that local/ loads by path, past the packages' public
 * entry points. Both packages are pinned exactly in package.json; each module has one smoke
 * test here of the shape local/ relies on (the export exists and does the least we use it
 * for), named after the module, so an upgrade that moves or changes one fails here and says
 * which, instead of somewhere deep inside the embedded AWS.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { dynaliteExpressionParsers } from '../../../local/dynamodb/expression-cache.ts'
import { fauxqsDistModules } from '../../../local/sns-sqs/fauxqs.ts'
import { fauxqsSqsActionFiles } from '../../../local/sns-sqs/sqs/fauxqs-sqs.ts'

// biome-ignore lint/suspicious/noExplicitAny: the modules under test are untyped JavaScript
type Loose = any

const localRoot = fileURLToPath(new URL('../../../local/', import.meta.url))
const fauxqsDist = import.meta.resolve('fauxqs')

/** Loads a module the way local/ does: by its specifier, or by path in fauxqs's dist folder. */
async function load(specifier: string): Promise<Loose> {
  const url = specifier.startsWith('fauxqs/dist/')
    ? new URL(specifier.slice('fauxqs/dist/'.length), fauxqsDist).href
    : specifier
  return import(url)
}

const defaultExport = (module: Loose) => module.default ?? module

/** dynalite's error type, as its callbacks and throws carry it. */
const errorType = (error: Loose): string | undefined =>
  error?.body?.__type?.split('#').pop() ?? undefined

/** Calls a dynalite action (store, data, cb) and resolves to what it called back with. */
function callAction(
  action: Loose,
  store: unknown,
  data: object,
): Promise<{ error: string | undefined; value: Loose }> {
  return new Promise((resolve) =>
    action(store, data, (error: unknown, value: unknown) =>
      resolve({ error: error ? (errorType(error) ?? String(error)) : undefined, value }),
    ),
  )
}

async function memoryStore(): Promise<Loose> {
  return defaultExport(await load('dynalite/db/index.js')).create({})
}

const missing = 'no-such-table'
const missingArn = `arn:aws:dynamodb:us-east-1:000000000000:table/${missing}`
const key = { id: { S: 'a' } }
const table = {
  TableName: 't',
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
}

/** A request each action answers with ResourceNotFoundException on an empty store. */
const requestsOnAMissingTable: Record<string, object> = {
  getItem: { TableName: missing, Key: key },
  putItem: { TableName: missing, Item: key },
  deleteItem: { TableName: missing, Key: key },
  updateItem: { TableName: missing, Key: key },
  query: { TableName: missing },
  scan: { TableName: missing },
  deleteTable: { TableName: missing },
  updateTable: { TableName: missing },
  batchGetItem: { RequestItems: { [missing]: { Keys: [key] } } },
  batchWriteItem: { RequestItems: { [missing]: [{ PutRequest: { Item: key } }] } },
  listTagsOfResource: { ResourceArn: missingArn },
  tagResource: { ResourceArn: missingArn, Tags: [{ Key: 'k', Value: 'v' }] },
  untagResource: { ResourceArn: missingArn, TagKeys: ['k'] },
}

function actionSmokeTest(name: string): () => Promise<void> {
  return async () => {
    const action = defaultExport(await load(`dynalite/actions/${name}.js`))
    expect(action).toBeTypeOf('function')
    const store = await memoryStore()
    if (name === 'listTables') {
      expect(await callAction(action, store, {})).toEqual({
        error: undefined,
        value: { TableNames: [] },
      })
    } else if (name === 'createTable') {
      const { error, value } = await callAction(action, store, {
        ...table,
        BillingMode: 'PAY_PER_REQUEST',
      })
      expect(error).toBeUndefined()
      expect(value.TableDescription).toMatchObject({ TableName: 't', TableStatus: 'CREATING' })
    } else {
      const request = requestsOnAMissingTable[name]
      if (!request) throw new Error(`no smoke request for dynalite/actions/${name}.js`)
      expect((await callAction(action, store, request)).error).toBe('ResourceNotFoundException')
    }
  }
}

function validationSmokeTest(name: string): () => Promise<void> {
  return async () => {
    const validation = await load(`dynalite/validations/${name}.js`)
    const { checkTypes, checkValidations } = await load('dynalite/validations/index.js')
    expect(validation.types).toBeTypeOf('object')
    expect(['function', 'undefined']).toContain(typeof validation.custom)
    const check = async () =>
      checkValidations(
        checkTypes({}, validation.types),
        validation.types,
        validation.custom,
        await memoryStore(),
      )
    // Every request we validate this way names a table or a resource, except ListTables.
    if (name === 'listTables') await expect(check()).resolves.toBeUndefined()
    else await expect(check()).rejects.toSatisfy((e) => errorType(e) === 'ValidationException')
  }
}

function parserSmokeTest(name: string, expression: string, expected: object) {
  return async () => {
    const parser = await load(`dynalite/db/${name}.js`)
    const { compare } = await load('dynalite/db/index.js')
    const context = {
      attrNames: {},
      attrVals: { ':b': { S: 'x' } },
      unusedAttrNames: {},
      unusedAttrVals: { ':b': true },
      isReserved: () => false,
      compare,
    }
    expect(parser.parse(expression, { context })).toMatchObject(expected)
    // dynalite's validations tell a syntax error by its name.
    expect(() => parser.parse('= =', { context })).toThrow(
      expect.objectContaining({ name: 'SyntaxError' }),
    )
  }
}

const smokeTests: Record<string, () => Promise<void>> = {
  'dynalite/db/index.js': async () => {
    const db = await load('dynalite/db/index.js')
    const store = db.create({})
    for (const member of ['getItemDb', 'getIndexDb', 'getTable'])
      expect(store[member], member).toBeTypeOf('function')
    expect(store.db.batch).toBeTypeOf('function')
    expect(store.tableDb.lock).toBeTypeOf('function')
    expect(store.lifecycleManager.gracefulClose).toBeTypeOf('function')
    expect(db.createKey(key, table)).toBeTypeOf('string')
    expect(db.validateKey(key, table)).toBeUndefined()
    expect(errorType(db.validateKey({ other: { S: 'a' } }, table))).toBe('ValidationException')
    expect(db.validateItem(key, table)).toBeUndefined()
    expect(db.itemSize({ id: { S: 'ab' } })).toBe(4)
    expect(db.checkConditional({}, undefined)).toBeNull()
    expect(db.getIndexActions([], undefined, key, table)).toEqual({ puts: [], deletes: [] })
  },
  'dynalite/db/conditionParser.js': parserSmokeTest('conditionParser', 'a = :b', {
    expression: { type: '=', args: [['a'], { S: 'x' }] },
  }),
  'dynalite/db/updateParser.js': parserSmokeTest('updateParser', 'SET a = :b', {
    sections: [{ type: 'set', path: ['a'], val: { S: 'x' } }],
  }),
  'dynalite/db/projectionParser.js': parserSmokeTest('projectionParser', 'a, c.d', {
    paths: [['a'], ['c', 'd']],
  }),
  'dynalite/validations/index.js': async () => {
    const { checkTypes, checkValidations } = await load('dynalite/validations/index.js')
    const { types, custom } = await load('dynalite/validations/getItem.js')
    expect(() => checkTypes({ TableName: 5 }, types)).toThrow(
      expect.objectContaining({ body: expect.objectContaining({ __type: expect.any(String) }) }),
    )
    const valid = checkTypes({ TableName: 'tbl', Key: key }, types)
    expect(checkValidations(valid, types, custom, await memoryStore())).toBeUndefined()
  },
  fauxqs: async () => {
    const { buildApp } = await load('fauxqs')
    const { SqsStore } = await load('fauxqs/dist/sqs/sqsStore.js')
    const { SnsStore } = await load('fauxqs/dist/sns/snsStore.js')
    const { S3Store } = await load('fauxqs/dist/s3/s3Store.js')
    const stores = { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() }
    const app = buildApp({ logger: false, defaultRegion: 'us-east-1', stores })
    try {
      expect(app.routing).toBeTypeOf('function')
      app.addHook('preHandler', async () => {})
      await app.ready()
      const response = await app.inject({
        method: 'POST',
        url: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AmazonSQS.CreateQueue',
          authorization:
            'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x',
        },
        payload: JSON.stringify({ QueueName: 'smoke' }),
      })
      expect(response.statusCode).toBe(200)
      // The app serves the stores it was given.
      expect([...stores.sqsStore.allQueues()].map((q: Loose) => q.name)).toEqual(['smoke'])
    } finally {
      await app.close()
    }
  },
  'fauxqs/dist/sqs/sqsStore.js': async () => {
    const { SqsStore } = await load('fauxqs/dist/sqs/sqsStore.js')
    const store = new SqsStore()
    expect(store.host).toBeTypeOf('string')
    store.host = ''
    store.createQueue('q', 'http://h/000000000000/q', 'arn:aws:sqs:us-east-1:000000000000:q')
    const [queue] = [...store.allQueues()]
    expect(queue).toMatchObject({ name: 'q', url: 'http://h/000000000000/q' })
    expect(queue.getAttribute('QueueArn')).toBe('arn:aws:sqs:us-east-1:000000000000:q')
    expect(Array.isArray(queue.messages)).toBe(true)
    expect(queue.inflightMessages).toBeInstanceOf(Map)
    expect(store.shutdown).toBeTypeOf('function')
    store.shutdown()
  },
  'fauxqs/dist/sns/snsStore.js': async () => {
    const { SnsStore } = await load('fauxqs/dist/sns/snsStore.js')
    const store = new SnsStore()
    expect(store.getSubscription('arn:aws:sns:us-east-1:000000000000:t:none')).toBeUndefined()
  },
  'fauxqs/dist/s3/s3Store.js': async () => {
    const { S3Store } = await load('fauxqs/dist/s3/s3Store.js')
    expect(new S3Store()).toBeTypeOf('object')
  },
  'fauxqs/dist/sns/actions/publish.js': async () => {
    const { publish, publishBatch } = await load('fauxqs/dist/sns/actions/publish.js')
    const { SqsStore } = await load('fauxqs/dist/sqs/sqsStore.js')
    const { SnsStore } = await load('fauxqs/dist/sns/snsStore.js')
    const sqsStore = new SqsStore()
    const snsStore = new SnsStore()
    const topic = snsStore.createTopic('smoke')
    const seen: Loose[] = []
    // local/sns-sqs/filtered-publish.ts relies on publish naming each message to the store's
    // spy before fanning it out, and on the fan-out reading subscriptions through the store.
    const asked: string[] = []
    const view = Object.create(snsStore, {
      spy: { value: { addMessage: (m: Loose) => seen.push(m) } },
      getSubscription: {
        value: (arn: string) => {
          asked.push(arn)
          return undefined
        },
      },
    })
    snsStore.subscribe(topic.arn, 'sqs', 'arn:aws:sqs:us-east-1:000000000000:q')
    const params = {
      TopicArn: topic.arn,
      Message: 'hi',
      'MessageAttributes.entry.1.Name': 'a',
      'MessageAttributes.entry.1.Value.DataType': 'String',
      'MessageAttributes.entry.1.Value.StringValue': 'x',
    }
    expect(publish(params, view, sqsStore)).toContain('<MessageId>')
    expect(seen[0]).toMatchObject({ body: 'hi', messageAttributes: { a: { StringValue: 'x' } } })
    expect(asked).toHaveLength(1)
    expect(
      publishBatch(
        {
          TopicArn: topic.arn,
          'PublishBatchRequestEntries.member.1.Id': 'm1',
          'PublishBatchRequestEntries.member.1.Message': 'one',
        },
        view,
        sqsStore,
      ),
    ).toContain('<Successful>')
    expect(seen[1]).toMatchObject({ body: 'one' })
    expect(asked).toHaveLength(2)
    sqsStore.shutdown()
  },
  'fauxqs/dist/persistence.js': async () => {
    const { PersistenceManager } = await load('fauxqs/dist/persistence.js')
    const { SqsStore } = await load('fauxqs/dist/sqs/sqsStore.js')
    const { SnsStore } = await load('fauxqs/dist/sns/snsStore.js')
    const { S3Store } = await load('fauxqs/dist/s3/s3Store.js')
    const dir = mkdtempSync(join(tmpdir(), 'fauxqs-smoke-'))
    try {
      const persistence = new PersistenceManager(dir)
      persistence.load(new SqsStore(), new SnsStore(), new S3Store())
      // What local/sns-sqs/fauxqs.ts replaces to keep the receive count of a released message.
      expect(persistence.updateMessageReady).toBeTypeOf('function')
      expect(
        persistence.db.prepare('SELECT approximate_receive_count FROM sqs_messages'),
      ).toBeTypeOf('object')
      persistence.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

// local/sns-sqs/sqs/ runs each of fauxqs's SQS actions as `<file>(input, store, request)`.
for (const file of Object.values(fauxqsSqsActionFiles)) {
  smokeTests[`fauxqs/dist/sqs/actions/${file}.js`] = async () => {
    const module = await load(`fauxqs/dist/sqs/actions/${file}.js`)
    expect(module[file]).toBeTypeOf('function')
    const { SqsStore } = await load('fauxqs/dist/sqs/sqsStore.js')
    const store = new SqsStore()
    // Every action answers a request for a queue that does not exist with fauxqs's SqsError.
    const request = { headers: { host: '127.0.0.1' } }
    const input = { QueueUrl: 'http://127.0.0.1/000000000000/none', QueueName: '', Entries: [] }
    try {
      await module[file](input, store, request)
    } catch (error) {
      expect((error as Loose).name).toBe('SqsError')
      expect((error as Loose).code).toBeTypeOf('string')
    }
    store.shutdown()
  }
}

for (const name of dynaliteActions())
  smokeTests[`dynalite/actions/${name}.js`] ??= actionSmokeTest(name)
for (const name of dynaliteValidations())
  smokeTests[`dynalite/validations/${name}.js`] ??= validationSmokeTest(name)

/** The internal modules local/ loads: its imports by specifier, and the ones it names in lists. */
function internalsLocalLoads(): string[] {
  const specifiers = new Set<string>()
  for (const file of readdirSync(localRoot, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue
    const source = readFileSync(join(localRoot, file), 'utf8')
    // Value imports only: a type import loads nothing (local/types/dynalite.d.ts types them).
    for (const [, specifier] of source.matchAll(
      /^import (?!type )[^'"]*from '((?:dynalite|fauxqs)(?:\/[^']*)?)'/gm,
    ))
      specifiers.add(specifier as string)
  }
  for (const name of dynaliteExpressionParsers) specifiers.add(`dynalite/db/${name}.js`)
  for (const file of fauxqsDistModules) specifiers.add(`fauxqs/dist/${file}`)
  for (const file of Object.values(fauxqsSqsActionFiles))
    specifiers.add(`fauxqs/dist/sqs/actions/${file}.js`)
  return [...specifiers].sort()
}

function importedNames(folder: string): string[] {
  const prefix = `dynalite/${folder}/`
  return internalsLocalLoads()
    .filter((s) => s.startsWith(prefix) && s !== `${prefix}index.js`)
    .map((s) => s.slice(prefix.length, -'.js'.length))
}
function dynaliteActions(): string[] {
  return importedNames('actions')
}
function dynaliteValidations(): string[] {
  return importedNames('validations')
}

describe('the dynalite and fauxqs internals local/ loads by path', () => {
  it('each have a smoke test here', () => {
    expect(Object.keys(smokeTests).sort()).toEqual(internalsLocalLoads())
  })

  for (const [specifier, smokeTest] of Object.entries(smokeTests).sort(([a], [b]) =>
    a.localeCompare(b),
  ))
    it(specifier, smokeTest)
})
