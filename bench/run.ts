/**
 * `npm run bench`: engine vs raw ONNX Runtime vs naive transformers.js on a MiniLM-L6-shaped cross-encoder.
 * Each contender lives in its own process (bench/child.ts), so memory and threads stay isolated; their runs
 * are interleaved one at a time (rotating order), so load from anything else on the machine hits all alike.
 * Prints a table with PASS/FAIL against the targets and writes bench/results/latest.json.
 * Exits 0 when targets fail (it only reports), non-zero on errors.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import type { Dtype } from '../src/shared/model-spec';
import { makeModel } from '../test/fixtures/make-model.mjs';
import {
  BIG_CASE, BUDGETS, CASES, DTYPES, MODEL_DIR, QUICK, RESULTS_FILE, ROOT, SWEEP_CASE, WORKER_PATH, log, median, round1,
  type ChildMessage, type ChildRequest, type ChildStats, type ColdResult, type Contender, type PrepareResult, type SweepPoint,
} from './common';
import { report, writeResults, type AllResults, type DtypeResults, type Timing } from './report';

const CHILD = join(__dirname, 'child.ts');
const ENGINE_SWEEP_REPS = 3;
const CANCEL_RUNS = 5;
/** Extra cancel runs that abort this long after the first progress event, i.e. mid-batch (the slow case). */
const CANCEL_DELAYS_MS = [15, 45, 75, 105, 135];
/** Every process started here, to stop them if the run fails. */
const started = new Set<ChildProcess>();

class Child {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  readonly ready: Promise<Extract<ChildMessage, { type: 'ready' }>>;

  constructor(readonly label: string, args: string[]) {
    const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    started.add(proc);
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(-1, { resolve: resolve as (v: unknown) => void, reject });
    });
    this.ready.catch(() => undefined); // one-shot steps never say "ready"; failures surface through request()
    proc.on('message', (m: ChildMessage) => {
      const key = m.type === 'ready' ? -1 : m.id;
      const p = this.pending.get(key);
      this.pending.delete(key);
      if (m.type === 'ready') p?.resolve(m);
      else if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(`${label}: ${m.error}`));
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    proc.on('error', fail);
    proc.on('exit', (code, signal) => (started.delete(proc), fail(new Error(`benchmark process "${label}" exited (${signal ?? `code ${code}`})`))));
    this.send = (id, request) => proc.send({ id, request });
  }

  private readonly send: (id: number, request: ChildRequest) => void;

  request<T>(request: ChildRequest | null): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = request ? this.nextId++ : 0;
    const reply = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    if (request) this.send(id, request);
    return reply;
  }

  run(name: string, batchTokens?: number, watchEventLoop?: boolean): Promise<number> {
    return this.request<number>({ op: 'run', case: name, batchTokens, watchEventLoop });
  }

  async close(): Promise<void> {
    await this.request({ op: 'exit' }).catch(() => undefined);
  }
}

/** A one-shot step ("prepare", "cold") in its own process. */
function oneShot<T>(name: string): Promise<T> {
  log(`[${name}]`);
  return new Child(name, [name]).request<T>(null);
}

async function contender(name: Contender, dtype: Dtype): Promise<Child> {
  const child = new Child(`${name} ${dtype}`, [name, dtype]);
  const ready = await child.ready;
  log(`${name} ${dtype} loaded in ${Math.round(ready.loadMs)} ms`);
  return child;
}

const timing = (pairs: number, runsMs: number[]): Timing => {
  const medianMs = median(runsMs);
  return { pairsPerSec: (pairs * 1000) / medianMs, medianMs: round1(medianMs), runsMs: runsMs.map(round1) };
};
const rotate = <T>(items: T[], n: number): T[] => items.map((_, i) => items[(i + n) % items.length]);

/** Raw ORT and a separate engine process, interleaved, over the batch token budgets on the sweep case. */
async function sweep(dtype: Dtype): Promise<{ rawOrt: SweepPoint[]; engine: SweepPoint[] }> {
  const [raw, engine] = [await contender('rawOrt', dtype), await contender('engine', dtype)];
  const sweepCase = CASES.find((c) => c.name === SWEEP_CASE)!;
  const out = { rawOrt: [] as SweepPoint[], engine: [] as SweepPoint[] };
  try {
    for (const batchTokens of BUDGETS) {
      await raw.run(SWEEP_CASE, batchTokens);
      await engine.run(SWEEP_CASE, batchTokens);
      const runs: Record<'rawOrt' | 'engine', number[]> = { rawOrt: [], engine: [] };
      for (let rep = 0; rep < sweepCase.reps; rep++) {
        const order: ['rawOrt' | 'engine', Child][] = rep < ENGINE_SWEEP_REPS ? rotate([['rawOrt', raw], ['engine', engine]], rep) : [['rawOrt', raw]];
        for (const [name, child] of order) runs[name].push(await child.run(SWEEP_CASE, batchTokens));
      }
      for (const name of ['rawOrt', 'engine'] as const) {
        const t = timing(sweepCase.pairs, runs[name]);
        out[name].push({ batchTokens, pairsPerSec: round1(t.pairsPerSec), medianMs: t.medianMs });
      }
      log(`sweep ${dtype} batchTokens=${batchTokens}: rawOrt ${out.rawOrt.at(-1)!.pairsPerSec}, engine ${out.engine.at(-1)!.pairsPerSec} pairs/s`);
    }
  } finally {
    await Promise.all([raw.close(), engine.close()]);
  }
  return out;
}

