import type { OrderStatus } from './order-state.ts'

/** The base of every error of the order domain. */
export class OrderError extends Error {
  override name = 'OrderError'
}

/** A command the order's current status does not allow, e.g. cancelling a cancelled order. */
export class IllegalOrderStateError extends OrderError {
  override name = 'IllegalOrderStateError'
  readonly orderId: string
  readonly command: string
  readonly status: OrderStatus
  constructor(
    orderId: string,
    command: string,
    status: OrderStatus,
    allowed: readonly OrderStatus[],
  ) {
    super(
      `order ${orderId} is ${status === 'none' ? 'not placed' : status}: ${command} needs it ${allowed.join(' or ')}`,
    )
    this.orderId = orderId
    this.command = command
    this.status = status
  }
}

/** A command whose data is wrong whatever the state; `problems` names each. */
export class InvalidOrderCommandError extends OrderError {
  override name = 'InvalidOrderCommandError'
  readonly problems: readonly string[]
  constructor(command: string, problems: readonly string[], options?: ErrorOptions) {
    super(`${command} is invalid: ${problems.join('; ')}`, options)
    this.problems = problems
  }
}

/**
 * A read model asked to apply a stream version that does not follow the one it holds: an
 * event in between has not reached it. Retry later; never skip.
 */
export class ProjectionGapError extends OrderError {
  override name = 'ProjectionGapError'
  readonly streamId: string
  readonly projectedVersion: number
  readonly receivedVersion: number
  constructor(streamId: string, projectedVersion: number, receivedVersion: number) {
    super(
      `stream ${streamId}: the read model is at version ${projectedVersion} and got version ${receivedVersion}; versions ${projectedVersion + 1} to ${receivedVersion - 1} are missing`,
    )
    this.streamId = streamId
    this.projectedVersion = projectedVersion
    this.receivedVersion = receivedVersion
  }
}
