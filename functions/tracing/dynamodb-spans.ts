import type { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { context, SpanKind, trace } from '@opentelemetry/api'
import { endWithError, tracer } from './messaging-spans.ts'
import { tracingOn } from './start-tracing.ts'

/** The tables a DynamoDB request names, for `aws.dynamodb.table_names`. */
function tableNames(input: Record<string, unknown>): string[] {
  const names = new Set<string>()
  if (typeof input.TableName === 'string') names.add(input.TableName)
  for (const key of Object.keys((input.RequestItems as object | undefined) ?? {})) names.add(key)
  for (const item of (input.TransactItems as
    | Record<string, { TableName?: string }>[]
    | undefined) ?? []) {
    for (const op of Object.values(item)) if (op?.TableName) names.add(op.TableName)
  }
  return [...names]
}

/**
 * Gives every request of the client a client span (`DynamoDB.<Operation>`, the AWS SDK
 * semantic conventions), a child of the active span: the idempotency writes and the
 * handlers' transactions show in the trace of the record they are for. Nothing is added
 * when tracing is off.
 */
export function traceDynamoDb<T extends Pick<DynamoDBClient, 'middlewareStack'>>(client: T): T {
  if (!tracingOn()) return client
  client.middlewareStack.add(
    (next, handlerContext) => async (args) => {
      const parent = context.active()
      if (!trace.getSpanContext(parent)) return next(args)
      const operation = handlerContext.commandName?.replace(/Command$/, '') ?? 'Request'
      const span = tracer().startSpan(
        `DynamoDB.${operation}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'rpc.system': 'aws-api',
            'rpc.service': 'DynamoDB',
            'rpc.method': operation,
            'aws.dynamodb.table_names': tableNames(args.input as Record<string, unknown>),
          },
        },
        parent,
      )
      try {
        const result = await next(args)
        span.end()
        return result
      } catch (error) {
        endWithError(span, error)
        throw error
      }
    },
    { step: 'initialize', name: 'eventPipelineTracing', override: true },
  )
  return client
}
