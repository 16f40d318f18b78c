import batchWriteItemAction from 'dynalite/actions/batchWriteItem.js'
import * as batchWriteItemValidation from 'dynalite/validations/batchWriteItem.js'
import { callAction, validateRequest } from '../dynalite-store.ts'
import { ItemWriteView } from '../item-writes.ts'
import type { Action } from './action.ts'

/** BatchWriteItem: dynalite's, with each put and delete committed with its stream record. */
export const batchWriteItem: Action = (context, request) => {
  const data = validateRequest(context.store, batchWriteItemValidation, request)
  return callAction<object>(
    batchWriteItemAction,
    // Stryker disable next-line StringLiteral: ItemWriteView tells its modes apart by === 'staged' alone, so any other string is autocommit
    new ItemWriteView(context, 'autocommit').store,
    data,
  )
}
