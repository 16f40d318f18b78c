import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { batchResponse } from './batch-response.ts'
import { openBatch } from './batch-scope.ts'
import { completeHandled } from './complete-handled.ts'
import type { ConsumerRuntime } from './consumer-runtime.ts'
import { skippedDuplicate } from './duplicate.ts'
import { retryWithFirstCopy, settle } from './fail-record.ts'
import { firstCopyDecides } from './first-copy.ts'
import { giveBackUnused } from './give-back-unused.ts'
import { handleRecord } from './handle-record.ts'
import { readRecord } from './read-record.ts'
import { runInLanes } from './run-in-lanes.ts'
import { takeLeases } from './take-leases.ts'

/**
 * A batch as a partial batch response (ReportBatchItemFailures), in the phases of the
 * runtime README, each over the batch's records in order (see record-state.ts):
 *
 * 1. Read every record on its own: invalid, or valid with its idempotency key.
 * 2. Lease the valid ones together: held, or refused (a duplicate, held elsewhere).
 * 3. Handle them lane by lane, at most `concurrency` at once (a FIFO group in order, a
 *    later copy of an event after its first); a record that fails is settled at once
 *    (5.), since its FIFO group and the event's later copies go on only if it succeeded.
 *    Records not started when time runs short are reported as failures.
 * 4. Complete the handled ones together.
 * 5. Fail what failed on completion; give back leases never used; respond.
 */
export async function processBatch(
  runtime: ConsumerRuntime,
  event: SQSEvent,
  lambdaContext: Context | undefined,
): Promise<SQSBatchResponse> {
  const records = event.Records ?? []
  if (records.length === 0) return { batchItemFailures: [] }
  const batch = openBatch(runtime, records, lambdaContext)
  const read = records.map((record) => readRecord(runtime, record))
  batch.trace.read(read)
  const leased = await takeLeases(runtime, read, batch)
  const handle = firstCopyDecides(
    async (state) => settle(runtime, await handleRecord(runtime, state, batch)),
    (copy) => skippedDuplicate(runtime, copy, 'an earlier copy in this batch was processed'),
    (copy, error, delaySeconds) => retryWithFirstCopy(runtime, copy, error, delaySeconds),
  )
  const ran = await runInLanes(leased, batch, runtime.config.concurrency, handle).finally(
    batch.close,
  )
  const completed = await completeHandled(runtime, ran, batch)
  const settled = await Promise.all(completed.map((state) => settle(runtime, state)))
  await giveBackUnused(runtime.store, leased, settled)
  await batch.trace.end(settled)
  return batchResponse(runtime.config.name, runtime.logger, batch, settled)
}
