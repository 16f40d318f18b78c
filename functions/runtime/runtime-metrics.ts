/**
 * The names of the EMF metrics the runtime emits, declared once: the dashboard
 * (lib/pipeline-monitoring.ts) graphs these. Counts are one per record; `processingLatency`
 * and `eventAge` are milliseconds.
 */
export const runtimeMetrics = {
  processed: 'processed',
  failed: 'failed',
  retried: 'retried',
  deadLettered: 'deadLettered',
  duplicate: 'duplicate',
  ignored: 'ignored',
  processingLatency: 'processingLatency',
  eventAge: 'eventAge',
} as const
