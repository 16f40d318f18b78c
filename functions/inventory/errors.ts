/** The base of every error of the inventory domain. */
export class InventoryError extends Error {
  override name = 'InventoryError'
}

/** A stock command whose data is wrong whatever the state; `problems` names each. */
export class InvalidStockCommandError extends InventoryError {
  override name = 'InvalidStockCommandError'
  readonly problems: readonly string[]
  constructor(command: string, problems: readonly string[], options?: ErrorOptions) {
    super(`${command} is invalid: ${problems.join('; ')}`, options)
    this.problems = problems
  }
}
