import type { DynaliteAction, RequestValidation } from '../dynalite-store.ts'
import { callAction, validateRequest } from '../dynalite-store.ts'
import {
  DynamoDbError,
  dynaliteErrorCode,
  dynaliteErrorMessage,
  isDynaliteError,
} from '../errors.ts'
import { ItemWriteView } from '../item-writes.ts'
import { type Action, returnValuesOnConditionCheckFailureSpec } from './action.ts'

/**
 * PutItem, UpdateItem or DeleteItem: dynalite's validation and action, run on a view that commits
 * the item with its stream record, plus ReturnValuesOnConditionCheckFailure, which dynalite lacks.
 */
export function singleItemWrite(validation: RequestValidation, action: DynaliteAction): Action {
  const withReturnOnFailure: RequestValidation = {
    types: {
      ...validation.types,
      ReturnValuesOnConditionCheckFailure: returnValuesOnConditionCheckFailureSpec,
    },
    custom: validation.custom,
  }
  return async (context, request) => {
    const data = validateRequest(context.store, withReturnOnFailure, request)
    // Stryker disable next-line StringLiteral: ItemWriteView tells its modes apart by === 'staged' alone, so any other string is autocommit
    const view = new ItemWriteView(context, 'autocommit')
    try {
      return await callAction<object>(action, view.store, data)
    } catch (error) {
      if (
        data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' &&
        isDynaliteError(error) &&
        dynaliteErrorCode(error) === 'ConditionalCheckFailedException'
      ) {
        const item = view.onlyItemRead()
        // Stryker disable next-line ConditionalExpression: an undefined Item member is left out of the JSON reply, the same reply as without it
        if (item) {
          throw new DynamoDbError(dynaliteErrorCode(error), dynaliteErrorMessage(error), {
            Item: item,
          })
        }
      }
      throw error
    }
  }
}
