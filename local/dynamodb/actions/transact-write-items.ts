import type { TransactWriteItemsOutput } from '@aws-sdk/client-dynamodb'
import deleteItemAction from 'dynalite/actions/deleteItem.js'
import putItemAction from 'dynalite/actions/putItem.js'
import updateItemAction from 'dynalite/actions/updateItem.js'
import {
  checkConditional,
  createKey,
  itemSize,
  validateItem,
  validateKey,
} from 'dynalite/db/index.js'
import * as deleteItemValidation from 'dynalite/validations/deleteItem.js'
import type { Custom } from 'dynalite/validations/index.js'
import { checkValidations } from 'dynalite/validations/index.js'
import * as putItemValidation from 'dynalite/validations/putItem.js'
import * as updateItemValidation from 'dynalite/validations/updateItem.js'
import type { LayerContext } from '../context.ts'
import {
  callAction,
  type DynaliteAction,
  getItem,
  getTable,
  lockItems,
  type TableDescription,
  type ValidatedRequest,
  validateRequest,
  type WireItem,
} from '../dynalite-store.ts'
import {
  DynamoDbError,
  dynaliteErrorCode,
  dynaliteErrorMessage,
  isDynaliteError,
  validationException,
} from '../errors.ts'
import { commitChanges, ItemWriteView } from '../item-writes.ts'
import {
  type Action,
  pickSpecs,
  returnValuesOnConditionCheckFailureSpec,
  tableNameSpec,
} from './action.ts'
import { withTableNames } from './table-arn.ts'

/** The aggregate size of the items in one transaction. */
const maxTransactionBytes = 4 * 1024 * 1024
export const maxTransactionActions = 100

const expressionSpecs = {
  TableName: tableNameSpec,
  ConditionExpression: { type: 'String' },
  ExpressionAttributeNames: putItemValidation.types.ExpressionAttributeNames,
  ExpressionAttributeValues: putItemValidation.types.ExpressionAttributeValues,
  ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureSpec,
}
const keySpec = deleteItemValidation.types.Key as object

const validation = {
  types: {
    ClientRequestToken: { type: 'String', lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 36 },
    ReturnConsumedCapacity: putItemValidation.types.ReturnConsumedCapacity,
    ReturnItemCollectionMetrics: putItemValidation.types.ReturnItemCollectionMetrics,
    TransactItems: {
      type: 'List',
      notNull: true,
      lengthGreaterThanOrEqual: 1,
      lengthLessThanOrEqual: maxTransactionActions,
      children: {
        type: 'ValueStruct<TransactWriteItem>',
        children: {
          ConditionCheck: {
            type: 'FieldStruct<ConditionCheck>',
            children: {
              ...expressionSpecs,
              Key: keySpec,
              ConditionExpression: { type: 'String', notNull: true },
            },
          },
          Put: {
            type: 'FieldStruct<Put>',
            children: { ...expressionSpecs, ...pickSpecs(putItemValidation.types, ['Item']) },
          },
          Delete: {
            type: 'FieldStruct<Delete>',
            children: { ...expressionSpecs, Key: keySpec },
          },
          Update: {
            type: 'FieldStruct<Update>',
            children: {
              ...expressionSpecs,
              Key: keySpec,
              UpdateExpression: { type: 'String', notNull: true },
            },
          },
        },
      },
    },
  },
}

type Kind = 'ConditionCheck' | 'Put' | 'Delete' | 'Update'
const kinds: readonly Kind[] = ['ConditionCheck', 'Put', 'Delete', 'Update']

/** What each kind of action validates with and runs (ConditionCheck only checks). */
const byKind: Record<Kind, { custom: Custom | undefined; action: DynaliteAction | undefined }> = {
  ConditionCheck: { custom: deleteItemValidation.custom, action: undefined },
  Put: { custom: putItemValidation.custom, action: putItemAction },
  Delete: { custom: deleteItemValidation.custom, action: deleteItemAction },
  Update: { custom: updateItemValidation.custom, action: updateItemAction },
}

interface TransactAction {
  readonly kind: Kind
  readonly data: ValidatedRequest
  readonly tableName: string
  table?: TableDescription
  key?: string
}

interface CancellationReason {
  Code: string
  Message?: string
  Item?: WireItem
}

/**
 * TransactWriteItems: all actions commit in one atomic batch or none does. The items are locked
 * with dynalite's own item locks, so concurrent single-item writes wait for the transaction.
 */
