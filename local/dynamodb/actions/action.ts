import type { LayerContext } from '../context.ts'

/** One AWS operation: validates its request, acts on the layer's state, returns the response body. */
export type Action = (context: LayerContext, request: unknown) => Promise<object>

/** Copies the named field specs of a dynalite validation, to compose specs of nested structures. */
export function pickSpecs<T extends Record<string, unknown>>(
  specs: T,
  names: readonly (keyof T & string)[],
): Record<string, T[keyof T]> {
  const picked: Record<string, T[keyof T]> = {}
  for (const name of names) picked[name] = specs[name]
  return picked
}

export const returnValuesOnConditionCheckFailureSpec = {
  type: 'String',
  enum: ['ALL_OLD', 'NONE'],
} as const

export const tableNameSpec = {
  type: 'String',
  notNull: true,
  regex: '[a-zA-Z0-9_.-]+',
  lengthGreaterThanOrEqual: 3,
  lengthLessThanOrEqual: 255,
} as const
