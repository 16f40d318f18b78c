import type { TransactGetItemsOutput } from '@aws-sdk/client-dynamodb'
import getItemAction from 'dynalite/actions/getItem.js'
import { createKey, validateKey } from 'dynalite/db/index.js'
import * as getItemValidation from 'dynalite/validations/getItem.js'
import { checkValidations } from 'dynalite/validations/index.js'
import {
  callAction,
  getTable,
  lockItems,
  type TableDescription,
  type ValidatedRequest,
  validateRequest,
  type WireItem,
} from '../dynalite-store.ts'
import { validationException } from '../errors.ts'
import { type Action, pickSpecs, tableNameSpec } from './action.ts'
import { withTableNames } from './table-arn.ts'
import { maxTransactionActions } from './transact-write-items.ts'

const validation = {
  types: {
    ReturnConsumedCapacity: getItemValidation.types.ReturnConsumedCapacity,
    TransactItems: {
      type: 'List',
      notNull: true,
      lengthGreaterThanOrEqual: 1,
      lengthLessThanOrEqual: maxTransactionActions,
      children: {
        type: 'ValueStruct<TransactGetItem>',
        children: {
          Get: {
            type: 'FieldStruct<Get>',
            notNull: true,
            children: {
              TableName: tableNameSpec,
              ...pickSpecs(getItemValidation.types, [
                'Key',
                'ProjectionExpression',
                'ExpressionAttributeNames',
              ]),
            },
          },
        },
      },
    },
  },
}

/**
 * TransactGetItems: reads every item under dynalite's item locks, so no write (single-item or
 * transactional) on those items is half done while it reads.
 */
export const transactGetItems: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, withTableNames(context.store, request))
  const gets = (data.TransactItems as { Get: ValidatedRequest }[]).map(({ Get }) => {
    checkValidations(Get, {}, getItemValidation.custom, context.store)
    return Get
  })
  const tables = new Map<string, TableDescription>()
  for (const tableName of new Set(gets.map((get) => get.TableName as string))) {
    tables.set(tableName, await getTable(context.store, tableName))
  }
  const seen = new Set<string>()
  const locks = gets.map((get) => {
    const tableName = get.TableName as string
    const table = tables.get(tableName) as TableDescription
    const invalid = validateKey(get.Key as WireItem, table)
    if (invalid) throw invalid
    const key = createKey(get.Key as WireItem, table)
    if (seen.has(`${tableName}\u0000${key}`)) {
      throw validationException(
        'Transaction request cannot include multiple operations on one item',
      )
    }
    seen.add(`${tableName}\u0000${key}`)
    return { tableName, key }
  })

  const release = await lockItems(context.store, locks)
  try {
    const results = await Promise.all(
      gets.map((get) => callAction<{ Item?: WireItem }>(getItemAction, context.store, get)),
    )
    return {
      Responses: results.map((result) => (result.Item ? { Item: result.Item } : {})),
    } satisfies Record<keyof TransactGetItemsOutput & 'Responses', unknown>
  } finally {
    release()
  }
}
