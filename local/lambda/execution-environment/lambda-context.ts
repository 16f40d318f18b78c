import type { Context } from 'aws-lambda'

/** What the host tells an execution environment about one invocation. */
export interface InvocationContextData {
  readonly awsRequestId: string
  /** Epoch ms at which the function times out. */
  readonly deadlineMs: number
  readonly functionName: string
  readonly functionArn: string
  readonly memorySizeMb: number
  readonly logStreamName: string
}

/** The `context` argument Lambda's Node.js runtime gives a handler. */
export function createLambdaContext(data: InvocationContextData): Context {
  const unsupported = (name: string) => () => {
    throw new Error(
      `context.${name}() is the callback-style API, which the nodejs24.x runtime does not have; return a value or a promise instead`,
    )
  }
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: data.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: data.functionArn,
    memoryLimitInMB: String(data.memorySizeMb),
    awsRequestId: data.awsRequestId,
    logGroupName: `/aws/lambda/${data.functionName}`,
    logStreamName: data.logStreamName,
    getRemainingTimeInMillis: () => Math.max(0, data.deadlineMs - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  }
}
