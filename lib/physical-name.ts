import { createHash } from 'node:crypto'
import { Aws, Fn, Stack, Token } from 'aws-cdk-lib'
import type { IConstruct } from 'constructs'

/** How a resource type's names are scoped and kept by AWS. */
export interface PhysicalNameOptions {
  /** The longest name AWS accepts for the resource type (SQS: 80). */
  readonly maxLength: number
  /**
   * Appended last, e.g. `.fifo`.
   * @default ''
   */
  readonly suffix?: string
  /**
   * The name is unique per account across regions (CloudWatch dashboards): the stack's
   * region is part of it, so the same stage can run in two regions.
   * @default false
   */
  readonly accountWide?: boolean
  /**
   * AWS keeps the name for a while after the resource is deleted (SQS: 60 seconds, then
   * QueueDeletedRecently): a part unique to each creation of the stack is added, so that
   * `cdk destroy` followed at once by `cdk deploy` gets new names.
   * @default false
   */
  readonly reusedAfterDeletion?: boolean
}

/** Characters kept free for parts only known at deploy time: the longest region name, 14. */
const REGION_LENGTH = 14
/** The first group of the stack id's UUID: 8 hex digits. */
const INSTANCE_LENGTH = 8

/**
 * The physical name of a resource that needs one: `<stack name>-<purpose>`, then the region
 * for an account-wide name and the stack instance for a name AWS keeps after deletion. The
 * stack's name carries the stage (`OrderPipeline-dev`, see `contracts/stage.ts`), so every
 * name derived here differs between stages; derive each physical name here and no two
 * stages or regions clash. A name too long for `maxLength` is shortened and ends in a hash
 * of what was cut, so it stays unique.
 */
export function physicalName(
  scope: IConstruct,
  purpose: string,
  options: PhysicalNameOptions,
): string {
  const stack = Stack.of(scope)
  const suffix = options.suffix ?? ''
  // Each part known only at deploy time, with the most characters it can take.
  const deployTime: [part: string, length: number][] = []
  if (options.accountWide) {
    const region = stack.region
    deployTime.push([region, Token.isUnresolved(region) ? REGION_LENGTH : region.length])
  }
  if (options.reusedAfterDeletion) deployTime.push([stackInstance(), INSTANCE_LENGTH])
  const reserved = deployTime.reduce((sum, [, length]) => sum + 1 + length, suffix.length)
  const base = fitted(`${stack.stackName}-${purpose}`, options.maxLength - reserved)
  return [base, ...deployTime.map(([part]) => part)].join('-') + suffix
}

/** The first group of the UUID in the stack's id, new each time the stack is created. */
function stackInstance(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))))
}

function fitted(name: string, length: number): string {
  if (name.length <= length) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8)
  return `${name.slice(0, length - hash.length - 1)}-${hash}`
}
