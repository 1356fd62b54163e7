/** Plain aligned columns for people; scripts use --json. */
export function formatTable (headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((row) => row.map(String))]
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)))
  return cells.map((row) => row.map((cell, i) => i === row.length - 1 ? cell : cell.padEnd(widths[i])).join('  ')).join('\n') + '\n'
}

export const percent = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : `${Number((value * 100).toFixed(1))}%`

export const ms = (value: number | null | undefined): string =>
  value === null || value === undefined ? '-' : `${Number(value.toFixed(1))} ms`
