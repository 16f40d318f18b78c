import { describe, expect, it } from 'vitest'
import { textTable } from '../../../cli/text-table.ts'

describe('textTable', () => {
  const rows = [
    { name: 'inventory', count: 5, note: 'ok' },
    { name: 'payments', count: 120, note: '' },
  ]

  it('pads each column to its widest cell, figures to the right, two spaces apart', () => {
    const table = textTable(
      [
        { title: 'consumer', cell: (r) => r.name },
        { title: 'n', cell: (r) => String(r.count), align: 'right' },
        { title: 'note', cell: (r) => r.note },
      ],
      rows,
    )
    expect(table.split('\n')).toEqual([
      'consumer     n  note',
      'inventory    5  ok',
      'payments   120',
    ])
  })

  it('indents every line and leaves no trailing spaces', () => {
    const table = textTable(
      [
        { title: 'consumer', cell: (r) => r.name },
        { title: 'note', cell: (r) => r.note },
      ],
      rows,
      {
        indent: '  ',
      },
    )
    expect(table.split('\n')).toEqual(['  consumer   note', '  inventory  ok', '  payments'])
  })
})
