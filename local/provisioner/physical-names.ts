import { createHash } from 'node:crypto'

/**
 * The name CloudFormation would generate for a resource the template leaves unnamed,
 * `<stack>-<logicalId>`, but without its random suffix so that a restart with the same
 * template (and `--data-dir`) finds the same queues, topics and tables again. Names that
 * would be too long are cut and end in a short hash of the full name, as CloudFormation
 * cuts its own.
 */
export function generatedName(
  stackName: string,
  logicalId: string,
  maxLength: number,
  suffix = '',
): string {
  const full = `${stackName}-${logicalId}`
  const room = maxLength - suffix.length
  if (full.length <= room) return full + suffix
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8)
  return `${full.slice(0, room - hash.length - 1)}-${hash}${suffix}`
}

/** Length limits of the names AWS gives each resource kind. */
export const nameLimits = {
  queue: 80,
  topic: 256,
  table: 255,
  function: 64,
  other: 128,
} as const
