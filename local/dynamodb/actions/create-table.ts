import createTableAction from 'dynalite/actions/createTable.js'
import * as createTableValidation from 'dynalite/validations/createTable.js'
import { callAction, type TableDescription, validateRequest } from '../dynalite-store.ts'
import type { Action } from './action.ts'
import {
  applyStreamSpecification,
  checkStreamSpecification,
  type StreamSpecification,
} from './stream-specification.ts'
import { describeWithSettings, streamSpecificationSpec } from './table-description.ts'

const validation = {
  types: { ...createTableValidation.types, StreamSpecification: streamSpecificationSpec },
  custom: createTableValidation.custom,
}

/** CreateTable: dynalite's, plus StreamSpecification. */
export const createTable: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, request)
  const spec = data.StreamSpecification as StreamSpecification | undefined
  if (spec) checkStreamSpecification(spec, true)
  delete data.StreamSpecification
  const created = await callAction<{ TableDescription: TableDescription }>(
    createTableAction,
    context.store,
    data,
  )
  const table = created.TableDescription
  // A table of the same name that was deleted may have left settings behind.
  await context.settings.persist([context.settings.delete(table.TableName)])
  if (spec?.StreamEnabled) await applyStreamSpecification(context, table, spec)
  return { TableDescription: describeWithSettings(table, context.settings.get(table.TableName)) }
}
