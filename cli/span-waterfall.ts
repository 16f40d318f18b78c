import { SPAN_ATTRIBUTES, type SpanRecord } from '../contracts/trace-context.ts'

/** One row of a trace's waterfall: a span under its parent, timed from the trace's start. */
export interface WaterfallRow {
  readonly span: SpanRecord
  /** How deep under its root: 0 for a span whose parent is not among the spans. */
  readonly depth: number
  readonly offsetMs: number
  readonly durationMs: number
}

/**
 * Spans in the order a waterfall shows them: each after its parent, siblings by start time;
 * a span whose parent is missing (not exported yet, or dropped) starts a tree of its own.
 */
export function waterfall(spans: readonly SpanRecord[]): WaterfallRow[] {
  const ids = new Set(spans.map((s) => s.spanId))
  const children = new Map<string | undefined, SpanRecord[]>()
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : undefined
    children.set(parent, [...(children.get(parent) ?? []), span])
  }
  for (const list of children.values()) list.sort((a, b) => a.startTime - b.startTime)
  const start = Math.min(...spans.map((s) => s.startTime))
  const rows: WaterfallRow[] = []
  const visit = (span: SpanRecord, depth: number) => {
    rows.push({
      span,
      depth,
      offsetMs: span.startTime - start,
      durationMs: span.endTime - span.startTime,
    })
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1)
  }
  for (const root of children.get(undefined) ?? []) visit(root, 0)
  return rows
}

/** The waterfall as text: offset, duration, a bar on a 40-column time scale, and what ran. */
export function describeWaterfall(spans: readonly SpanRecord[]): string {
  const rows = waterfall(spans)
  if (rows.length === 0) return ''
  const total = Math.max(1, ...rows.map((r) => r.offsetMs + r.durationMs))
  const width = 40
  return rows
    .map(({ span, depth, offsetMs, durationMs }) => {
      const from = Math.floor((offsetMs / total) * width)
      const length = Math.max(1, Math.round((durationMs / total) * width))
      const bar = `${' '.repeat(from)}${'█'.repeat(Math.min(length, width - from))}`.padEnd(width)
      const outcome = span.attributes[SPAN_ATTRIBUTES.outcome]
      const what = [
        `${'  '.repeat(depth)}${span.name}`,
        `(${span.service})`,
        outcome ? `→ ${String(outcome)}` : '',
        span.status === 'error' ? `✗ ${span.statusMessage ?? 'error'}` : '',
      ]
        .filter(Boolean)
        .join(' ')
      return `${fmtMs(offsetMs).padStart(8)} ${fmtMs(durationMs).padStart(8)} │${bar}│ ${what}`
    })
    .join('\n')
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(1)}ms`
}
