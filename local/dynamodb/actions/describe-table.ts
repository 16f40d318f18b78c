import * as describeTableValidation from 'dynalite/validations/describeTable.js'
import { getTable, validateRequest } from '../dynalite-store.ts'
import type { Action } from './action.ts'
import { describeWithSettings } from './table-description.ts'

/** DescribeTable: dynalite's table with StreamSpecification, LatestStreamArn and LatestStreamLabel. */
export const describeTable: Action = async (context, request) => {
  const data = validateRequest(context.store, describeTableValidation, request)
  const name = data.TableName as string
  const table = await getTable(context.store, name, false)
  return { Table: describeWithSettings(table, context.settings.get(name)) }
}
