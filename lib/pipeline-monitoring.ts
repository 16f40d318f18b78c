import { ArnFormat, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib'
import {
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch'
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam'
import { Key } from 'aws-cdk-lib/aws-kms'
import type { IFunction } from 'aws-cdk-lib/aws-lambda'
import { Topic } from 'aws-cdk-lib/aws-sns'
import {
  DashboardRenderingPreference,
  DefaultDashboardFactory,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs'
import { Construct } from 'constructs'
import {
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  RUNTIME_METRICS,
} from '../contracts/runtime-metrics.ts'
import type { Consumer } from './consumer.ts'
import type { EventStore } from './event-store.ts'
import { physicalName } from './physical-name.ts'
import type { UnroutableEvents } from './unroutable-events.ts'
import { isBelow, outOfRange, validateProps } from './validation.ts'

/** CloudWatch's longest dashboard name. */
const MAX_DASHBOARD_NAME_LENGTH = 255

/** Props of {@link PipelineMonitoring}. */
export interface PipelineMonitoringProps {
  /**
   * The dashboard's name (CloudWatch allows 1 to 255 of A-Z, a-z, 0-9, `-` and `_`).
   * @default - `<stack name>-pipeline-<region>`: dashboards are named per account, not per
   * region, so the region is part of it (see `physicalName`)
   */
  readonly dashboardName?: string
  /**
   * Alarm when a queue's oldest message, or the oldest record the outbox publisher has yet
   * to publish from the events table's stream (its mapping's iterator age), is older than this.
   * @default Duration.minutes(5)
   */
  readonly maxMessageAge?: Duration
  /**
   * Alarm when more than this percentage of a function's invocations fail (0 to 100).
   * @default 5
   */
  readonly maxErrorRatePercent?: number
  /**
   * Consecutive 1-minute periods a condition must hold before its alarm fires (1 to 60).
   * @default 3
   */
  readonly evaluationPeriods?: number
  /**
   * What happens to the alarm topic's KMS key when it leaves the stack. A deleted key is
   * kept pending deletion for 30 days (CDK's default pending window) before it is gone.
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy
}

/** Alarm as soon as one message is on a queue that should stay empty (a dead-letter queue). */
const NOT_EMPTY = { Critical: { maxMessageCount: 0, datapointsToAlarm: 1, evaluationPeriods: 1 } }

/**
 * The pipeline's dashboard and alarms, built with cdk-monitoring-constructs. Per consumer:
 * visible messages, age of oldest message, messages in flight, DLQ size; the function's
 * errors, throttles and duration p50/p90/p99; the runtime's EMF metrics. Alarms (all sent to
 * {@link alarmTopic}, whose policy lets this account's CloudWatch alarms publish): the DLQ or
 * the subscription's delivery DLQ is not empty, the oldest message is older than
 * `maxMessageAge`, the error rate is over `maxErrorRatePercent`; for the outbox publisher,
 * its failure queue is not empty, its iterator age is over `maxMessageAge`, its error rate.
 *
 * cdk-monitoring-constructs serves all of it: `monitorSqsQueueWithDlq` and
 * `monitorLambdaFunction` give the queue, DLQ and function widgets and the DLQ and age
 * alarms; `monitorCustom` adds what they lack: messages in flight, the error rate as a
 * percentage of invocations (its Lambda "fault rate" is faults per second, which does not
 * scale with traffic) and the runtime's metrics.
 */
export class PipelineMonitoring extends Construct {
  /** The topic every alarm notifies, encrypted with a key CloudWatch may use. */
  readonly alarmTopic: Topic
  /** The facade; add more monitoring to it with its `monitorX` methods. */
  readonly facade: MonitoringFacade
  /** The dashboard's name. */
  readonly dashboardName: string
  private readonly maxMessageAge: Duration
  private readonly maxErrorRatePercent: number
  private readonly evaluationPeriods: number

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps = {}) {
    super(scope, id)
    this.dashboardName =
      props.dashboardName ??
      physicalName(this, 'pipeline', { maxLength: MAX_DASHBOARD_NAME_LENGTH, accountWide: true })
    this.maxMessageAge = props.maxMessageAge ?? Duration.minutes(5)
    this.maxErrorRatePercent = props.maxErrorRatePercent ?? 5
    this.evaluationPeriods = props.evaluationPeriods ?? 3
    validateProps(this, [
      {
        failed:
          !Token.isUnresolved(this.dashboardName) &&
          !/^[A-Za-z0-9_-]{1,255}$/.test(this.dashboardName),
        message: `dashboardName must be 1 to 255 of A-Z, a-z, 0-9, - and _ (got '${this.dashboardName}')`,
      },
      {
        failed: isBelow(this.maxMessageAge.toSeconds(), 60),
        message: `maxMessageAge must be at least 1 minute, SQS's metric resolution (got ${this.maxMessageAge.toHumanString()})`,
      },
      {
        failed: isBelow(this.maxErrorRatePercent, 0) || isBelow(100, this.maxErrorRatePercent),
        message: `maxErrorRatePercent must be from 0 to 100 (got ${this.maxErrorRatePercent})`,
      },
      {
        failed: outOfRange(this.evaluationPeriods, 1, 60),
        message: `evaluationPeriods must be an integer from 1 to 60 (got ${this.evaluationPeriods})`,
      },
    ])

    const key = new Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: `Encrypts the alarm topic ${this.node.path}`,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    })
    // CloudWatch publishes alarm notifications to the encrypted topic with this key.
    key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    )
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'Event pipeline alarms',
    })
    // enforceSSL gives the topic a policy of its own, which replaces SNS's default one; a
    // service principal is then refused unless allowed here, and CloudWatch publishes alarm
    // notifications as cloudwatch.amazonaws.com. Only this account's alarms may.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    )

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        // Alarm names are regional; the stack's name carries the stage (contracts/stage.ts).
        alarmNamePrefix: Stack.of(this).stackName,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.alarmTopic }),
        datapointsToAlarm: this.evaluationPeriods,
        evaluationPeriods: this.evaluationPeriods,
      },
      metricFactoryDefaults: { period: Duration.minutes(1) },
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', {
        dashboardNamePrefix: this.dashboardName,
        createDashboard: true,
        createSummaryDashboard: false,
        createAlarmDashboard: false,
        renderingPreference: DashboardRenderingPreference.INTERACTIVE_ONLY,
      }),
    })
  }

  /** Adds a consumer's queue, DLQ, function and runtime metrics to the dashboard, with alarms. */
  monitorConsumer(consumer: Consumer): this {
    const name = consumer.consumerName
    const fn = consumer.function.function
    this.facade
      .addLargeHeader(`Consumer: ${name}`)
      .monitorSqsQueueWithDlq({
        queue: consumer.queue,
        deadLetterQueue: consumer.deadLetterQueue,
        alarmFriendlyName: `${name}-queue`,
        humanReadableName: `${name} queue`,
        addQueueMaxMessageAgeAlarm: {
          Warning: { maxAgeInSeconds: this.maxMessageAge.toSeconds() },
        },
        // The DLQ is not empty: one dead-lettered message is worth a look.
        addDeadLetterQueueMaxSizeAlarm: NOT_EMPTY,
      })
      .monitorSqsQueue({
        queue: consumer.deliveryDeadLetterQueue,
        alarmFriendlyName: `${name}-delivery-dlq`,
        humanReadableName: `${name} delivery DLQ (what SNS could not deliver to the queue)`,
        addQueueMaxSizeAlarm: NOT_EMPTY,
      })
      .monitorCustom({
        alarmFriendlyName: `${name}-flow`,
        humanReadableName: `${name}: in flight and error rate`,
        metricGroups: [
          {
            title: 'Messages in flight',
            metrics: [
              consumer.queue.metricApproximateNumberOfMessagesNotVisible({
                label: 'In flight',
                statistic: 'Maximum',
                period: Duration.minutes(1),
              }),
            ],
          },
          this.errorRateGroup(`${name}-error-rate`, fn),
        ],
      })
      .monitorLambdaFunction({
        lambdaFunction: fn,
        alarmFriendlyName: `${name}-function`,
        humanReadableName: `${name} function`,
      })
      .monitorCustom({
        alarmFriendlyName: `${name}-runtime`,
        humanReadableName: `${name}: runtime metrics (EMF)`,
        metricGroups: [
          {
            title: 'Records',
            metrics: (
              ['processed', 'failed', 'retried', 'deadLettered', 'duplicate', 'ignored'] as const
            ).map((metric) => this.runtimeMetric(name, RUNTIME_METRICS[metric], 'Sum')),
          },
          {
            title: 'Processing latency (ms)',
            metrics: [
              this.runtimeMetric(name, RUNTIME_METRICS.processingLatency, 'p50'),
              this.runtimeMetric(name, RUNTIME_METRICS.processingLatency, 'p99'),
            ],
          },
          {
            title: 'Event age when processed (ms)',
            metrics: [
              this.runtimeMetric(name, RUNTIME_METRICS.eventAge, 'p50'),
              this.runtimeMetric(name, RUNTIME_METRICS.eventAge, 'p99'),
            ],
          },
        ],
      })
    return this
  }

  /** Adds the outbox publisher's function, its failure queue and an alarm on that queue. */
  monitorEventStore(store: EventStore): this {
    const fn = store.publisher.function
    this.facade
      .addLargeHeader('Outbox publisher')
      .monitorLambdaFunction({
        lambdaFunction: fn,
        alarmFriendlyName: 'outbox-publisher',
        humanReadableName: 'outbox publisher',
        isIterator: true,
        // Stored events not yet on the bus: the outbox's backlog.
        addMaxIteratorAgeAlarm: {
          Warning: { maxAgeInMillis: this.maxMessageAge.toMilliseconds() },
        },
      })
      .monitorSqsQueue({
        queue: store.failureQueue,
        alarmFriendlyName: 'outbox-failures',
        humanReadableName: 'outbox publisher failures',
        addQueueMaxSizeAlarm: NOT_EMPTY,
      })
      .monitorCustom({
        alarmFriendlyName: 'outbox-publisher-flow',
        humanReadableName: 'outbox publisher: error rate',
        metricGroups: [this.errorRateGroup('outbox-publisher-error-rate', fn)],
      })
    return this
  }

  /** Adds the queue of events no consumer selects, with an alarm as soon as it holds one. */
  monitorUnroutable(unroutable: UnroutableEvents): this {
    this.facade.addLargeHeader('Unroutable events').monitorSqsQueue({
      queue: unroutable.queue,
      alarmFriendlyName: 'unroutable-events',
      humanReadableName: 'events no consumer selects (pipeline dlq show unroutable)',
      addQueueMaxSizeAlarm: NOT_EMPTY,
    })
    return this
  }

  /** A function's error rate graphed, with a critical alarm over `maxErrorRatePercent`. */
  private errorRateGroup(alarmFriendlyName: string, fn: IFunction) {
    return {
      title: 'Error rate (% of invocations)',
      metrics: [
        {
          alarmFriendlyName,
          metric: this.errorRatePercent(fn.metricErrors(), fn.metricInvocations()),
          addAlarm: {
            Critical: {
              threshold: this.maxErrorRatePercent,
              comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
              treatMissingDataOverride: TreatMissingData.NOT_BREACHING,
            },
          },
        },
      ],
    }
  }

  private errorRatePercent(errors: Metric, invocations: Metric): MathExpression {
    return new MathExpression({
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: {
        errors: errors.with({ statistic: 'Sum', period: Duration.minutes(1) }),
        invocations: invocations.with({ statistic: 'Sum', period: Duration.minutes(1) }),
      },
      label: 'Error rate (%)',
      period: Duration.minutes(1),
    })
  }

  private runtimeMetric(consumerName: string, metricName: string, statistic: string): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      // Powertools emits `service` (POWERTOOLS_SERVICE_NAME) and the runtime's default
      // dimension `consumer` as one set; a graph naming only one of them finds no data.
      dimensionsMap: {
        [METRIC_DIMENSIONS.service]: consumerName,
        [METRIC_DIMENSIONS.consumer]: consumerName,
      },
      statistic,
      period: Duration.minutes(1),
      label: `${metricName} ${statistic}`,
    })
  }
}
