import type { Logger } from '@aws-lambda-powertools/logger'

/** A logger whose every entry carries one record's ids (eventId, correlationId, …). */
export interface RecordLogger {
  debug(message: string, extra?: Record<string, unknown>): void
  info(message: string, extra?: Record<string, unknown>): void
  warn(message: string, extra?: Record<string, unknown>): void
  error(message: string, extra?: Record<string, unknown>): void
}

/**
 * Records run concurrently, so their ids cannot be the logger's shared keys; they are
 * added to each entry instead, which costs nothing when the level filters the entry out.
 */
export function recordLogger(logger: Logger, keys: Record<string, unknown>): RecordLogger {
  return {
    debug: (message, extra) => logger.debug(message, { ...keys, ...extra }),
    info: (message, extra) => logger.info(message, { ...keys, ...extra }),
    warn: (message, extra) => logger.warn(message, { ...keys, ...extra }),
    error: (message, extra) => logger.error(message, { ...keys, ...extra }),
  }
}
