import type { RecordLogger } from '../../runtime/index.ts'
import { PermanentError } from '../../runtime/index.ts'

/**
 * One deciding step of the saga as its handler returns it: the effects decided, logged, and
 * their writes handed to the runtime, which commits them with the idempotency record in one
 * transaction. A command its decider refuses whatever the state (`refusal`) is permanent:
 * retrying cannot help, so the record is dead-lettered at once.
 */
export async function decidedWrites<TWrite>(
  logger: RecordLogger,
  decided: string,
  refusal: abstract new (...args: never[]) => Error,
  step: () => Promise<{ readonly writes: TWrite[] }>,
): Promise<TWrite[]> {
  try {
    const { writes, ...result } = await step()
    logger.info(decided, { result })
    return writes
  } catch (error) {
    if (error instanceof refusal) throw new PermanentError(error.message, { cause: error })
    throw error
  }
}
