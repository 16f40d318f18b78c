import type { DynaliteAction, RequestValidation } from '../dynalite-store.ts'
import { callAction, validateRequest } from '../dynalite-store.ts'
import type { Action } from './action.ts'

/** An operation dynalite serves as it is (reads, table listing, tags): its validation and action. */
export function dynalitePassthrough(validation: RequestValidation, action: DynaliteAction): Action {
  return (context, request) => {
    const data = validateRequest(context.store, validation, request)
    return callAction<object>(action, context.store, data)
  }
}
