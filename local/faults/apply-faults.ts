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
