import deleteTableAction from 'dynalite/actions/deleteTable.js'
import type { BatchOperation } from 'dynalite/db/index.js'
import * as deleteTableValidation from 'dynalite/validations/deleteTable.js'
import { callAction, type TableDescription, validateRequest } from '../dynalite-store.ts'
import type { Action } from './action.ts'
import { describeWithSettings } from './table-description.ts'

/** DeleteTable: dynalite's; the table's stream closes (readable 24 h more) and its settings go. */
export const deleteTable: Action = async (context, request) => {
  const data = validateRequest(context.store, deleteTableValidation, request)
  const name = data.TableName as string
  const deleted = await callAction<{ TableDescription: TableDescription }>(
    deleteTableAction,
    context.store,
    data,
  )
  const settings = context.settings.get(name)
  const operations: BatchOperation[] = []
  if (settings?.stream) {
    const closed = context.streams.disableStream(settings.stream.arn)
    if (closed) operations.push(closed)
  }
  operations.push(context.settings.delete(name))
  await context.settings.persist(operations)
  return { TableDescription: describeWithSettings(deleted.TableDescription, settings) }
}