export const transactWriteItems: Action = async (context, request) => {
  const named = withTableNames(context.store, request)
  const data = validateRequest(context.store, validation, named)
  const actions = toActions(context, data.TransactItems as Record<string, unknown>[])

  const tables = new Map<string, TableDescription>()
  for (const tableName of new Set(actions.map((a) => a.tableName))) {
    tables.set(tableName, await getTable(context.store, tableName))
  }
  const seen = new Set<string>()
  let totalBytes = 0
  for (const action of actions) {
    const table = tables.get(action.tableName) as TableDescription
    const keyItem = (action.kind === 'Put' ? action.data.Item : action.data.Key) as WireItem
    const invalid =
      action.kind === 'Put' ? validateItem(keyItem, table) : validateKey(keyItem, table)
    if (invalid) throw invalid
    action.table = table
    action.key = createKey(keyItem, table)
    const itemId = `${action.tableName}\u0000${action.key}`
    if (seen.has(itemId)) {
      throw validationException(
        'Transaction request cannot include multiple operations on one item',
      )
    }
    seen.add(itemId)
    totalBytes += itemSize(keyItem)
  }
  if (totalBytes > maxTransactionBytes) {
    throw validationException(
      `Transaction request size exceeds the maximum allowed size of 4 MB: the items total ${totalBytes} bytes`,
    )
  }

  const token = data.ClientRequestToken as string | undefined
  if (token) {
    const claim = context.tokens.claim(token, named, Date.now())
    if (claim === 'done') return {} satisfies TransactWriteItemsOutput
    if (claim === 'mismatch') {
      throw new DynamoDbError(
        'IdempotentParameterMismatchException',
        `ClientRequestToken '${token}' was used within the last 10 minutes by a different TransactWriteItems request`,
      )
    }
    if (claim === 'in-progress') {
      throw new DynamoDbError(
        'TransactionInProgressException',
        `A TransactWriteItems request with ClientRequestToken '${token}' is still in progress`,
      )
    }
  }
  try {
    await runTransaction(context, actions)
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: only claimed tokens are known, so failed(undefined) finds none and does nothing
    if (token) context.tokens.failed(token)
    throw error
  }
  // Stryker disable next-line ConditionalExpression: only claimed tokens are known, so committed(undefined) finds none and does nothing
  if (token) context.tokens.committed(token, Date.now())
  return consumedCapacity(data, actions) satisfies TransactWriteItemsOutput
}

function toActions(context: LayerContext, items: Record<string, unknown>[]): TransactAction[] {
  return items.map((item) => {
    const present = kinds.filter((kind) => item[kind] != null)
    if (present.length !== 1) {
      throw validationException(
        'TransactItems can only contain one of Check, Put, Update or Delete',
      )
    }
    const kind = present[0] as Kind
    const data = item[kind] as ValidatedRequest
    // Parses the action's expressions (data._condition, data._updates) as the single-item
    // operation would.
    checkValidations(data, {}, byKind[kind].custom, context.store)
    return { kind, data, tableName: data.TableName as string }
  })
}

async function runTransaction(context: LayerContext, actions: TransactAction[]): Promise<void> {
  const release = await lockItems(
    context.store,
    actions.map((a) => ({ tableName: a.tableName, key: a.key as string })),
  )
  try {
    const view = new ItemWriteView(context, 'staged')
    const items = await Promise.all(
      actions.map((a) => getItem(context.store, a.tableName, a.key as string)),
    )
    actions.forEach((a, i) => {
      view.knowTable(a.table as TableDescription)
      view.knowItem(a.tableName, a.key as string, items[i])
    })

    const reasons: CancellationReason[] = []
    for (const [i, action] of actions.entries()) {
      reasons.push(await attempt(view, action, items[i]))
    }
    if (reasons.some((reason) => reason.Code !== 'None')) {
      throw new DynamoDbError(
        'TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons
          .map((reason) => reason.Code)
          .join(', ')}]`,
        { CancellationReasons: reasons },
      )
    }
    await commitChanges(context, view.changes)
  } finally {
    release()
  }
}

/** Runs one action on the staged view; its cancellation reason, `None` when it would succeed. */
async function attempt(
  view: ItemWriteView,
  action: TransactAction,
  existing: WireItem | undefined,
): Promise<CancellationReason> {
  const run = byKind[action.kind].action
  try {
    if (run) await callAction(run, view.store, action.data)
    else {
      const failed = checkConditional(action.data, existing)
      if (failed) throw failed
    }
    return { Code: 'None' }
  } catch (error) {
    if (!isDynaliteError(error)) throw error
    const code = dynaliteErrorCode(error)
    if (code === 'ConditionalCheckFailedException') {
      return {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(existing && action.data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD'
          ? { Item: existing }
          : {}),
      }
    }
    if (code === 'ValidationException') {
      return { Code: 'ValidationError', Message: dynaliteErrorMessage(error) }
    }
    throw error
  }
}

function consumedCapacity(
  data: ValidatedRequest,
  actions: TransactAction[],
): TransactWriteItemsOutput {
  if (data.ReturnConsumedCapacity !== 'TOTAL' && data.ReturnConsumedCapacity !== 'INDEXES')
    return {}
  // Transactional writes cost two write units per KB of each item.
  const units = new Map<string, number>()
  for (const action of actions) {
    const item = (action.data.Item ?? action.data.Key) as WireItem
    const cost = 2 * Math.max(1, Math.ceil(itemSize(item) / 1024))
    units.set(action.tableName, (units.get(action.tableName) ?? 0) + cost)
  }
  return {
    ConsumedCapacity: [...units].map(([TableName, CapacityUnits]) => ({
      TableName,
      CapacityUnits,
      WriteCapacityUnits: CapacityUnits,
    })),
  }
}
