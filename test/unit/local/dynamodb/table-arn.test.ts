import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { withTableNames } from '../../../../local/dynamodb/actions/table-arn.ts'
import { closeDynaliteStore, openDynaliteStore } from '../../../../local/dynamodb/dynalite-store.ts'

// TransactWriteItems and TransactGetItems take a table's name or its ARN as TableName:
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Put.html ("You can also
// provide the Amazon Resource Name (ARN) of the table"). The layer turns each ARN of a table
// of its own region and account into the table's name before the request is validated, and
// leaves everything else for validation to judge.

const store = openDynaliteStore({ region: 'eu-west-2' })
afterAll(() => closeDynaliteStore(store))
const { awsAccountId } = store.tableDb
const arnOf = (name: string) => `arn:aws:dynamodb:eu-west-2:${awsAccountId}:table/${name}`

const kinds = ['Put', 'Update', 'Delete', 'ConditionCheck', 'Get'] as const
const tableName = fc.stringMatching(/^[a-zA-Z0-9_.-]{3,20}$/)
// Whatever a client may send in an action's place: a well-formed action or anything else.
const action = fc.oneof(
  fc.record({ TableName: tableName, Key: fc.constant({ pk: { S: 'k' } }) }),
  fc.record({ TableName: fc.oneof(fc.integer(), fc.constant(null), fc.boolean()) }),
  fc.constant(null),
  fc.string(),
  fc.integer(),
  fc.constant({}),
)
const item = fc.oneof(
  fc.dictionary(fc.constantFrom(...kinds), action, { minKeys: 1, maxKeys: 3 }),
  fc.constant(null),
  fc.string(),
  fc.integer(),
)
const transactItems = fc.array(item, { maxLength: 5 })

/** The request with the TableName of each action at `positions` (item, kind) written as its ARN. */
function byArn(request: { TransactItems: unknown[] }, pick: (i: number, kind: string) => boolean) {
  return {
    ...request,
    TransactItems: request.TransactItems.map((entry, i) => {
      if (typeof entry !== 'object' || entry === null) return entry
      const copy: Record<string, unknown> = {}
      for (const [kind, act] of Object.entries(entry)) {
        const name = (act as { TableName?: unknown } | null)?.TableName
        copy[kind] =
          typeof name === 'string' && pick(i, kind)
            ? { ...(act as object), TableName: arnOf(name) }
            : act
      }
      return copy
    }),
  }
}

describe('table ARNs in transactions', () => {
  it('gives back the request with table names for any request whose ARNs name tables here', () => {
    fc.assert(
      fc.property(transactItems, fc.func(fc.boolean()), (items, pick) => {
        const request = { ClientRequestToken: 't', TransactItems: items }
        expect(
          withTableNames(
            store,
            byArn(request, (i, kind) => pick(i, kind)),
          ),
        ).toEqual(request)
      }),
    )
  })

  it('leaves a request that names no table by ARN as it is, whatever its shape', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constant(null),
          fc.constant(undefined),
          fc.string(),
          fc.record({ TransactItems: fc.oneof(transactItems, fc.string(), fc.constant(null)) }),
          fc.record({ ReturnConsumedCapacity: fc.string() }),
        ),
        (request) => {
          expect(withTableNames(store, request)).toEqual(request)
        },
      ),
    )
  })

  it('turns an ARN into the name beside entries that are not actions, for validation to refuse them', () => {
    const request = {
      TransactItems: [
        null,
        'not an item',
        7,
        { Put: { TableName: arnOf('orders'), Item: { pk: { S: 'a' } } }, Update: null },
        { Get: { TableName: 'orders' } },
      ],
    }
    expect(withTableNames(store, request)).toEqual({
      TransactItems: [
        null,
        'not an item',
        7,
        { Put: { TableName: 'orders', Item: { pk: { S: 'a' } } }, Update: null },
        { Get: { TableName: 'orders' } },
      ],
    })
  })

  it.each([
    ['another region', `arn:aws:dynamodb:us-east-1:${awsAccountId}:table/orders`],
    ['another account', 'arn:aws:dynamodb:eu-west-2:123456789012:table/orders'],
    ['an index of the table', `${arnOf('orders')}/index/byCustomer`],
    ['the stream of the table', `${arnOf('orders')}/stream/2026-01-01T00:00:00.000`],
    ['a table of no name', 'arn:aws:dynamodb'],
  ])('answers ResourceNotFoundException, naming it, for an ARN of %s', (_, arn) => {
    const request = { TransactItems: [{ Put: { TableName: arn, Item: { pk: { S: 'a' } } } }] }
    expect(() => withTableNames(store, request)).toThrow(
      expect.objectContaining({
        message: `Requested resource not found: Table: ${arn} not found`,
      }),
    )
  })
})
