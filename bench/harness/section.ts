/**
 * The section API. A section is one file in bench/sections/ whose default export is a `Section`; the runner
 * (bench/run.ts) finds it by itself, runs it in a process of its own, prints what it returns and keeps it in
 * the results JSON under its name. See "Adding a section" in bench/README.md.
 */
import type { BenchChild } from './ipc';

export interface Section {
  /** Unique, kebab-case: the argument of `--only` and the key in the results JSON. */
  name: string;
  /** One line: what it measures (printed as the section's heading and by `--list`). */
  title: string;
  /**
   * Part of the default run (`npm run bench`, which must stay ≤ 5 min for all quick sections together on the
   * 2-core reference machine). Otherwise it runs only with `--full` or `--only <name>`.
   */
  quick: boolean;
  run(ctx: BenchContext): Promise<SectionResult>;
}

export interface BenchContext {
  /** `--full`: the complete measurement (every repetition, sweep and case); otherwise the default, reduced one. */
  readonly full: boolean;
  /** `--smoke`: one repetition of everything, to check the harness; nothing is written. */
  readonly smoke: boolean;
  /** Repetitions: `byDefault`, or `full` with --full (default: the same), or 1 with --smoke. */
  reps(byDefault: number, full?: number): number;
  /** Progress on stderr (indented under the section heading). */
  log(message: string): void;
  /**
   * Starts `node --import tsx <script> ...args` with an IPC channel (see ./ipc.ts): a contender in its own
   * process. Every process started this way is stopped when the section ends.
   */
  spawn<Req>(label: string, script: string, args?: readonly string[]): BenchChild<Req>;
  /**
   * Computes a JSON value once per benchmark run, shared by every section that asks for the same key
   * (sections run in separate processes, so it is kept in a file of the run).
   */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export type Cell = string | number;
export type Row = Record<string, Cell>;

export interface SectionResult {
  /** Printed as a table; the columns are the first row's keys, in order. Numbers are printed with one decimal. */
  rows?: Row[];
  /** Printed under the table: how it was measured, secondary figures (one line each). */
  notes?: string[];
  /** Kept in the results JSON under the section's name. Put units in the keys (`coldStartMs`, `peakRssMB`). */
  figures: Record<string, unknown>;
  /** Printed as PASS/FAIL with the measured value; a failed target does not fail the run. */
  targets?: Target[];
}

export interface Target {
  name: string;
  value: number;
  /** 'min': the value must be ≥ limit; 'max': ≤ limit. */
  kind: 'min' | 'max';
  limit: number;
  /** '×' for ratios, else 'ms', 'MB', 'MB/s'… */
  unit: string;
  pass: boolean;
}

/** A target; NaN (not measured) fails. */
export function target(name: string, value: number, kind: 'min' | 'max', limit: number, unit = '×'): Target {
  const pass = Number.isFinite(value) && (kind === 'min' ? value >= limit : value <= limit);
  const digits = unit === '×' ? 1000 : 10;
  return { name, value: Math.round(value * digits) / digits, kind, limit, unit, pass };
}

export function isSection(value: unknown): value is Section {
  const s = value as Partial<Section> | undefined;
  return typeof s?.name === 'string' && typeof s.title === 'string' && typeof s.quick === 'boolean' && typeof s.run === 'function';
}
