import { describe, expect, it } from 'vitest'
import { type Lock, refusalOf } from '../../../functions/runtime/idempotency-record.ts'

const now = 1_000
const lock: Lock = { key: 'payments#e-1', owner: 'mine', leaseExpiresAt: now + 60 }
const record = (fields: Record<string, string | number>) =>
  Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      typeof value === 'number' ? { N: String(value) } : { S: value },
    ]),
  )

describe('refusalOf: what a record that refused an acquisition means', () => {
  it('is acquired when the record is this lock’s own lease (a retried write that landed)', () => {
    const holder = record({
      status: 'IN_PROGRESS',
      owner: 'mine',
      leaseExpiresAt: now + 60,
      expiresAt: now + 120,
    })
    expect(refusalOf(holder, lock, now)).toEqual({ status: 'acquired', lock })
  })

  it('is in progress while another owner’s lease holds, with when it ends', () => {
    const holder = record({
      status: 'IN_PROGRESS',
      owner: 'other',
      leaseExpiresAt: now + 5,
      expiresAt: now + 65,
    })
    expect(refusalOf(holder, lock, now)).toEqual({ status: 'in-progress', leaseExpiresAt: now + 5 })
  })

  it('is completed within the dedupe window', () => {
    const holder = record({ status: 'COMPLETED', completedAt: now - 10, expiresAt: now + 1 })
    expect(refusalOf(holder, lock, now)).toEqual({ status: 'completed' })
  })

  it('no longer refuses (try again) once the record or the lease has ended, or it is gone', () => {
    const past = record({ status: 'COMPLETED', expiresAt: now })
    const ended = record({
      status: 'IN_PROGRESS',
      owner: 'other',
      leaseExpiresAt: now,
      expiresAt: now + 60,
    })
    const released = record({ status: 'RELEASED', expiresAt: now + 60 })
    for (const holder of [past, ended, released, undefined]) {
      expect(refusalOf(holder, lock, now)).toBeUndefined()
    }
  })
})
