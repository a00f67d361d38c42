/**
 * Plain-text report: a section's table, notes and targets, and the run's summary.
 */
import type { Cell, Row, Target } from './section';

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

const cell = (value: Cell | undefined): string => (value === undefined ? '' : typeof value === 'number' ? fmt(value) : value);

/** Rows as aligned columns (the first row's keys); the first column left-aligned, the others right-aligned. */
export function table(rows: readonly Row[]): string[] {
  if (!rows.length) return [];
  const keys = Object.keys(rows[0]);
  const texts = [keys, ...rows.map((row) => keys.map((k) => cell(row[k])))];
  const widths = keys.map((_, i) => Math.max(...texts.map((t) => t[i].length)));
  const line = (t: string[]) => t.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ');
  return [line(keys), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2)), ...texts.slice(1).map(line)];
}

export function targetLine(t: Target, label = t.name, width = 44): string {
  const op = t.kind === 'min' ? '≥' : '≤';
  const value = t.unit === '×' ? `${fmt(t.value, 3)}×` : `${fmt(t.value)} ${t.unit}`;
  const limit = t.unit === '×' ? `${t.limit}×` : `${t.limit} ${t.unit}`;
  return `${t.pass ? 'PASS' : 'FAIL'}  ${label.padEnd(width)} ${value.padStart(11)}  (${op} ${limit})`;
}
