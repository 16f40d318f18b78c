import { z } from 'zod'
import { type EventEnvelope, eventEnvelope } from './envelope.ts'

/** One event type at one schema version: its name, version and payload schema. */
export interface EventDefinition<
  TType extends string = string,
  TVersion extends number = number,
  TPayload extends z.ZodType = z.ZodType,
> {
  readonly type: TType
  readonly version: TVersion
  readonly payload: TPayload
  /** The whole envelope's schema, with `eventType` and `version` fixed to this definition. */
  readonly envelope: z.ZodType<EventEnvelope<TType, TVersion, z.output<TPayload>>>
}

/** The envelope type of a definition, as a consumer receives it. */
export type EventOf<TDefinition extends EventDefinition> = EventEnvelope<
  TDefinition['type'],
  TDefinition['version'],
  z.output<TDefinition['payload']>
>

/** The payload type of a definition, as a producer writes it. */
export type PayloadOf<TDefinition extends EventDefinition> = z.input<TDefinition['payload']>

/** Declares an event type at a schema version. */
export function defineEvent<
  const TType extends string,
  const TVersion extends number,
  TPayload extends z.ZodType,
>(definition: {
  type: TType
  version: TVersion
  payload: TPayload
}): EventDefinition<TType, TVersion, TPayload> {
  const envelope = eventEnvelope.extend({
    eventType: z.literal(definition.type),
    version: z.literal(definition.version),
    payload: definition.payload,
  }) as unknown as z.ZodType<EventEnvelope<TType, TVersion, z.output<TPayload>>>
  return Object.freeze({ ...definition, envelope })
}
