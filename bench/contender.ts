/**
 * One scoring process, started by a section through ctx.spawn, so each contender's memory and threads are
 * isolated while the section interleaves their runs (machine load then hits all contenders alike):
 *   node --import tsx bench/contender.ts prepare | cold <runs> | engine <dtype> | rawOrt <dtype> | naive <dtype>
 * "prepare" and "cold" reply once and exit; a contender says "ready" after loading, then serves requests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { dirname } from 'node:path';
import type { Dtype } from '../src/shared/model-spec';
import { createNaive, createRaw } from './baselines';
import { DATA_FILE, maxRssMB, median, round1, runKey, type ChildRequest, type ChildStats, type ContenderImpl, type PrepareResult } from './common';
import { buildData } from './docs';
import { createEngine, runCold } from './engine';
import { replyOnce, serveRequests } from './harness/ipc';

async function prepare(): Promise<PrepareResult> {
  const t0 = performance.now();
  const { data, words } = await buildData();
  mkdirSync(dirname(DATA_FILE), { recursive: true });
  writeFileSync(DATA_FILE, JSON.stringify(data));
  return { tokens: Object.fromEntries(data.cases.map((c) => [c.name, c.tokens])), words, prepareMs: round1(performance.now() - t0) };
}

function serve(contender: ContenderImpl): void {
  // The main thread's event-loop delay, sampled only during runs that ask for it. A fresh histogram per run:
  // re-enabling one records the whole idle gap as a single huge delay.
  const loopRuns: IntervalHistogram[] = [];
  const cpuMsByRun: Record<string, number[]> = {};
  const handle = async (request: ChildRequest): Promise<unknown> => {
    switch (request.op) {
      case 'run': {
        contender.prepare?.(request.case, request.batchTokens);
        const histogram = request.watchEventLoop ? monitorEventLoopDelay({ resolution: 10 }) : undefined;
        histogram?.enable();
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        try {
          await contender.run(request.case, request.batchTokens);
        } finally {
          histogram?.disable();
        }
        const ms = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        if (!request.warmUp) (cpuMsByRun[runKey(request.case, request.batchTokens)] ??= []).push(round1((cpu.user + cpu.system) / 1000));
        if (histogram) loopRuns.push(histogram);
        return ms;
      }
      case 'cancel':
        if (!contender.cancel) throw new Error('this contender cannot cancel');
        return contender.cancel(request.case, request.delayMs);
      case 'stats': {
        const stats: ChildStats = { maxRssMB: round1(maxRssMB()), cpuMsByRun };
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
    }
  };
  serveRequests(handle, { info: { loadMs: round1(contender.loadMs), ...contender.info }, dispose: () => contender.dispose() });
}

async function main(): Promise<void> {
  const [step, arg] = process.argv.slice(2);
  if (step === 'prepare') return replyOnce(prepare);
  if (step === 'cold') return replyOnce(() => runCold(Number(arg) || 3));
  const dtype = arg as Dtype;
  if (dtype !== 'fp32' && dtype !== 'q8') throw new Error(`${step} needs a dtype (fp32 or q8)`);
  if (step === 'engine') serve(await createEngine(dtype));
  else if (step === 'rawOrt') serve(await createRaw(dtype));
  else if (step === 'naive') serve(await createNaive(dtype));
  else throw new Error(`unknown step ${step}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
