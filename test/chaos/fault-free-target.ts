import type { SQSClient } from '@aws-sdk/client-sqs'
import { resolveTarget, type Target } from '../../cli/target.ts'
import { faultFreeHeader } from '../../local/faults/apply-faults.ts'

/**
 * The embedded AWS at `endpoint` as a target whose every request carries
 * {@link faultFreeHeader}, so that `--faults` leaves it alone: what an observer reads with
 * it is the pipeline's state, not what the injected faults made of the read. Ten attempts
 * a request, for the moments the pipeline is down (the kill).
 */
export function faultFreeTarget(endpoint: string): Target {
  const target = resolveTarget({ target: 'embedded', endpoint, maxAttempts: 10 })
  const { clients } = target
  // The document client shares the DynamoDB client's stack. A build step is the same for
  // every client, whatever its input and output types.
  const stacks = [
    clients.sqs,
    clients.sns,
    clients.dynamodb,
    clients.cloudformation,
    clients.cloudwatch,
  ].map((client) => client.middlewareStack as unknown as SQSClient['middlewareStack'])
  for (const stack of stacks) {
    stack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> }
        if (request.headers) request.headers[faultFreeHeader] = '1'
        return next(args)
      },
      { step: 'build', name: 'faultFree' },
    )
  }
  return target
}
