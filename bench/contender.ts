/**
 * One benchmark process, talking to bench/run.ts over IPC, so each contender's memory and threads are
 * isolated while run.ts interleaves their runs (machine load then hits all contenders alike):
 *   node --import tsx bench/child.ts prepare | cold | engine <dtype> | rawOrt <dtype> | naive <dtype>
 * "prepare" and "cold" reply once and exit; a contender replies "ready" after loading, then serves requests.
 * Progress goes to stderr.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { dirname } from 'node:path';
import type { Dtype } from '../src/shared/model-spec';
import { createNaive, createRaw } from './baselines';
import { DATA_FILE, maxRssMB, median, round1, type ChildMessage, type ChildRequest, type ChildStats, type ContenderImpl, type PrepareResult } from './common';
import { buildData } from './docs';
import { createEngine, runCold } from './engine';

const send = (message: ChildMessage) => process.send?.(message);

async function prepare(): Promise<PrepareResult> {
  const t0 = performance.now();
  const { data, words } = await buildData();
  mkdirSync(dirname(DATA_FILE), { recursive: true });
  writeFileSync(DATA_FILE, JSON.stringify(data));
  return { tokens: Object.fromEntries(data.cases.map((c) => [c.name, c.tokens])), words, prepareMs: round1(performance.now() - t0) };
}

async function serve(contender: ContenderImpl): Promise<void> {
  // The main thread's event-loop delay, sampled only during runs that ask for it. A fresh histogram per run:
  // re-enabling one records the whole idle gap as a single huge delay.
  const loopRuns: IntervalHistogram[] = [];
  let queue: Promise<void> = Promise.resolve();
  const handle = async (id: number, request: ChildRequest): Promise<unknown> => {
    switch (request.op) {
      case 'run': {
        contender.prepare?.(request.case, request.batchTokens);
        const histogram = request.watchEventLoop ? monitorEventLoopDelay({ resolution: 10 }) : undefined;
        histogram?.enable();
        const t0 = performance.now();
        try {
          await contender.run(request.case, request.batchTokens);
        } finally {
          histogram?.disable();
        }
        if (histogram) loopRuns.push(histogram);
        return performance.now() - t0;
      }
      case 'cancel':
        if (!contender.cancel) throw new Error('this contender cannot cancel');
        return contender.cancel(request.case, request.delayMs);
      case 'stats': {
        const stats: ChildStats = { maxRssMB: round1(maxRssMB()) };
        if (loopRuns.length) {
          // Per run, then the worst run's p99 and max (histograms of this kind cannot be merged).
          const ms = (f: (h: IntervalHistogram) => number) => loopRuns.map((h) => round1(f(h) / 1e6));
          stats.eventLoopDelay = {
            p50Ms: median(ms((h) => h.percentile(50))),
            p99Ms: Math.max(...ms((h) => h.percentile(99))),
            maxMs: Math.max(...ms((h) => h.max)),
            samples: loopRuns.reduce((n, h) => n + h.count, 0),
            p99MsPerRun: ms((h) => h.percentile(99)),
          };
        }
        return stats;
      }
      case 'exit':
        await contender.dispose();
        setImmediate(() => process.exit(0));
        return null;
      default:
        throw new Error(`unknown request ${JSON.stringify(request)} (${id})`);
    }
  };
  process.on('message', ({ id, request }: { id: number; request: ChildRequest }) => {
    // One request at a time, in order.
    queue = queue.then(async () => {
      try {
        send({ type: 'reply', id, ok: true, value: await handle(id, request) });
      } catch (err) {
        send({ type: 'reply', id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      }
    });
  });
  // bench/run.ts went away (it failed or was interrupted): nothing left to serve.
  process.on('disconnect', () => process.exit(1));
  send({ type: 'ready', loadMs: round1(contender.loadMs), info: contender.info });
}

async function main(): Promise<void> {
  const [step, dtype] = process.argv.slice(2) as [string, Dtype | undefined];
  if (!process.send) throw new Error('bench/child.ts is started by bench/run.ts (it needs an IPC channel)');
  if (step === 'prepare' || step === 'cold') {
    const value = step === 'prepare' ? await prepare() : await runCold();
    // Exit once the reply is out: nothing else is left to do, whatever handles remain.
    process.send({ type: 'reply', id: 0, ok: true, value } satisfies ChildMessage, () => process.exit(0));
    return;
  }
  if (dtype !== 'fp32' && dtype !== 'q8') throw new Error(`${step} needs a dtype (fp32 or q8)`);
  if (step === 'engine') await serve(await createEngine(dtype));
  else if (step === 'rawOrt') await serve(await createRaw(dtype));
  else if (step === 'naive') await serve(await createNaive(dtype));
  else throw new Error(`unknown step ${step}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
