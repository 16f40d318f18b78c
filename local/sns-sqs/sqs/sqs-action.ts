import type { FauxqsQueue, FauxqsSqsStore } from './fauxqs-sqs.ts'

/** What a request brings besides its input: the headers fauxqs reads (Host, credential scope). */
export interface SqsRequestContext {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/** fauxqs's handler for an action: `(input, store, request) => output`. */
export type FauxqsAction = (
  input: Record<string, unknown>,
  store: FauxqsSqsStore,
  request: SqsRequestContext,
) => unknown

/** What one of our actions works with. */
export interface SqsActionContext {
  readonly store: FauxqsSqsStore
  readonly request: SqsRequestContext
  /** Runs fauxqs's own handler of this action (on a view of the store, if given). */
  fauxqs(input: Record<string, unknown>, store?: FauxqsSqsStore): Promise<Record<string, unknown>>
  /** The queue a QueueUrl names, or QueueDoesNotExist. */
  queue(input: Record<string, unknown>): FauxqsQueue
  /** State our actions keep beside fauxqs's (purge times). */
  readonly state: SqsLayerState
}

export interface SqsLayerState {
  /** Queue URL → when its last PurgeQueue ran (ms). */
  readonly purgedAt: Map<string, number>
}

/** One SQS action of ours: AWS's rules for it, then fauxqs's handler, then what fauxqs gets wrong. */
export type SqsAction = (
  input: Record<string, unknown>,
  context: SqsActionContext,
) => Promise<Record<string, unknown>>
