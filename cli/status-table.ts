import type { ConsumerStatus } from './consumer-status.ts'
import { type Column, textTable } from './text-table.ts'

const figure = (title: string, cell: (s: ConsumerStatus) => string): Column<ConsumerStatus> => ({
  title,
  cell,
  align: 'right',
})

const columns: readonly Column<ConsumerStatus>[] = [
  { title: 'consumer', cell: (s) => s.consumer },
  figure('visible', (s) => String(s.visible)),
  figure('in flight', (s) => String(s.inFlight)),
  figure('DLQ', (s) => String(s.deadLettered)),
  figure('oldest', (s) => (s.oldestAgeSeconds === null ? '-' : `${s.oldestAgeSeconds}s`)),
  figure('processed', (s) => count(s.processed)),
  figure('duplicates', (s) => count(s.duplicates)),
  figure('dead-lettered', (s) => count(s.deadLetteredRecords)),
  figure('p50', (s) => milliseconds(s.latencyP50Ms)),
  figure('p99', (s) => milliseconds(s.latencyP99Ms)),
]

/** The consumers as an aligned text table, one row each. */
export function statusTable(statuses: readonly ConsumerStatus[]): string {
  return textTable(columns, statuses)
}

function count(n: number | null): string {
  return n === null ? '-' : String(n)
}

function milliseconds(ms: number | null): string {
  if (ms === null) return '-'
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`
}
