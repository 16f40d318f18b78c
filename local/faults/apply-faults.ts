import { type InjectedError, injectedError } from './fault-errors.ts'
import type { FaultInjector } from './fault-injector.ts'
import type { FaultService } from './fault-rules.ts'

/** An AWS error injected instead of serving a request; each transport writes it in its wire format. */
export class InjectedFault extends Error {
  override name = 'InjectedFault'
  readonly error: InjectedError
  constructor(error: InjectedError) {
    super(error.message)
    this.error = error
  }
}

/** Thrown after an operation took effect, when its reply is to be lost: the transport drops it. */
export class LostReply extends Error {
  override name = 'LostReply'
  constructor(service: FaultService, operation: string) {
    super(`fault injection: the reply to ${service} ${operation} was dropped after it took effect`)
  }
}

/**
 * A request that carries this header (any value) is served as if no fault were injected,
 * and is not counted: for an observer whose reads must not be perturbed by the faults it
 * measures (the chaos run's reconciliation). A lost ReceiveMessage reply, for one, hides
 * the messages it took for their visibility timeout, and the observer would report those
 * events as lost. AWS has no such header and nothing in the pipeline sends it.
 */
export const faultFreeHeader = 'x-embedded-aws-fault-free'

/** The injector for one request: none when the request asks to be fault-free ({@link faultFreeHeader}). */
export function faultsFor(
  faults: FaultInjector | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): FaultInjector | undefined {
  return headers[faultFreeHeader] === undefined ? faults : undefined
}

/**
 * Runs one operation under fault injection: waits the added latency, then throws the
 * injected error instead of running it, or runs it and throws `LostReply` instead of
 * returning. With no fault decided it only runs it.
 */
export async function withFaults<T>(
  faults: FaultInjector | undefined,
  service: FaultService,
  operation: string,
  request: unknown,
  run: () => Promise<T>,
): Promise<T> {
  const decision = faults?.decide(service, operation)
  if (!decision) return run()
  if (decision.latencyMs > 0) await sleep(decision.latencyMs)
  if (decision.error) {
    throw new InjectedFault(injectedError(service, operation, decision.error, request))
  }
  const result = await run()
  if (decision.lostReply) throw new LostReply(service, operation)
  return result
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
