import { describe, expect, it } from 'vitest'
import { TransactionTokens } from '../../../../local/dynamodb/transaction-tokens.ts'

// TransactWriteItems with a ClientRequestToken is idempotent for 10 minutes after it
// completes: a repeat of the same request succeeds without writing again, the same token
// with other parameters is an IdempotentParameterMismatchException, and after 10 minutes the
// token starts a new transaction. A repeat while the first is running is refused.
const minute = 60_000
const request = {
  TransactItems: [{ Put: { TableName: 't', Item: { pk: { S: 'a' }, n: { N: '1' } } } }],
}
const reordered = {
  TransactItems: [{ Put: { Item: { n: { N: '1' }, pk: { S: 'a' } }, TableName: 't' } }],
}
const other = { TransactItems: [{ Put: { TableName: 't', Item: { pk: { S: 'b' } } } }] }

const committedAt = (nowMs: number) => {
  const tokens = new TransactionTokens()
  expect(tokens.claim('token', request, nowMs)).toBe('run')
  tokens.committed('token', nowMs)
  return tokens
}

describe('TransactionTokens (ClientRequestToken idempotency of TransactWriteItems)', () => {
  it('runs a request with a new token, and answers a repeat while it runs as in progress', () => {
    const tokens = new TransactionTokens()
    expect(tokens.claim('token', request, 0)).toBe('run')
    expect(tokens.claim('token', request, 1)).toBe('in-progress')
    expect(tokens.claim('another', request, 1)).toBe('run')
  })

  it('answers a repeat of a committed request as done, also with its keys in another order', () => {
    const tokens = committedAt(0)
    expect(tokens.claim('token', request, minute)).toBe('done')
    expect(tokens.claim('token', reordered, minute)).toBe('done')
  })

  it('refuses the token with other parameters, committed or still running', () => {
    expect(committedAt(0).claim('token', other, minute)).toBe('mismatch')
    const running = new TransactionTokens()
    running.claim('token', request, 0)
    expect(running.claim('token', other, 1)).toBe('mismatch')
  })

  it('forgets a token 10 minutes after its transaction committed, not before', () => {
    expect(committedAt(0).claim('token', request, 10 * minute - 1)).toBe('done')
    expect(committedAt(0).claim('token', request, 10 * minute)).toBe('run')
    expect(committedAt(0).claim('token', other, 10 * minute)).toBe('run')
    expect(committedAt(5 * minute).claim('token', request, 10 * minute)).toBe('done')
  })

  it('frees the token of a transaction that did not commit, and only that one', () => {
    const tokens = new TransactionTokens()
    tokens.claim('token', request, 0)
    tokens.failed('token')
    expect(tokens.claim('token', other, 1)).toBe('run')
    const done = committedAt(0)
    done.failed('token')
    expect(done.claim('token', request, 1)).toBe('done')
    expect(() => tokens.failed('never-claimed')).not.toThrow()
  })

  it('remembers nothing for a commit of a token it never claimed', () => {
    const tokens = new TransactionTokens()
    tokens.committed('never-claimed', 0)
    expect(tokens.claim('never-claimed', request, 1)).toBe('run')
  })

  it('expires only committed tokens whose 10 minutes have passed', () => {
    const tokens = committedAt(0)
    tokens.claim('running', request, 0)
    tokens.expire(10 * minute - 1)
    expect(tokens.claim('token', request, 10 * minute - 1)).toBe('done')
    expect(tokens.claim('running', request, 10 * minute - 1)).toBe('in-progress')
    tokens.expire(10 * minute)
    expect(tokens.claim('token', request, 10 * minute)).toBe('run')
    expect(tokens.claim('running', request, 10 * minute)).toBe('in-progress')
  })
})
