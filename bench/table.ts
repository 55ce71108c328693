// Prints a figure's rows as an aligned text table (for the terminal) or as a
// Markdown table (for docs/performance.md). Numbers are right-aligned.

import type { Cell, FigureResult } from './figures.js';

function columnsOf(rows: Record<string, Cell>[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

const show = (cell: Cell | undefined): string =>
  cell === undefined ? '' : typeof cell === 'boolean' ? (cell ? 'yes' : 'no') : String(cell);

export function textTable(rows: Record<string, Cell>[]): string {
  const columns = columnsOf(rows);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => show(r[c]).length)));
  const line = (cells: string[], numeric: boolean[]) =>
    cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  const header = line(
    columns,
    columns.map(() => false),
  );
  const body = rows.map((row) =>
    line(
      columns.map((c) => show(row[c])),
      columns.map((c) => typeof row[c] === 'number'),
    ),
  );
  return [header, widths.map((w) => '-'.repeat(w)).join('  '), ...body].map((l) => l.trimEnd()).join('\n');
}

export function markdownTable(rows: Record<string, Cell>[]): string {
  const columns = columnsOf(rows);
  const numeric = columns.map((c) => rows.some((r) => typeof r[c] === 'number'));
  return [
    `| ${columns.join(' | ')} |`,
    `| ${numeric.map((n) => (n ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((row) => `| ${columns.map((c) => show(row[c])).join(' | ')} |`),
  ].join('\n');
}

/** A whole figure: its table, then its targets and notes. */
export function formatFigure(figure: FigureResult, markdown = false): string {
  const table = markdown ? markdownTable : textTable;
  const parts = [markdown ? `### ${figure.name}` : `== ${figure.name}`, table(figure.rows)];
  if (figure.targets !== undefined && figure.targets.length > 0) {
    parts.push(
      table(figure.targets.map((t) => ({ target: t.what, wanted: t.target, actual: t.actual, met: t.met }))),
    );
  }
  for (const note of figure.notes ?? []) parts.push(markdown ? `- ${note}` : `* ${note}`);
  return parts.join('\n\n');
}
