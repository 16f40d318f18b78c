import {
  DescribeStackResourcesCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
} from '@aws-sdk/client-cloudformation'
import type { MetricDataQuery } from '@aws-sdk/client-cloudwatch'
import type { ConsumerResources, PipelineResources } from '../../contracts/outputs.ts'
import {
  METRIC_DIMENSIONS,
  METRICS_NAMESPACE,
  RUNTIME_METRICS,
} from '../../contracts/runtime-metrics.ts'
import { CliError } from '../cli-error.ts'
import { deployCommand, type Target } from '../target.ts'
import { AwsApiReader } from './aws-api-reader.ts'
import { latestMetricValues, oldestMessageAgeQuery } from './cloudwatch-figures.ts'
import type { ConsumerFigures, StackTemplate } from './pipeline-reader.ts'

/**
 * A deployed pipeline (LocalStack or AWS): its resources from CloudFormation's stack
 * outputs, its figures from CloudWatch.
 */
export class CloudPipelineReader extends AwsApiReader {
  async resources(): Promise<PipelineResources> {
    const { stackName } = this.target
    const { Stacks = [] } = await this.target.clients.cloudformation
      .send(new DescribeStacksCommand({ StackName: stackName }))
      .catch((error: unknown) => {
        if (
          (error as Error).name === 'ValidationError' &&
          /does not exist/.test((error as Error).message)
        ) {
          throw notDeployed(this.target, stackName)
        }
        throw error
      })
    const stack = Stacks[0]
    if (!stack || stack.StackStatus === 'DELETE_COMPLETE') throw notDeployed(this.target, stackName)
    if (/_IN_PROGRESS$/.test(stack.StackStatus ?? '') && !stack.Outputs?.length) {
      throw new CliError(
        `stack ${stackName} is ${stack.StackStatus} on ${this.target.name}: wait for the deployment to finish`,
      )
    }
    return this.pipelineOf(
      Object.fromEntries(
        (stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']),
      ),
    )
  }

  /**
   * The queue's ApproximateAgeOfOldestMessage and the consumer runtime's EMF metrics
   * (`processed`, `duplicate`, `deadLettered`, `retried`, and `eventAge` for the age of the
   * processed records' events), the latest of each over
   * the last hour. Null where CloudWatch has no data, or where there is no CloudWatch
   * (LocalStack without it): the queue counts still stand.
   */
  async consumerFigures(consumers: readonly ConsumerResources[]): Promise<ConsumerFigures[]> {
    const queries: MetricDataQuery[] = consumers.flatMap((c, i) => {
      const runtime = (metric: string, stat: string, id: string): MetricDataQuery => ({
        Id: `${id}${i}`,
        MetricStat: {
          Metric: {
            Namespace: METRICS_NAMESPACE,
            MetricName: metric,
            Dimensions: [
              { Name: METRIC_DIMENSIONS.service, Value: c.name },
              { Name: METRIC_DIMENSIONS.consumer, Value: c.name },
            ],
          },
          Period: 3600,
          Stat: stat,
        },
      })
      return [
        oldestMessageAgeQuery(`age${i}`, c.queueName),
        runtime(RUNTIME_METRICS.processed, 'Sum', 'processed'),
        runtime(RUNTIME_METRICS.duplicate, 'Sum', 'duplicates'),
        runtime(RUNTIME_METRICS.deadLettered, 'Sum', 'deadLettered'),
        runtime(RUNTIME_METRICS.retried, 'Sum', 'retried'),
        runtime(RUNTIME_METRICS.eventAge, 'p50', 'p50'),
        runtime(RUNTIME_METRICS.eventAge, 'p99', 'p99'),
      ]
    })
    const values = await latestMetricValues(
      this.target.clients.cloudwatch,
      queries,
      3_600_000,
    ).catch(() => new Map<string, number>())
    const read = (id: string) => values.get(id) ?? null
    return consumers.map((_, i) => ({
      oldestAgeSeconds: read(`age${i}`),
      processed: read(`processed${i}`),
      duplicates: read(`duplicates${i}`),
      deadLetteredRecords: read(`deadLettered${i}`),
      retried: read(`retried${i}`),
      latencyP50Ms: read(`p50${i}`),
      latencyP99Ms: read(`p99${i}`),
    }))
  }

  /** The deployed template (CDK writes JSON) and each resource's physical id. */
  async stackTemplate(): Promise<StackTemplate> {
    const { cloudformation } = this.target.clients
    const StackName = this.target.stackName
    const [{ TemplateBody = '{}' }, { StackResources = [] }] = await Promise.all([
      cloudformation.send(new GetTemplateCommand({ StackName })),
      cloudformation.send(new DescribeStackResourcesCommand({ StackName })),
    ])
    const template = JSON.parse(TemplateBody) as {
      Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>
    }
    const physicalIds = new Map(
      StackResources.map((r) => [r.LogicalResourceId, r.PhysicalResourceId]),
    )
    return {
      resources: Object.fromEntries(
        Object.entries(template.Resources ?? {}).map(([id, r]) => [
          id,
          {
            type: r.Type,
            properties: r.Properties ?? {},
            ...(physicalIds.get(id) ? { physicalId: physicalIds.get(id) } : {}),
          },
        ]),
      ),
    }
  }

  /** Spans go to the OTLP collector the functions are configured with: none here. */
  async spans(): Promise<null> {
    return null
  }

  /** CloudWatch's ApproximateAgeOfOldestMessage over the last 5 minutes. */
  async oldestMessageAges(queueNames: readonly string[]): Promise<Map<string, number>> {
    const ages = new Map<string, number>()
    const values = await latestMetricValues(
      this.target.clients.cloudwatch,
      queueNames.map((name, i) => oldestMessageAgeQuery(`age${i}`, name)),
      300_000,
    ).catch(() => new Map<string, number>())
    queueNames.forEach((name, i) => {
      const age = values.get(`age${i}`)
      if (age !== undefined) ages.set(name, age)
    })
    return ages
  }
}

function notDeployed(target: Target, stackName: string): CliError {
  const deploy = deployCommand(target.name, target.stage)
  return new CliError(
    `stack ${stackName} is not deployed on ${target.name} in ${target.region}${target.endpoint ? ` at ${target.endpoint}` : ''}: deploy it with \`${deploy}\`${target.stage === undefined ? ', or pass the --stage it was deployed as' : ''}`,
  )
}
