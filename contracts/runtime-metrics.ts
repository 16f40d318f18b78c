/**
 * The consumer runtime's CloudWatch EMF metrics: the runtime (functions/runtime) emits them,
 * the dashboard and alarms (lib/pipeline-monitoring.ts) and `pipeline status` (cli/) read
 * them.
 */

/**
 * The namespace the runtime's metrics go to when POWERTOOLS_METRICS_NAMESPACE is unset; the
 * Consumer construct sets that variable to this value.
 * @default 'EventPipeline'
 */
export const METRICS_NAMESPACE = 'EventPipeline'

/**
 * The dimensions of every runtime metric, both the consumer's name: `service` (Powertools
 * Metrics' service name) and `consumer` (the runtime's default dimension).
 */
export const METRIC_DIMENSIONS = {
  service: 'service',
  consumer: 'consumer',
} as const

/**
 * The names of the EMF metrics the runtime emits. Counts are one per record;
 * `processingLatency` and `eventAge` are milliseconds.
 */
export const RUNTIME_METRICS = {
  processed: 'processed',
  failed: 'failed',
  retried: 'retried',
  deadLettered: 'deadLettered',
  duplicate: 'duplicate',
  ignored: 'ignored',
  processingLatency: 'processingLatency',
  eventAge: 'eventAge',
} as const
