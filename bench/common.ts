/**
 * Shared bits of the scoring sections: paths, cases, the data file passed from the "prepare" step to the
 * contender processes (bench/contender.ts), timing helpers and the messages between a section and its contenders.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Dtype, ModelSpec } from '../src/shared/model-spec';
import type { EncodedPair } from '../src/core/scoring/truncate';
import { median } from './harness/interleave';

export { median };

export const ROOT = resolve(__dirname, '..');
export const MODELS = join(ROOT, 'bench', '.models');
export const MODEL_DIR = join(MODELS, 'minilm');
export const CACHE_DIR = join(MODELS, 'cache');
export const DATA_FILE = join(MODELS, 'bench-data.json');
export const WORKER_PATH = join(ROOT, 'dist', 'worker.js');

export const QUERY = 'What is context size of Mixtral?';
export const DTYPES: readonly Dtype[] = ['fp32', 'q8'];
/** Unsorted chunk size for the naive contender on the 1000-pair case (one padded batch would need ~22 GB). */
export const NAIVE_CHUNK = 100;

export interface CaseDef {
  name: string;
  pairs: number;
  /** Target pair length in tokens ([CLS] query [SEP] document [SEP]), drawn uniformly per document. */
  minTokens: number;
  maxTokens: number;
}

/** Generated in this order from one seeded PRNG: the documents of a case do not depend on which cases run. */
export const CASES: readonly CaseDef[] = [
  { name: 'seed', pairs: 16, minTokens: 145, maxTokens: 155 },
  { name: '100x100-300', pairs: 100, minTokens: 100, maxTokens: 300 },
  { name: '1000x100-300', pairs: 1000, minTokens: 100, maxTokens: 300 },
];
export const SEED_CASE = 'seed';
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

/** The key of a run in ChildStats.cpuMsByRun. */
export const runKey = (caseName: string, batchTokens?: number): string => `${caseName}@${batchTokens ?? 'default'}`;

export function log(message: string): void {
  process.stderr.write(`  ${message}\n`);
}

/** Max resident set size of this process so far, in MB (resourceUsage reports kilobytes). */
export function maxRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

// ---- Messages between a section and its contender processes (bench/contender.ts) ------------------------------

export type Contender = 'engine' | 'rawOrt' | 'naive';

export type ChildRequest =
  /** One timed scoring pass over a case (anything the contender prepares beforehand is not timed). */
  | { op: 'run'; case: string; batchTokens?: number; watchEventLoop?: boolean; warmUp?: boolean }
  /** Engine only: start scoring, abort `delayMs` after the first progress event, time until CancelledError. */
  | { op: 'cancel'; case: string; delayMs?: number }
  | { op: 'stats' };

export interface ChildStats {
  maxRssMB: number;
  eventLoopDelay?: EventLoopDelay;
  /**
   * CPU time (user + system, every thread of the process) of each timed run, by `case@batchTokens`. Less
   * sensitive to other load than wall time: it tells "does more work" from "got less of the CPU".
   */
  cpuMsByRun: Record<string, number[]>;
}

export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  samples: number;
  p99MsPerRun: number[];
}

/** What a contender says once loaded (BenchChild.ready). */
export interface ContenderInfo {
  loadMs: number;
  [key: string]: unknown;
}

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

/** What a contender process implements; bench/contender.ts serves it to its section. */
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
