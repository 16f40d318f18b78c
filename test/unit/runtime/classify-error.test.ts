import { describe, expect, it } from 'vitest'
import {
  classifyError,
  EffectsRejectedError,
  InvalidRecordError,
  PermanentError,
  TransientError,
} from '../../../functions/runtime/index.ts'

describe('classifyError', () => {
  it('dead-letters permanent errors and invalid records', () => {
    expect(classifyError(new PermanentError('poison'))).toBe('permanent')
    expect(classifyError(new InvalidRecordError('schema', 'bad'))).toBe('permanent')
  })

  it('backs off transient errors, rejected transactions and retryable SDK errors', () => {
    expect(classifyError(new TransientError('busy'))).toBe('transient')
    expect(classifyError(new EffectsRejectedError('conflict'))).toBe('transient')
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' })
    expect(classifyError(throttled)).toBe('transient')
    expect(classifyError(Object.assign(new Error('x'), { $retryable: {} }))).toBe('transient')
  })

  it('backs off what AWS answers when it throttles or fails, by code, HTTP status or a dropped connection', () => {
    // Each service's codes (SQS, SNS as the SDK names them, DynamoDB, DynamoDB Streams, KMS behind SQS and SNS).
    for (const name of [
      'RequestThrottled',
      'KmsThrottled',
      'KMS.ThrottlingException',
      'InternalFailure',
      'ServiceUnavailable',
      'ThrottledException',
      'InternalErrorException',
      'KMSThrottlingException',
      'ThrottlingException',
      'ProvisionedThroughputExceededException',
      'RequestLimitExceeded',
      'InternalServerError',
      'LimitExceededException',
      'TimeoutError',
    ]) {
      expect(classifyError(Object.assign(new Error('x'), { name })), name).toBe('transient')
    }
    const status = (httpStatusCode: number) =>
      Object.assign(new Error('x'), { name: 'UnmodeledError', $metadata: { httpStatusCode } })
    expect(classifyError(status(429))).toBe('transient')
    expect(classifyError(status(503))).toBe('transient')
    expect(classifyError(status(400))).toBe('unknown')
    // After the SDK's retries a reset connection (a reply that never came) reaches the caller.
    expect(classifyError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      'transient',
    )
    expect(classifyError(new Error('wrapped', { cause: status(500) }))).toBe('transient')
    // An abort is the runtime's own deadline, not AWS.
    expect(
      classifyError(
        Object.assign(new Error('aborted'), { name: 'AbortError', code: 'ECONNRESET' }),
      ),
    ).toBe('unknown')
  })

  it('backs off a lost race on a conditional write', () => {
    for (const name of [
      'ConditionalCheckFailedException',
      'TransactionCanceledException',
      'TransactionConflictException',
      'WrongExpectedVersionError',
    ]) {
      expect(classifyError(Object.assign(new Error('lost'), { name })), name).toBe('transient')
    }
  })

  it('leaves anything else to a plain redrive', () => {
    expect(classifyError(new Error('?'))).toBe('unknown')
    expect(classifyError('a string')).toBe('unknown')
    // A thrown value that is not an Error is not an SDK error, whatever it carries.
    expect(classifyError({ name: 'ThrottlingException', $retryable: {} })).toBe('unknown')
  })
})
