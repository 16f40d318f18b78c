import type { ConsumerStatus } from './consumer-status.ts'

const columns: readonly [string, (s: ConsumerStatus) => string][] = [
  ['consumer', (s) => s.consumer],
  ['visible', (s) => String(s.visible)],
  ['in flight', (s) => String(s.inFlight)],
  ['DLQ', (s) => String(s.deadLettered)],
  ['oldest', (s) => (s.oldestAgeSeconds === null ? '-' : `${s.oldestAgeSeconds}s`)],
  ['processed', (s) => (s.processed === null ? '-' : String(s.processed))],
  ['p50', (s) => milliseconds(s.latencyP50Ms)],
  ['p99', (s) => milliseconds(s.latencyP99Ms)],
]

/** The consumers as an aligned text table, one row each. */
export function statusTable(statuses: readonly ConsumerStatus[]): string {
  const rows = [
    columns.map(([title]) => title),
    ...statuses.map((s) => columns.map(([, cell]) => cell(s))),
  ]
  const widths = columns.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)))
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n')
}

function milliseconds(ms: number | null): string {
  if (ms === null) return '-'
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`
}
