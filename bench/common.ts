/**
 * Shared bits of the benchmark: paths, cases, the data file passed from the "prepare" step to the
 * contender processes, timing helpers and the shapes of the results each child process writes.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Dtype, ModelSpec } from '../src/shared/model-spec';
import type { EncodedPair } from '../src/core/scoring/truncate';

export const ROOT = resolve(__dirname, '..');
export const MODELS = join(ROOT, 'bench', '.models');
export const MODEL_DIR = join(MODELS, 'minilm');
export const CACHE_DIR = join(MODELS, 'cache');
export const DATA_FILE = join(MODELS, 'bench-data.json');
export const WORKER_PATH = join(ROOT, 'dist', 'worker.js');
export const RESULTS_FILE = join(ROOT, 'bench', 'results', 'latest.json');

export const QUERY = 'What is context size of Mixtral?';
export const DTYPES: readonly Dtype[] = ['fp32', 'q8'];
/** BENCH_QUICK=1: one repetition and two budgets, to check the harness; results are not written. */
export const QUICK = process.env.BENCH_QUICK === '1';
/** Batch token budgets swept for raw ONNX Runtime (and, as a diagnostic, for the engine) on case (b). */
export const BUDGETS = QUICK ? [512, 1024] : [256, 512, 1024, 2048, 4096];
/** Unsorted chunk size for the naive contender on the 1000-pair case (one padded batch would need ~22 GB). */
export const NAIVE_CHUNK = 100;

export interface CaseDef {
  name: string;
  pairs: number;
  /** Target pair length in tokens ([CLS] query [SEP] document [SEP]), drawn uniformly per document. */
  minTokens: number;
  maxTokens: number;
  reps: number;
}

export const CASES: readonly CaseDef[] = [
  { name: 'seed', pairs: 16, minTokens: 145, maxTokens: 155, reps: 7 },
  { name: '100x100-300', pairs: 100, minTokens: 100, maxTokens: 300, reps: 5 },
  { name: '1000x100-300', pairs: 1000, minTokens: 100, maxTokens: 300, reps: 3 },
].map((c) => (QUICK ? { ...c, reps: 1 } : c));
export const SWEEP_CASE = '100x100-300';
export const BIG_CASE = '1000x100-300';

export interface TokenStats {
  min: number;
  median: number;
  max: number;
  mean: number;
}

export interface BenchCase {
  name: string;
  reps: number;
  documents: string[];
  /** Pre-tokenized with CrossEncoder.encode, so raw ONNX Runtime sees exactly the engine's tensors. */
  encoded: EncodedPair[];
  tokens: TokenStats;
}

export interface BenchData {
  query: string;
  cases: BenchCase[];
}

export function readData(): BenchData {
  return JSON.parse(readFileSync(DATA_FILE, 'utf8')) as BenchData;
}

export function modelSpec(dtype: Dtype): ModelSpec {
  return { model: MODEL_DIR, dtype, cacheDir: CACHE_DIR, allowRemote: false };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function tokenStats(lengths: readonly number[]): TokenStats {
  const sum = lengths.reduce((a, b) => a + b, 0);
  return { min: Math.min(...lengths), median: median(lengths), max: Math.max(...lengths), mean: sum / lengths.length };
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const round1 = (n: number): number => Math.round(n * 10) / 10;

export function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Max resident set size of this process so far, in MB (resourceUsage reports kilobytes). */
export function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

// ---- Messages between bench/run.ts and the contender processes (bench/child.ts) ----------------------------

export type Contender = 'engine' | 'rawOrt' | 'naive';

export type ChildRequest =
  /** One timed scoring pass over a case (anything the contender prepares beforehand is not timed). */
  | { op: 'run'; case: string; batchTokens?: number; watchEventLoop?: boolean }
  /** Engine only: start scoring, abort `delayMs` after the first progress event, time until CancelledError. */
  | { op: 'cancel'; case: string; delayMs?: number }
  | { op: 'stats' }
  | { op: 'exit' };

export interface ChildStats {
  maxRssMB: number;
  eventLoopDelay?: EventLoopDelay;
}

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
  p99MsPerRun: number[];
}

export type ChildMessage =
  | { type: 'ready'; loadMs: number; info?: Record<string, unknown> }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };

export interface PrepareResult {
  tokens: Record<string, TokenStats>;
  words: number;
  prepareMs: number;
}

export interface ColdResult {
  coldStartMs: Record<string, { medianMs: number; runsMs: number[] }>;
}

export interface SweepPoint {
  batchTokens: number;
  pairsPerSec: number;
  medianMs: number;
}

/** What a contender process implements; bench/child.ts serves it to bench/run.ts. */
export interface ContenderImpl {
  loadMs: number;
  info?: Record<string, unknown>;
  /** Untimed setup for a run (e.g. building tensors). */
  prepare?(caseName: string, batchTokens?: number): void;
  run(caseName: string, batchTokens?: number): Promise<unknown>;
  cancel?(caseName: string, delayMs?: number): Promise<number>;
  dispose(): Promise<void>;
}

export function findCase(data: BenchData, name: string): BenchCase {
  const found = data.cases.find((c) => c.name === name);
  if (!found) throw new Error(`unknown benchmark case ${name}`);
  return found;
}
