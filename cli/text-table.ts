/** One column of a text table. */
export interface Column<Row> {
  readonly title: string
  readonly cell: (row: Row) => string
  /** `right` for figures, so that their digits line up. @default 'left' */
  readonly align?: 'left' | 'right'
}

/**
 * Rows as an aligned text table: a title line, then one line per row; each column as wide
 * as its widest cell, two spaces apart; no trailing spaces.
 */
export function textTable<Row>(
  columns: readonly Column<Row>[],
  rows: readonly Row[],
  options: { readonly indent?: string } = {},
): string {
  const lines = [
    columns.map((column) => column.title),
    ...rows.map((row) => columns.map((column) => column.cell(row))),
  ]
  const widths = columns.map((_, i) => Math.max(...lines.map((line) => line[i]?.length ?? 0)))
  return lines
    .map((line) =>
      `${options.indent ?? ''}${line
        .map((cell, i) =>
          columns[i]?.align === 'right'
            ? cell.padStart(widths[i] ?? 0)
            : cell.padEnd(widths[i] ?? 0),
        )
        .join('  ')}`.trimEnd(),
    )
    .join('\n')
}
