import {
  type CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
} from '@aws-sdk/client-cloudwatch'

/** A query for a queue's ApproximateAgeOfOldestMessage: the maximum over 5 minutes. */
export function oldestMessageAgeQuery(id: string, queueName: string): MetricDataQuery {
  return {
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: queueName }],
      },
      Period: 300,
      Stat: 'Maximum',
    },
  }
}

/**
 * The latest value of each query over the last `windowMs`, by query id; a query with no
 * data is absent. Throws what CloudWatch throws (callers decide whether figures matter).
 */
export async function latestMetricValues(
  cloudwatch: CloudWatchClient,
  queries: MetricDataQuery[],
  windowMs: number,
): Promise<Map<string, number>> {
  const now = new Date()
  const { MetricDataResults = [] } = await cloudwatch.send(
    new GetMetricDataCommand({
      MetricDataQueries: queries,
      StartTime: new Date(now.getTime() - windowMs),
      EndTime: now,
    }),
  )
  const values = new Map<string, number>()
  for (const result of MetricDataResults) {
    const latest = result.Values?.[0]
    if (result.Id && latest !== undefined) values.set(result.Id, latest)
  }
  return values
}
