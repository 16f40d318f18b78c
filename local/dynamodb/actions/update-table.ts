import updateTableAction from 'dynalite/actions/updateTable.js'
import type { ValidatedRequest } from 'dynalite/db/index.js'
import * as updateTableValidation from 'dynalite/validations/updateTable.js'
import { callAction, getTable, type TableDescription, validateRequest } from '../dynalite-store.ts'
import type { Action } from './action.ts'
import {
  applyStreamSpecification,
  checkStreamChange,
  checkStreamSpecification,
  type StreamSpecification,
} from './stream-specification.ts'
import { describeWithSettings, streamSpecificationSpec } from './table-description.ts'

const updatesDynaliteServes = [
  'ProvisionedThroughput',
  'BillingMode',
  'GlobalSecondaryIndexUpdates',
  'SSESpecification',
]

const validation = {
  types: { ...updateTableValidation.types, StreamSpecification: streamSpecificationSpec },
  custom: (
    data: ValidatedRequest,
    store: Parameters<NonNullable<typeof updateTableValidation.custom>>[1],
  ) =>
    // dynalite insists on an update it knows; a stream change alone is one too.
    data.StreamSpecification && !updatesDynaliteServes.some((field) => data[field] != null)
      ? undefined
      : // Stryker disable next-line OptionalChaining: dynalite's UpdateTable validation always has a custom check
        updateTableValidation.custom?.(data, store),
}

/** UpdateTable: dynalite's for throughput, billing and indexes; the layer's for StreamSpecification. */
export const updateTable: Action = async (context, request) => {
  const data = validateRequest(context.store, validation, request)
  const name = data.TableName as string
  const spec = data.StreamSpecification as StreamSpecification | undefined
  delete data.StreamSpecification
  let table = await getTable(context.store, name, false)
  if (spec) {
    checkStreamSpecification(spec, false)
    checkStreamChange(context, name, spec)
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: dynalite's UpdateTable with none of these fields rewrites the table unchanged
  if (updatesDynaliteServes.some((field) => data[field] != null)) {
    const updated = await callAction<{ TableDescription: TableDescription }>(
      updateTableAction,
      context.store,
      data,
    )
    table = updated.TableDescription
  }
  if (spec) await applyStreamSpecification(context, table, spec)
  return { TableDescription: describeWithSettings(table, context.settings.get(name)) }
}
