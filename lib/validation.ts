import { Token } from 'aws-cdk-lib'
import type { IConstruct } from 'constructs'

/** One rule of a construct's props: `failed` is true when the props break it. */
export interface ValidationRule {
  /** True when the props are invalid. Evaluate to false when a value is an unresolved token. */
  readonly failed: boolean
  /** What is wrong and what to change, naming the value received. */
  readonly message: string
}

/** The error a construct throws when its props break one or more rules. */
export class InvalidPropsError extends Error {
  /** Every broken rule's message, in rule order. */
  readonly failures: readonly string[]

  constructor(construct: IConstruct, failures: readonly string[]) {
    super(
      `${construct.node.path}: invalid props:\n${failures.map((failure) => `  - ${failure}`).join('\n')}`,
    )
    this.name = 'InvalidPropsError'
    this.failures = failures
  }
}

/**
 * Checks every rule and throws one error that lists all broken rules, so a user sees
 * everything to change at once.
 */
export function validateProps(construct: IConstruct, rules: readonly ValidationRule[]): void {
  const failures = rules.filter((rule) => rule.failed).map((rule) => rule.message)
  if (failures.length > 0) throw new InvalidPropsError(construct, failures)
}

/** True when the number is a concrete value (not a token) outside [min, max]. */
export function outOfRange(value: number | undefined, min: number, max: number): boolean {
  if (value === undefined || Token.isUnresolved(value)) return false
  return !Number.isInteger(value) || value < min || value > max
}

/** True when both numbers are concrete and `value` is below `floor`. */
export function isBelow(value: number | undefined, floor: number | undefined): boolean {
  if (value === undefined || floor === undefined) return false
  if (Token.isUnresolved(value) || Token.isUnresolved(floor)) return false
  return value < floor
}
