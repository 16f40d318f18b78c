import { faultsFor, withFaults } from '../../faults/apply-faults.ts'
import type { FaultInjector } from '../../faults/fault-injector.ts'
import { sqsActions } from './actions/index.ts'
import type { FauxqsSqsStore } from './fauxqs-sqs.ts'
import type {
  FauxqsAction,
  SqsAction,
  SqsActionContext,
  SqsLayerState,
  SqsRequestContext,
} from './sqs-action.ts'
import { SqsError, toSqsError } from './sqs-error.ts'

/**
 * The embedded SQS at the action level: `call(action, input)` is what the JSON protocol, the
 * Query protocol and any in-process caller run. Each action with rules of its own lives in
 * actions/ (one file an action, each rule citing the AWS page it comes from); the others go
 * to fauxqs as they are. Every error leaves as an SqsError in AWS's terms. Faults
 * (local/faults/) are injected here, per action, before the action runs.
 */
export function createSqsLayer(
  store: FauxqsSqsStore,
  fauxqs: Readonly<Record<string, FauxqsAction>>,
  faults?: FaultInjector,
  /** `rules: false` sends every action straight to fauxqs (to measure what ours cost). */
  { rules = true }: { rules?: boolean } = {},
) {
  const actions: Readonly<Record<string, SqsAction>> = rules ? sqsActions : {}
  const state: SqsLayerState = { purgedAt: new Map() }
  return {
    async call(
      action: string,
      input: Record<string, unknown>,
      request: SqsRequestContext = { headers: {} },
    ): Promise<Record<string, unknown>> {
      const handler = Object.hasOwn(fauxqs, action) ? fauxqs[action] : undefined
      const ours = Object.hasOwn(actions, action) ? actions[action] : undefined
      if (!handler && !ours) throw new SqsError('InvalidAction', `Unknown action: ${action}`)
      const context: SqsActionContext = {
        store,
        request,
        state,
        fauxqs: async (input, view = store) => {
          if (!handler) throw new SqsError('InvalidAction', `Unknown action: ${action}`)
          return ((await handler(input, view, request)) ?? {}) as Record<string, unknown>
        },
        queue: (input) => {
          const queue =
            typeof input.QueueUrl === 'string' ? store.getQueue(input.QueueUrl) : undefined
          if (!queue) throw new SqsError('QueueDoesNotExist', 'The specified queue does not exist.')
          return queue
        },
      }
      // Injected faults (InjectedFault, LostReply) pass through for each protocol to write.
      return withFaults(faultsFor(faults, request.headers), 'sqs', action, input, async () => {
        try {
          return ours ? await ours(input, context) : await context.fauxqs(input)
        } catch (error) {
          throw toSqsError(error)
        }
      })
    },
  }
}

export type SqsLayer = ReturnType<typeof createSqsLayer>
