import type { BatchOperation } from 'dynalite/db/index.js'
import type { LayerContext } from '../context.ts'
import type { TableDescription } from '../dynalite-store.ts'
import { validationException } from '../errors.ts'
import type { StreamViewType } from '../stream-log.ts'

export interface StreamSpecification {
  readonly StreamEnabled: boolean
  readonly StreamViewType?: StreamViewType
}

/** DynamoDB's rules for a StreamSpecification, on CreateTable (`creating`) or UpdateTable. */
export function checkStreamSpecification(spec: StreamSpecification, creating: boolean): void {
  if (spec.StreamEnabled && !spec.StreamViewType) {
    throw validationException(
      creating
        ? 'One or more parameter values were invalid: Table is being created with a stream enabled, UpdateViewType is required'
        : 'One or more parameter values were invalid: If stream is being enabled then UpdateViewType is required',
    )
  }
  if (!spec.StreamEnabled && spec.StreamViewType) {
    throw validationException(
      creating
        ? 'One or more parameter values were invalid: Table is being created with a stream disabled, UpdateViewType should not be specified'
        : 'One or more parameter values were invalid: If stream is being disabled, then UpdateViewType must not be specified',
    )
  }
}

/** Rejects a stream change the table's current stream makes impossible (UpdateTable). */
export function checkStreamChange(
  context: LayerContext,
  tableName: string,
  spec: StreamSpecification,
): void {
  const enabled = context.settings.get(tableName)?.stream?.enabled ?? false
  if (spec.StreamEnabled && enabled) {
    throw validationException(`Table already has an enabled stream: TableName: ${tableName}`)
  }
  if (!spec.StreamEnabled && !enabled) {
    throw validationException(`Table has no stream to disable: TableName: ${tableName}`)
  }
}

/** Turns a table's stream on (a new stream) or off (its shard closes); persists the change. */
export async function applyStreamSpecification(
  context: LayerContext,
  table: TableDescription,
  spec: StreamSpecification,
): Promise<void> {
  const settings = { ...context.settings.get(table.TableName) }
  const operations: BatchOperation[] = []
  if (spec.StreamEnabled && spec.StreamViewType) {
    const previous = settings.stream && context.streams.stream(settings.stream.arn)
    const { info, operation } = context.streams.createStream(table, spec.StreamViewType, previous)
    operations.push(operation)
    settings.stream = { arn: info.arn, label: info.label, viewType: info.viewType, enabled: true }
  } else if (!spec.StreamEnabled && settings.stream?.enabled) {
    const closed = context.streams.disableStream(settings.stream.arn)
    if (closed) operations.push(closed)
    settings.stream = { ...settings.stream, enabled: false }
  }
  operations.push(context.settings.set(table.TableName, settings))
  await context.settings.persist(operations)
}
