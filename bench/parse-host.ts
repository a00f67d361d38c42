/**
 * The parse-host section's measurements (bench/sections/parse-host.ts): reading a big results file without
 * freezing the editor. Needs dist/reader.js (npm run bench builds it).
 *
 * Writes a 50 MB / 20,000-document file in three shapes (the seed's array, Qdrant /points/query,
 * Elasticsearch hits; text drawn from the sample's words with a seeded PRNG) and reads each:
 * - through the editor's path, `readInWorker` (dist/reader.js: parse in a worker, documents back in
 *   chunks), sampling this thread's event-loop delay meanwhile (monitorEventLoopDelay, 10 ms resolution,
 *   like the throughput section; a fresh histogram per run);
 * - the same with everything sent back in one message (one structured clone): what the chunks avoid;
 * - on this thread (`readResultsFile`, the CLI's path), for its MB/s and the freeze it would cause;
 * - nothing at all for as long as the worker read took, twice: idle, and while a worker parses the same
 *   file over and over (the CPU and memory load of the read without its messages): the baselines. On a
 *   loaded 2-core machine a busy sibling thread alone delays this one's timers.
 * Then what the editor does next on its own thread with the 20,000 documents, each step timed alone (each
 * is one uninterrupted block): merge by id, rank by (made-up) scores, what the tree computes over all
 * documents when it shows them (titles, the score column; rows are built only when visible), and handing the
 * texts to the scoring worker (postMessage serializes them on the sending thread).
 * Throughput is file MB over the wall time of the read (median of the runs). The 1-minute load average
 * is printed: on a shared machine the delays include waiting for a core.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ResultsFile } from '../src/core/documents';
import { Worker } from 'node:worker_threads';
import { mergeResults } from '../src/core/merge';
import { readResultsFile } from '../src/core/read-results';
import { DOCS, SHAPES, chunkTexts } from './results-files';

import { readInWorker } from '../src/core/reader/client';
import { rankByScore } from '../src/core/rerank';
import { distinctTitles } from '../src/extension/labels';
import { scoreColumn } from '../src/extension/rows';

const ROOT = join(__dirname, '..');
const READER = join(ROOT, 'dist', 'reader.js');

export interface LoopDelay {
  p99Ms: number;
  maxMs: number;
  /** Time this thread's event loop was busy (performance.eventLoopUtilization().active): its own work, not waiting for a core. */
  activeMs: number;
}

export interface ShapeFigures {
  shape: string;
  megabytes: number;
  documents: number;
  /** The editor's path: parse in the reader worker, chunks back. */
  worker: LoopDelay & { mbPerSec: number; medianMs: number };
  /** The same worker, everything back in one message. */
  oneMessage: LoopDelay & { medianMs: number };
  /** Parsing on this thread (the CLI). */
  onThread: LoopDelay & { mbPerSec: number; medianMs: number };
}

