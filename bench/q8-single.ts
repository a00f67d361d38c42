/**
 * q8 one pair per run vs fp32 batched, on the MiniLM-L6-shaped model and the 100 pairs of 100-300 tokens of
 * `npm run bench`. Dynamic quantization takes one scale per run, so a batched q8 score depends on its
 * neighbours; one pair per run (no padding, no shared scale) does not. Is that still worth it over fp32?
 *
 *   node --import tsx bench/q8-single.ts [--reps N]
 *
 * Contenders, all CrossEncoder.score in this process (tokenization included, models loaded beforehand,
 * one untimed warm-up each), interleaved one run at a time in a rotating order so that load from the rest
 * of the machine falls on all of them alike:
 *   fp32-batched  the engine's default (length-sorted micro-batches of DEFAULT_BATCH_TOKENS)
 *   q8-single     singlePairQ8: true
 *   q8-batched    singlePairQ8: false (the same micro-batches as fp32), for reference
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { CrossEncoder, type ScoreOptions } from '../src/core/scoring/cross-encoder';
import { makeModel } from '../test/fixtures/make-model.mjs';
import { MODEL_DIR, median, modelSpec, round1 } from './common';
import { buildData } from './docs';

const CASE = '100x100-300';
const REPS = Number(process.argv[process.argv.indexOf('--reps') + 1]) || 7;

interface Contender {
  name: string;
  encoder: CrossEncoder;
  options: ScoreOptions;
  ms: number[];
  /** CPU time of this process during each run (user + system, all threads): less sensitive to other load. */
  cpuMs: number[];
}

const load1 = () => round1(loadavg()[0]);

async function main(): Promise<void> {
  if (!existsSync(join(MODEL_DIR, 'onnx', 'model_quantized.onnx'))) {
    await makeModel({ out: MODEL_DIR, preset: 'minilm', quant: true });
  }
  const { data } = await buildData();
  const bench = data.cases.find((c) => c.name === CASE);
  if (!bench) throw new Error(`no case ${CASE}`);
  const threads = availableParallelism();
  const fp32 = await CrossEncoder.load({ ...modelSpec('fp32'), threads });
  const q8 = await CrossEncoder.load({ ...modelSpec('q8'), threads });
  const contenders: Contender[] = [
    { name: 'fp32-batched', encoder: fp32, options: {}, ms: [], cpuMs: [] },
    { name: 'q8-single', encoder: q8, options: { singlePairQ8: true }, ms: [], cpuMs: [] },
    { name: 'q8-batched', encoder: q8, options: { singlePairQ8: false }, ms: [], cpuMs: [] },
  ];
  const loadBefore = load1();
  const run = async (c: Contender) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const out = await c.encoder.score(data.query, bench.documents, c.options);
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (out.scores.length !== bench.documents.length) throw new Error(`${c.name} scored ${out.scores.length} pairs`);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  };
  for (const c of contenders) await run(c); // warm-up
  const loads: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(rep + k) % contenders.length];
      const { ms, cpuMs } = await run(c);
      c.ms.push(ms);
      c.cpuMs.push(cpuMs);
    }
    loads.push(load1());
  }
  await Promise.all([fp32.dispose(), q8.dispose()]);

  const pairs = bench.documents.length;
  const rate = (c: Contender) => pairs / (median(c.ms) / 1000);
  console.log(`q8 one pair per run vs fp32 batched: ${pairs} pairs, tokens ${bench.tokens.min}-${bench.tokens.max} ` +
    `(median ${bench.tokens.median}), ${threads} threads, ${REPS} interleaved runs each`);
  console.log(`load average (1 min): ${loadBefore} before, ${loads.join(' / ')} during, on ${availableParallelism()} cores`);
  for (const c of contenders) {
    console.log(`  ${c.name.padEnd(13)} median ${round1(median(c.ms)).toString().padStart(7)} ms  ${round1(rate(c)).toString().padStart(6)} pairs/s` +
      `  (CPU ${Math.round(median(c.cpuMs))} ms)  runs ${c.ms.map((m) => Math.round(m)).join(' ')}`);
  }
  const ratio = rate(contenders[1]) / rate(contenders[0]);
  const cpuRatio = median(contenders[0].cpuMs) / median(contenders[1].cpuMs);
  console.log(`q8-single / fp32-batched = ${ratio.toFixed(2)}x throughput (target >= 1.6x: ${ratio >= 1.6 ? 'PASS' : 'FAIL'}); ` +
    `${cpuRatio.toFixed(2)}x by CPU time`);
  console.log(`q8-single / q8-batched   = ${(rate(contenders[1]) / rate(contenders[2])).toFixed(2)}x`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