async function benchDtype(dtype: Dtype): Promise<DtypeResults> {
  log(`[${dtype}: batch token sweep on ${SWEEP_CASE}]`);
  const swept = await sweep(dtype);
  const rawBatchTokens = swept.rawOrt.reduce((a, b) => (b.pairsPerSec > a.pairsPerSec ? b : a)).batchTokens;
  log(`[${dtype}: cases; rawOrt at batchTokens=${rawBatchTokens}]`);
  const children: Record<Contender, Child> = {
    engine: await contender('engine', dtype),
    rawOrt: await contender('rawOrt', dtype),
    naive: await contender('naive', dtype),
  };
  const names = Object.keys(children) as Contender[];
  try {
    const cases: DtypeResults['cases'] = {};
    for (const c of CASES) {
      // The engine's event-loop delay is sampled during the timed runs of the big fp32 case.
      const runOnce = (name: Contender, timed = true) =>
        children[name].run(c.name, name === 'rawOrt' ? rawBatchTokens : undefined, timed && name === 'engine' && c.name === BIG_CASE && dtype === 'fp32');
      for (const name of names) await runOnce(name, false); // warm-up
      const runs: Record<Contender, number[]> = { engine: [], rawOrt: [], naive: [] };
      for (let rep = 0; rep < c.reps; rep++) for (const name of rotate(names, rep)) runs[name].push(await runOnce(name));
      cases[c.name] = Object.fromEntries(names.map((n) => [n, timing(c.pairs, runs[n])])) as Record<Contender, Timing>;
      log(`${dtype} ${c.name}: ${names.map((n) => `${n} ${cases[c.name][n].pairsPerSec.toFixed(1)}`).join(', ')} pairs/s`);
    }
    // Peak RSS through the cases (before the cancel runs, which only repeat the big case).
    const stats = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await children[n].request<ChildStats>({ op: 'stats' })]))) as Record<Contender, ChildStats>;
    const cancelAckMs: number[] = [];
    const cancelMidBatchMs: number[] = [];
    if (dtype === 'fp32') {
      const cancel = (delayMs: number) => children.engine.request<number>({ op: 'cancel', case: BIG_CASE, delayMs }).then(round1);
      for (let i = 0; i < CANCEL_RUNS; i++) cancelAckMs.push(await cancel(0));
      for (const delayMs of CANCEL_DELAYS_MS) cancelMidBatchMs.push(await cancel(delayMs));
      log(`cancel ack ${dtype}: ${cancelAckMs.join(', ')} ms; aborted mid-batch: ${cancelMidBatchMs.join(', ')} ms`);
    }
    return { cases, sweep: swept, rawBatchTokens, stats, cancelAckMs, cancelMidBatchMs };
  } finally {
    await Promise.all(names.map((n) => children[n].close()));
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  if (!existsSync(WORKER_PATH)) throw new Error('dist/worker.js is missing: run `npm run build` first (npm run bench does).');
  const files = ['config.json', 'tokenizer.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];
  if (!files.every((f) => existsSync(join(MODEL_DIR, f)))) {
    log(`Generating the MiniLM-shaped model (fp32 + q8) in ${relative(ROOT, MODEL_DIR)} ...`);
    await makeModel({ out: MODEL_DIR, preset: 'minilm', quant: true });
  }
  // Other work on the machine skews results; keep the 1-minute load average to report it.
  const load: number[] = [];
  const sampler = setInterval(() => load.push(loadavg()[0]), 5000).unref();

  const prepare = await oneShot<PrepareResult>('prepare');
  for (const [name, t] of Object.entries(prepare.tokens)) log(`${name}: pair tokens min ${t.min} / median ${t.median} / max ${t.max}`);
  const cold = await oneShot<ColdResult>('cold');
  const dtypes = {} as Record<Dtype, DtypeResults>;
  for (const dtype of DTYPES) dtypes[dtype] = await benchDtype(dtype);
  clearInterval(sampler);

  const results: AllResults = {
    prepare,
    cold,
    dtypes,
    load: { cores: availableParallelism(), mean: round1(load.reduce((a, b) => a + b, 0) / Math.max(load.length, 1)), max: round1(Math.max(0, ...load)) },
    totalSeconds: (performance.now() - t0) / 1000,
  };
  const { text, json } = report(results);
  if (!QUICK) writeResults(json);
  process.stdout.write(`\n${text}\n${QUICK ? 'BENCH_QUICK=1: results not written.' : `Wrote ${relative(ROOT, RESULTS_FILE)}`}\n`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  for (const proc of started) proc.kill();
  process.exitCode = 1;
});
