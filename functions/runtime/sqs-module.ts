/**
 * The AWS SDK's SQS client package, loaded on first use: the runtime calls SQS only for a
 * record that failed (a backoff's ChangeMessageVisibility, a dead-lettering), so a cold start
 * whose records succeed never loads it (~10-15 ms of its init otherwise). The Lambda runtime
 * provides the package; function bundles leave it external, so this stays a runtime import.
 */
type SqsModule = typeof import('@aws-sdk/client-sqs')

let loading: Promise<SqsModule> | undefined

export function sqsModule(): Promise<SqsModule> {
  loading ??= import('@aws-sdk/client-sqs')
  return loading
}