export interface ParseHostFigures {
  cores: number;
  /** 1-minute load average before and after. */
  load: [number, number];
  idle: LoopDelay;
  /** Idle, while another worker parses the file: the delay the read's CPU load alone causes. */
  idleBusyWorker: LoopDelay;
  shapes: ShapeFigures[];
  /** Median ms of each step after the read, on the seed shape. */
  afterRead: { merge: number; rank: number; tree: number; postTexts: number };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Collect garbage before each timed run, so one run's garbage does not land in the next one's pauses.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Runs `work` with a fresh event-loop delay histogram on this thread; returns its time and the delays. */
async function watched(work: () => Promise<unknown>): Promise<LoopDelay & { ms: number }> {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  // Let the monitor take its first sample before the work starts, so a block at the very start is seen.
  await new Promise((r) => setTimeout(r, 30));
  const start = performance.now();
  const utilization = performance.eventLoopUtilization();
  await work();
  const ms = performance.now() - start;
  const { active } = performance.eventLoopUtilization(utilization);
  // A block is recorded when the monitor's next timer fires: one right before disable() would go unseen.
  await new Promise((r) => setTimeout(r, 30));
  histogram.disable();
  return { ms, p99Ms: round1(histogram.percentile(99) / 1e6), maxMs: round1(histogram.max / 1e6), activeMs: round1(active) };
}

/** Worst p99 and max over the runs (histograms of this kind cannot be merged), median time and busy time. */
function summarize(runs: (LoopDelay & { ms: number })[]): LoopDelay & { medianMs: number } {
  return {
    p99Ms: Math.max(...runs.map((r) => r.p99Ms)),
    maxMs: Math.max(...runs.map((r) => r.maxMs)),
    activeMs: round1(median(runs.map((r) => r.activeMs))),
    medianMs: round1(median(runs.map((r) => r.ms))),
  };
}

export async function run(options: { reps?: number; log?: (line: string) => void } = {}): Promise<ParseHostFigures> {
  const reps = options.reps ?? 3;
  const log = options.log ?? (() => undefined);
  const load: [number, number] = [round1(loadavg()[0]), 0];
  const dir = mkdtempSync(join(tmpdir(), 'rl-parse-host-'));
  const texts = chunkTexts();
  const shapes: ShapeFigures[] = [];
  const idleRuns: (LoopDelay & { ms: number })[] = [];
  const busyRuns: (LoopDelay & { ms: number })[] = [];
  try {
    for (const [shape, build] of Object.entries(SHAPES)) {
      const path = join(dir, 'results.json');
      writeFileSync(path, JSON.stringify(build(texts), null, 1));
      const megabytes = statSync(path).size / (1024 * 1024);
      const source = { path, name: 'results.json' };
      let kept: ResultsFile | undefined;
      const check = (file: ResultsFile) => {
        if (file.documents.length !== DOCS) throw new Error(`${shape}: read ${file.documents.length} documents, expected ${DOCS}`);
        kept = file; // held like the editor holds it, until the next run
      };
      await readInWorker(source, { workerPath: READER }).then(check); // warm-up
      const worker: (LoopDelay & { ms: number })[] = [];
      const oneMessage: (LoopDelay & { ms: number })[] = [];
      const onThread: (LoopDelay & { ms: number })[] = [];
      for (let r = 0; r < reps; r++) {
        kept = undefined;
        worker.push(await watched(() => readInWorker(source, { workerPath: READER }).then(check)));
        kept = undefined;
        oneMessage.push(await watched(() => readInWorker(source, { workerPath: READER, chunk: { chars: Infinity, documents: Infinity } }).then(check)));
        kept = undefined;
        onThread.push(await watched(() => readResultsFile(path, { displayName: 'results.json' }).then(check)));
        kept = undefined;
        idleRuns.push(await watched(() => new Promise((r) => setTimeout(r, worker[worker.length - 1].ms))));
        busyRuns.push(await watched(() => busyElsewhere(path, worker[worker.length - 1].ms)));
      }
      void kept;
      const w = summarize(worker);
      const t = summarize(onThread);
      const figures: ShapeFigures = {
        shape,
        megabytes: round1(megabytes),
        documents: DOCS,
        worker: { ...w, mbPerSec: round1(megabytes / (w.medianMs / 1000)) },
        oneMessage: summarize(oneMessage),
        onThread: { ...t, mbPerSec: round1(megabytes / (t.medianMs / 1000)) },
      };
      shapes.push(figures);
      log(`${shape}: worker ${figures.worker.mbPerSec} MB/s, loop delay p99 ${w.p99Ms} ms (max ${w.maxMs}), this thread busy ${w.activeMs} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const afterRead = await hostSteps(texts, reps);
  load[1] = round1(loadavg()[0]);
  const idle = summarize(idleRuns);
  const busy = summarize(busyRuns);
  return {
    cores: availableParallelism(),
    load,
    idle: { p99Ms: idle.p99Ms, maxMs: idle.maxMs, activeMs: idle.activeMs },
    idleBusyWorker: { p99Ms: busy.p99Ms, maxMs: busy.maxMs, activeMs: busy.activeMs },
    shapes,
    afterRead,
  };
}

/** A worker that reads and parses the file over and over for `ms`, posting nothing back but its end. */
async function busyElsewhere(path: string, ms: number): Promise<void> {
  const code = `const { parentPort, workerData } = require('node:worker_threads');
    const { readFileSync } = require('node:fs');
    const end = Date.now() + workerData.ms;
    while (Date.now() < end) JSON.parse(readFileSync(workerData.path, 'utf8'));
    parentPort.postMessage('done');`;
  const worker = new Worker(code, { eval: true, execArgv: [], workerData: { path, ms } });
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
}

/** The editor's next steps after the read, on the seed shape's documents as the reader hands them over. */
async function hostSteps(texts: string[], reps: number): Promise<ParseHostFigures['afterRead']> {
  const dir = mkdtempSync(join(tmpdir(), 'rl-parse-host-'));
  const sink = new Worker('require("node:worker_threads").parentPort.on("message", (m) => require("node:worker_threads").parentPort.postMessage(m.length))', { eval: true, execArgv: [] });
  try {
    const path = join(dir, 'results.json');
    writeFileSync(path, JSON.stringify(SHAPES['seed array'](texts)));
    const file = await readInWorker({ path, name: 'results.json' }, { workerPath: READER });
    const steps = { merge: [] as number[], rank: [] as number[], tree: [] as number[], postTexts: [] as number[] };
    const time = <T>(list: number[], fn: () => T): T => {
      const start = performance.now();
      const out = fn();
      list.push(performance.now() - start);
      return out;
    };
    for (let r = 0; r < reps; r++) {
      gc();
      const merged = time(steps.merge, () => mergeResults([file]));
      const ranked = time(steps.rank, () => rankByScore(merged.documents, merged.documents.map((_, i) => Math.sin(i))));
      time(steps.tree, () => [distinctTitles(ranked), scoreColumn(ranked)]);
      time(steps.postTexts, () => sink.postMessage(merged.documents.map((d) => d.text)));
      await new Promise((resolve) => sink.once('message', resolve));
    }
    const m = (list: number[]) => round1(median(list));
    return { merge: m(steps.merge), rank: m(steps.rank), tree: m(steps.tree), postTexts: m(steps.postTexts) };
  } finally {
    await sink.terminate();
    rmSync(dir, { recursive: true, force: true });
  }
}
