import type { TableDescription } from '../dynalite-store.ts'
import type { TableSettings } from '../table-settings.ts'

/**
 * A table as DescribeTable shows it: dynalite's description with the layer's stream fields.
 * Always a copy: dynalite keeps and later re-saves the object it returned.
 */
export function describeWithSettings(
  table: TableDescription,
  settings: TableSettings | undefined,
): TableDescription {
  const { StreamSpecification, LatestStreamArn, LatestStreamLabel, ...description } = table
  const stream = settings?.stream
  if (!stream) return description as TableDescription
  return {
    ...description,
    ...(stream.enabled
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.viewType } }
      : {}),
    LatestStreamArn: stream.arn,
    LatestStreamLabel: stream.label,
  } as TableDescription
}

export const streamSpecificationSpec = {
  type: 'FieldStruct<StreamSpecification>',
  children: {
    StreamEnabled: { type: 'Boolean', notNull: true },
    StreamViewType: {
      type: 'String',
      enum: ['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY'],
    },
  },
} as const
