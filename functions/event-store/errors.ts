import type { ExpectedVersion } from './expected-version.ts'

/** The base of every error the event store client throws. */
export class EventStoreError extends Error {
  override name = 'EventStoreError'
}

/**
 * An append whose expected version did not hold: another writer appended first, the stream
 * already exists, or it does not. Names the stream and both versions.
 */
export class WrongExpectedVersionError extends EventStoreError {
  override name = 'WrongExpectedVersionError'
  readonly streamId: string
  readonly expected: ExpectedVersion
  /** The stream's version when the conflict was seen; 0 for a stream with no events. */
  readonly actual: number
  constructor(streamId: string, expected: ExpectedVersion, actual: number, options?: ErrorOptions) {
    super(
      `stream ${streamId}: expected ${describeExpected(expected)}, but it is at version ${actual}${actual === 0 ? ' (no stream)' : ''}`,
      options,
    )
    this.streamId = streamId
    this.expected = expected
    this.actual = actual
  }
}

/** An append or read the store refuses before calling DynamoDB; `problems` names each. */
export class InvalidStreamRequestError extends EventStoreError {
  override name = 'InvalidStreamRequestError'
  readonly problems: readonly string[]
  constructor(what: string, problems: readonly string[], options?: ErrorOptions) {
    super(`${what}: ${problems.join('; ')}`, options)
    this.problems = problems
  }
}

function describeExpected(expected: ExpectedVersion): string {
  switch (expected) {
    case 'no-stream':
      return 'no stream'
    case 'stream-exists':
      return 'an existing stream'
    case 'any':
      return 'any version'
    default:
      return `version ${expected}`
  }
}
