import * as z from 'zod/mini'
import { type EventEnvelope, eventEnvelope } from './envelope.ts'
import { CatalogueError } from './errors.ts'

/** One event type at one schema version: its name, version and payload schema. */
export interface EventDefinition<
  TType extends string = string,
  TVersion extends number = number,
  TPayload extends z.core.$ZodType = z.core.$ZodType,
> {
  readonly type: TType
  readonly version: TVersion
  readonly payload: TPayload
  /** The whole envelope's schema, with `eventType` and `version` fixed to this definition. */
  readonly envelope: z.ZodMiniType<EventEnvelope<TType, TVersion, z.output<TPayload>>>
  /**
   * How an event of the version this one supersedes reads as this one (a tolerant reader):
   * readers (the event store, the consumer runtime) upcast older events through the chain
   * of these to the newest version; the stored event is never rewritten.
   * @default - none: the first version, or one that older events cannot become
   */
  readonly upcastFrom?: Upcaster
}

/** The step from one version of an event type to the next, declared on the newer one. */
export interface Upcaster {
  /** The definition superseded: the same type at a lower version. */
  readonly from: EventDefinition
  /** An event of `from` (valid) → the newer version's payload. Pure: no time, no I/O. */
  readonly upcast: (event: EventEnvelope) => unknown
}

/** The envelope type of a definition, as a consumer receives it. */
export type EventOf<TDefinition extends EventDefinition> = EventEnvelope<
  TDefinition['type'],
  TDefinition['version'],
  z.output<TDefinition['payload']>
>

/** The payload type of a definition, as a producer writes it. */
export type PayloadOf<TDefinition extends EventDefinition> = z.input<TDefinition['payload']>

/**
 * Declares an event type at a schema version. A version after the first may say how the
 * one before it reads as this one:
 *
 * ```ts
 * export const OrderPlacedV2 = defineEvent({
 *   type: 'order.placed',
 *   version: 2,
 *   payload: z.object({ ..., currency: z.string() }),
 *   upcastFrom: { from: OrderPlacedV1, upcast: (v1) => ({ ...v1.payload, currency: 'EUR' }) },
 * })
 * ```
 */
export function defineEvent<
  const TType extends string,
  const TVersion extends number,
  TPayload extends z.core.$ZodType,
  TFrom extends EventDefinition<TType> = EventDefinition<TType>,
>(definition: {
  type: TType
  version: TVersion
  payload: TPayload
  upcastFrom?: {
    from: TFrom
    upcast: (event: EventOf<TFrom>) => z.input<TPayload>
  }
}): EventDefinition<TType, TVersion, TPayload> {
  const { upcastFrom, ...declared } = definition
  if (
    upcastFrom &&
    (upcastFrom.from.type !== definition.type || upcastFrom.from.version >= definition.version)
  ) {
    throw new CatalogueError(
      `${definition.type} v${definition.version} cannot upcast from ${upcastFrom.from.type} v${upcastFrom.from.version}: an upcaster reads an older version of the same type`,
    )
  }
  const envelope = z.extend(eventEnvelope, {
    eventType: z.literal(definition.type),
    version: z.literal(definition.version),
    payload: definition.payload,
  }) as unknown as z.ZodMiniType<EventEnvelope<TType, TVersion, z.output<TPayload>>>
  return Object.freeze({
    ...declared,
    envelope,
    ...(upcastFrom ? { upcastFrom: upcastFrom as unknown as Upcaster } : {}),
  })
}
