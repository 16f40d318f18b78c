/**
 * The OrderPipeline stack's output keys, and a parser that turns a stack's outputs into a
 * typed description of the pipeline. The stack (lib/) writes them; the CLI reads them to find
 * resources after `cdk deploy` or `cdklocal deploy` (CloudFormation DescribeStacks → Outputs).
 */

/** The id of the stack; its CloudFormation name unless overridden. */
export const STACK_ID = 'OrderPipeline'

/** Outputs that describe the whole pipeline. */
export const OUTPUT_KEYS = {
  /** ARN of the event bus topic (publish here). */
  eventTopicArn: 'EventTopicArn',
  /** Comma-separated consumer names, in stack order. */
  consumerNames: 'ConsumerNames',
  /** Name of the shared idempotency table. */
  idempotencyTableName: 'IdempotencyTableName',
  /** Name of the event store's events table. */
  eventsTableName: 'EventsTableName',
  /** Name of the event store's snapshots table. */
  snapshotsTableName: 'SnapshotsTableName',
  /** Name of the inventory table (stock and reservations). */
  inventoryTableName: 'InventoryTableName',
  /** Name of the payments table. */
  paymentsTableName: 'PaymentsTableName',
  /** Name of the notifications table. */
  notificationsTableName: 'NotificationsTableName',
  /** Name of the orders read-model table. */
  ordersTableName: 'OrdersTableName',
  /** Name of the outbox publisher function. */
  outboxPublisherFunctionName: 'OutboxPublisherFunctionName',
  /** URL of the queue where the outbox stream mapping sends records it gave up on. */
  outboxFailureQueueUrl: 'OutboxFailureQueueUrl',
  /** URL of the queue that keeps events no consumer selects (missing or unselected eventType). */
  unroutableQueueUrl: 'UnroutableQueueUrl',
  /** Name of the CloudWatch dashboard. */
  dashboardName: 'DashboardName',
  /** ARN of the topic every alarm notifies. */
  alarmTopicArn: 'AlarmTopicArn',
} as const

/** The per-consumer outputs; each key is `<ConsumerName in PascalCase><field>`. */
export const CONSUMER_OUTPUT_FIELDS = {
  queueUrl: 'QueueUrl',
  queueArn: 'QueueArn',
  queueName: 'QueueName',
  deadLetterQueueUrl: 'DlqUrl',
  deadLetterQueueArn: 'DlqArn',
  deadLetterQueueName: 'DlqName',
  deliveryDeadLetterQueueUrl: 'DeliveryDlqUrl',
  functionName: 'FunctionName',
} as const

export type ConsumerOutputField = keyof typeof CONSUMER_OUTPUT_FIELDS

/**
 * The output key of one of a consumer's resources, e.g. `consumerOutputKey('inventory',
 * 'queueUrl')` is `InventoryQueueUrl` and `('order-projections', 'deadLetterQueueUrl')` is
 * `OrderProjectionsDlqUrl`.
 */
export function consumerOutputKey(consumerName: string, field: ConsumerOutputField): string {
  const pascal = consumerName
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('')
  return `${pascal}${CONSUMER_OUTPUT_FIELDS[field]}`
}

/** One consumer's resources, as the stack outputs name them. */
export type ConsumerResources = { readonly name: string } & {
  readonly [field in ConsumerOutputField]: string
}

/** The pipeline's resources, as the stack outputs name them. */
export type PipelineResources = {
  readonly [key in Exclude<keyof typeof OUTPUT_KEYS, 'consumerNames'>]: string
} & { readonly consumers: readonly ConsumerResources[] }

/**
 * Reads a stack's outputs (key → value, e.g. from DescribeStacks) into
 * {@link PipelineResources}. Throws one error naming every missing key, so a stack deployed
 * from an older version of the app is reported clearly.
 */
export function parseStackOutputs(outputs: Readonly<Record<string, string>>): PipelineResources {
  const missing: string[] = []
  const read = (key: string): string => {
    const value = outputs[key]
    if (value === undefined || value === '') missing.push(key)
    return value ?? ''
  }
  const consumerNames = read(OUTPUT_KEYS.consumerNames)
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  const consumers = consumerNames.map((name) => {
    const fields = Object.fromEntries(
      (Object.keys(CONSUMER_OUTPUT_FIELDS) as ConsumerOutputField[]).map((field) => [
        field,
        read(consumerOutputKey(name, field)),
      ]),
    ) as { [field in ConsumerOutputField]: string }
    return { name, ...fields }
  })
  const entries = (Object.keys(OUTPUT_KEYS) as (keyof typeof OUTPUT_KEYS)[])
    .filter((key) => key !== 'consumerNames')
    .map((key) => [key, read(OUTPUT_KEYS[key])] as const)
  if (missing.length > 0) {
    throw new Error(
      `the stack outputs lack ${missing.join(', ')}; deploy the current app (npm run deploy or npm run deploy:local)`,
    )
  }
  return { ...(Object.fromEntries(entries) as Omit<PipelineResources, 'consumers'>), consumers }
}
