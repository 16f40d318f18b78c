/** The base of every error of the payments domain. */
export class PaymentError extends Error {
  override name = 'PaymentError'
}

/** A payment command whose data is wrong (for its order); `problems` names each. */
export class InvalidPaymentCommandError extends PaymentError {
  override name = 'InvalidPaymentCommandError'
  readonly problems: readonly string[]
  constructor(command: string, problems: readonly string[], options?: ErrorOptions) {
    super(`${command} is invalid: ${problems.join('; ')}`, options)
    this.problems = problems
  }
}
