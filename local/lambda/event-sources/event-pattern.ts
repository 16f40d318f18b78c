import { filterPolicyMatches } from '../../sns-sqs/filter-policy.ts'

/**
 * Whether an event matches a pattern of Lambda's `FilterCriteria`. That is EventBridge's
 * pattern language, which SNS body filter policies also speak
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html), so one
 * evaluator serves both: local/sns-sqs/filter-policy.ts. What follows from AWS's rules:
 * numbers match numbers only, so `numeric` never matches a DynamoDB stream record's `N`
 * value (a string there: `{"N": "5"}`).
 */
export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return filterPolicyMatches(pattern, 'MessageBody', { attributes: {}, body: event }) === true
}

/**
 * The document Lambda filters an SQS record on: the record, with `body` parsed when it
 * is JSON (a body that is not JSON can only be matched as a plain string).
 */
export function sqsFilterDocument(record: { body: string }): unknown {
  try {
    return { ...record, body: JSON.parse(record.body) }
  } catch {
    return record
  }
}
