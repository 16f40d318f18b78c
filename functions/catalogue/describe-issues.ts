import type * as z from 'zod/mini'

/** zod issues as short readable lines: `payload.items.0.quantity: Too small: expected …`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.')
    return path ? `${path}: ${issue.message}` : issue.message
  })
}
