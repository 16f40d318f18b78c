import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib'
import type { Construct } from 'constructs'
import { CONSUMERS, type ConsumerDefinition } from '../contracts/consumers.ts'
import { TABLE_ENVIRONMENT } from '../contracts/environment.ts'
import {
  CONSUMER_OUTPUT_FIELDS,
  type ConsumerOutputField,
  consumerOutputKey,
  OUTPUT_KEYS,
} from '../contracts/outputs.ts'
import { Consumer } from './consumer.ts'
import { EventBus } from './event-bus.ts'
import { publishedCatalogue } from './event-catalogue.ts'
import { EventStore } from './event-store.ts'
import { IdempotencyTable } from './idempotency-table.ts'
import { OrderReadModels } from './order-read-models.ts'
import { exportTracesOverOtlp, type OtlpExportProps } from './otlp-export.ts'
import { PROJECT_ROOT } from './pipeline-function.ts'
import { PipelineMonitoring } from './pipeline-monitoring.ts'
import { UnroutableEvents } from './unroutable-events.ts'

/** Props of the {@link OrderPipelineStack}. */
export interface OrderPipelineStackProps extends StackProps {
  /**
   * What happens to the domain tables (events, snapshots, read models) and the KMS keys
   * when the stack is deleted. Use DESTROY for throwaway environments such as LocalStack.
   * @default RemovalPolicy.RETAIN
   */
  readonly dataRemovalPolicy?: RemovalPolicy
  /**
   * Export the functions' OpenTelemetry spans over OTLP/HTTP (to the ADOT or OpenTelemetry
   * collector Lambda layer, or any collector), by their environment: no code changes.
   * `cdk deploy -c otlpEndpoint=http://localhost:4318 -c otlpLayerArns=<arn>` sets it.
   * @default - no spans are exported on AWS (the functions' tracer is the API's no-op)
   */
  readonly otlp?: OtlpExportProps
}

/**
 * The demo e-commerce order pipeline: the event bus, the event store with its outbox
 * publisher, the idempotency and read-model tables, five consumers, and monitoring. Each
 * consumer's name, event types and handler are its definition in `contracts/consumers.ts`;
 * the subscription selects exactly the types its handler takes.
 *
 * The order saga is choreographed: orders, inventory and payments each own an aggregate
 * stream per order in the event store (`order-`, `inventory-`, `payment-<orderId>`), append
 * the event they consumed and what they decided in one transaction with their idempotency
 * record, and publish only through the outbox.
 *
 * | consumer      | owns (env var)                                         |
 * | ------------- | ------------------------------------------------------ |
 * | orders        | the order streams in EVENTS_TABLE                      |
 * | inventory     | INVENTORY_TABLE, the reservation streams               |
 * | payments      | PAYMENTS_TABLE, the payment streams                    |
 * | notifications | NOTIFICATIONS_TABLE                                    |
 * | projections   | READ_MODEL_TABLE, read from the order streams          |
 *
 * Every resource a CLI needs is a stack output; the keys are in `contracts/outputs.ts`.
 */
export class OrderPipelineStack extends Stack {
  readonly bus: EventBus
  readonly eventStore: EventStore
  readonly idempotency: IdempotencyTable
  readonly readModels: OrderReadModels
  readonly consumers: readonly Consumer[]
  /** Where the bus keeps events no consumer selects. */
  readonly unroutable: UnroutableEvents
  readonly monitoring: PipelineMonitoring

