import type { Logger } from '@aws-lambda-powertools/logger'
import type { SQSBatchResponse } from 'aws-lambda'
import type { BatchScope } from './batch-scope.ts'
import { BatchFailedError } from './errors.ts'
import type { NotStarted, Settled } from './record-state.ts'

/**
 * The partial batch response: only retried and not-started records are batch item
 * failures. When every record failed, throws `BatchFailedError` instead, so Lambda's
 * Errors metric counts the invocation.
 */
export function batchResponse(
  consumer: string,
  logger: Logger,
  batch: BatchScope,
  states: readonly (Settled | NotStarted)[],
): SQSBatchResponse {
  const failures = states.filter(
    (state) => state.state === 'not-started' || state.outcome.kind === 'retry',
  )
  const notStarted = states.filter((state) => state.state === 'not-started').length
  if (notStarted > 0) {
    logger.warn('records not started, reported as failures', {
      notStarted,
      reason: batch.fifo
        ? 'an earlier record of their message group failed, or time ran short'
        : 'time ran short',
    })
  }
  const messageIds = failures.map((state) => state.record.messageId)
  if (failures.length === states.length) {
    const first = failures[0]
    throw new BatchFailedError(
      consumer,
      messageIds,
      // Stryker disable next-line OptionalChaining: processBatch never responds to an empty batch
      first?.state === 'settled' &&
        // Stryker disable next-line ConditionalExpression: a settled failure is a retry; this narrows its type
        first.outcome.kind === 'retry'
        ? { cause: first.outcome.error }
        : undefined,
    )
  }
  return { batchItemFailures: messageIds.map((itemIdentifier) => ({ itemIdentifier })) }
}
