import type { Store } from '../dynalite-store.ts'
import { resourceNotFound } from '../errors.ts'

/**
 * TransactWriteItems and TransactGetItems take a table's name or its ARN as TableName ("the name
 * of the table … You can also provide the Amazon Resource Name (ARN) of the table"):
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Put.html (Get, Update,
 * Delete and ConditionCheck say the same). Returns the request with each ARN replaced by the
 * name it names, so the rest of the action validates and runs on names; an ARN of another
 * region or account names no table here.
 */
export function withTableNames(store: Store, request: unknown): unknown {
  const items = (request as { TransactItems?: unknown } | null)?.TransactItems
  if (!Array.isArray(items) || !items.some(namesByArn)) return request
  const { awsRegion, awsAccountId } = store.tableDb
  const prefix = `arn:aws:dynamodb:${awsRegion}:${awsAccountId}:table/`
  return {
    ...(request as object),
    TransactItems: items.map((item: Record<string, { TableName?: unknown }> | null) => {
      if (!namesByArn(item)) return item
      const copy: Record<string, unknown> = {}
      for (const [kind, action] of Object.entries(item as object)) {
        const name = (action as { TableName?: unknown } | null)?.TableName
        if (typeof name !== 'string' || !name.startsWith('arn:')) copy[kind] = action
        else if (name.startsWith(prefix) && !name.slice(prefix.length).includes('/')) {
          copy[kind] = { ...action, TableName: name.slice(prefix.length) }
        } else throw resourceNotFound(`Requested resource not found: Table: ${name} not found`)
      }
      return copy
    }),
  }
}

function namesByArn(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false
  return Object.values(item).some((action) => {
    const name = (action as { TableName?: unknown } | null)?.TableName
    return typeof name === 'string' && name.startsWith('arn:')
  })
}
