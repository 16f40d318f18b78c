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
