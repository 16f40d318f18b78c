import { describe, expect, it } from 'vitest'
// Internal: the runtime's own, never a handler's to throw.
import { RecordRaceError } from '../../../functions/runtime/errors.ts'
import {
  BatchFailedError,
  ConsumerConfigError,
  ConsumerError,
  EffectsRejectedError,
  EventInProgressError,
  InvalidRecordError,
  LeaseLostError,
  PermanentError,
  TransientError,
} from '../../../functions/runtime/index.ts'

describe('the runtime’s errors', () => {
  // The name is what an operator filters on: `failure.errorName` of a DLQ message, the
  // `errorName` of a log line, Lambda's errorType of a failed invocation.
  it('each names itself by its class, also through a subclass’s instanceof', () => {
    const errors = {
      ConsumerError: new ConsumerError('x'),
      PermanentError: new PermanentError('x'),
      TransientError: new TransientError('x'),
      InvalidRecordError: new InvalidRecordError('schema', 'x'),
      EventInProgressError: new EventInProgressError('inventory#e-1', 1_800_000_000),
      LeaseLostError: new LeaseLostError('inventory#e-1', 'complete'),
      RecordRaceError: new RecordRaceError('inventory#e-1', 'complete'),
      EffectsRejectedError: new EffectsRejectedError('x'),
      ConsumerConfigError: new ConsumerConfigError('inventory', ['a', 'b']),
      BatchFailedError: new BatchFailedError('inventory', ['m-1']),
    }
    for (const [name, error] of Object.entries(errors)) {
      expect(error.name, name).toBe(name)
      expect(error).toBeInstanceOf(ConsumerError)
    }
    // A lost race is transient (backed off); an invalid record is permanent (dead-lettered).
    expect(errors.RecordRaceError).toBeInstanceOf(TransientError)
    expect(errors.InvalidRecordError).toBeInstanceOf(PermanentError)
  })

  it('says which record, what happened and until when', () => {
    expect(new EventInProgressError('inventory#e-1', 1_800_000_000).message).toBe(
      'inventory#e-1 is being processed by another invocation (lease until 1800000000)',
    )
    expect(new EventInProgressError('inventory#e-1', 1_800_000_000).leaseExpiresAt).toBe(
      1_800_000_000,
    )
    expect(new RecordRaceError('inventory#e-1', 'complete').message).toBe(
      'cannot complete inventory#e-1: another invocation completed or holds it meanwhile',
    )
    expect(new LeaseLostError('inventory#e-1', 'release').message).toBe(
      'cannot release inventory#e-1: the lease was taken over by another owner',
    )
    expect(new ConsumerConfigError('inventory', ['a', 'b'])).toMatchObject({
      message: "consumer 'inventory' is misconfigured: a; b",
      problems: ['a', 'b'],
    })
    expect(new TransientError('busy', { retryAfterSeconds: 3 }).retryAfterSeconds).toBe(3)
  })
})