  constructor(scope: Construct, id: string, props: OrderPipelineStackProps = {}) {
    super(scope, id, {
      description:
        'event-pipeline: SNS fan-out to SQS consumers, event store with outbox (demo order domain)',
      ...props,
    })
    const removalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN

    this.bus = new EventBus(this, 'EventBus', {
      displayName: 'Order pipeline events',
      catalogue: publishedCatalogue(PROJECT_ROOT),
      keyRemovalPolicy: removalPolicy,
    })
    this.eventStore = new EventStore(this, 'EventStore', { bus: this.bus, removalPolicy })
    this.idempotency = new IdempotencyTable(this, 'Idempotency')
    this.readModels = new OrderReadModels(this, 'ReadModels', { removalPolicy })

    // Batching, chosen per consumer (measured: docs/decisions/0005-batching-per-consumer.md).
    // The saga's steps (orders, inventory, payments) are latency-sensitive: an order waits on
    // three of them in turn, so they take what one receive returns (up to 10) without a
    // batching window. The projections and notifications are read models nobody waits on:
    // they gather up to 25 records for up to a second, fewer invocations and requests a record.
    const common = {
      bus: this.bus,
      idempotencyTable: this.idempotency.table,
      batchSize: 10,
      maxConcurrency: 5,
      timeout: Duration.seconds(30),
    }
    const batched = { batchSize: 25, maxBatchingWindow: Duration.seconds(1) }
    const defined = (definition: ConsumerDefinition) => ({
      ...common,
      consumerName: definition.name,
      events: Object.keys(definition.events),
      versions: definition.events,
      entry: definition.entry,
    })
    const eventsTable = { [TABLE_ENVIRONMENT.events]: this.eventStore.eventsTable.tableName }
    // The saga's services: each reads its streams and appends to them.
    const deciding = (consumer: Consumer) => {
      this.eventStore.grantAppend(consumer.function)
      this.eventStore.grantReadStreams(consumer.function)
      return consumer
    }
    const orders = deciding(
      new Consumer(this, 'Orders', { ...defined(CONSUMERS.orders), environment: eventsTable }),
    )
    const inventory = deciding(
      new Consumer(this, 'Inventory', {
        ...defined(CONSUMERS.inventory),
        tables: { [TABLE_ENVIRONMENT.inventory]: this.readModels.inventory },
        environment: eventsTable,
      }),
    )
    const payments = deciding(
      new Consumer(this, 'Payments', {
        ...defined(CONSUMERS.payments),
        tables: { [TABLE_ENVIRONMENT.payments]: this.readModels.payments },
        environment: eventsTable,
      }),
    )
    const notifications = new Consumer(this, 'Notifications', {
      ...defined(CONSUMERS.notifications),
      ...batched,
      tables: { [TABLE_ENVIRONMENT.notifications]: this.readModels.notifications },
    })
    const projections = new Consumer(this, 'Projections', {
      ...defined(CONSUMERS.projections),
      ...batched,
      tables: { [TABLE_ENVIRONMENT.readModel]: this.readModels.orders },
      // Projects each order's stream (the orders service writes it) into the read model.
      environment: eventsTable,
    })
    this.eventStore.grantReadStreams(projections.function)
    this.consumers = [orders, inventory, payments, notifications, projections]
    this.unroutable = new UnroutableEvents(this, 'Unroutable', {
      bus: this.bus,
      selected: this.consumers.flatMap((c) => c.eventSelectors),
    })

    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      keyRemovalPolicy: removalPolicy,
    })
    for (const consumer of this.consumers) this.monitoring.monitorConsumer(consumer)
    this.monitoring.monitorEventStore(this.eventStore)
    this.monitoring.monitorUnroutable(this.unroutable)
    // Last, once every function exists.
    if (props.otlp) exportTracesOverOtlp(this, props.otlp)

    this.addOutputs()
  }

  private addOutputs(): void {
    const output = (key: string, value: string, description: string) => {
      const cfnOutput = new CfnOutput(this, key, { value, description })
      cfnOutput.overrideLogicalId(key)
    }
    output(OUTPUT_KEYS.eventTopicArn, this.bus.topicArn, 'ARN of the event bus topic')
    output(
      OUTPUT_KEYS.consumerNames,
      this.consumers.map((c) => c.consumerName).join(','),
      'Consumer names, comma-separated',
    )
    output(OUTPUT_KEYS.idempotencyTableName, this.idempotency.table.tableName, 'Idempotency table')
    output(OUTPUT_KEYS.eventsTableName, this.eventStore.eventsTable.tableName, 'Events table')
    output(
      OUTPUT_KEYS.snapshotsTableName,
      this.eventStore.snapshotsTable.tableName,
      'Snapshots table',
    )
    output(OUTPUT_KEYS.inventoryTableName, this.readModels.inventory.tableName, 'Inventory table')
    output(OUTPUT_KEYS.paymentsTableName, this.readModels.payments.tableName, 'Payments table')
    output(
      OUTPUT_KEYS.notificationsTableName,
      this.readModels.notifications.tableName,
      'Notifications table',
    )
    output(OUTPUT_KEYS.ordersTableName, this.readModels.orders.tableName, 'Orders read-model table')
    output(
      OUTPUT_KEYS.outboxPublisherFunctionName,
      this.eventStore.publisher.function.functionName,
      'Outbox publisher function',
    )
    output(
      OUTPUT_KEYS.outboxFailureQueueUrl,
      this.eventStore.failureQueue.queueUrl,
      'Records the outbox publisher gave up on',
    )
    output(
      OUTPUT_KEYS.unroutableQueueUrl,
      this.unroutable.queue.queueUrl,
      'Events no consumer selects (pipeline dlq show unroutable)',
    )
    output(OUTPUT_KEYS.dashboardName, this.monitoring.dashboardName, 'CloudWatch dashboard')
    output(
      OUTPUT_KEYS.alarmTopicArn,
      this.monitoring.alarmTopic.topicArn,
      'Topic every alarm notifies',
    )

    for (const consumer of this.consumers) {
      const values: Record<ConsumerOutputField, string> = {
        queueUrl: consumer.queue.queueUrl,
        queueArn: consumer.queue.queueArn,
        queueName: consumer.queue.queueName,
        deadLetterQueueUrl: consumer.deadLetterQueue.queueUrl,
        deadLetterQueueArn: consumer.deadLetterQueue.queueArn,
        deadLetterQueueName: consumer.deadLetterQueue.queueName,
        deliveryDeadLetterQueueUrl: consumer.deliveryDeadLetterQueue.queueUrl,
        functionName: consumer.function.function.functionName,
      }
      for (const field of Object.keys(CONSUMER_OUTPUT_FIELDS) as ConsumerOutputField[]) {
        output(
          consumerOutputKey(consumer.consumerName, field),
          values[field],
          `${consumer.consumerName}: ${field}`,
        )
      }
    }
  }
}
