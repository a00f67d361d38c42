/**
 * Interleaved timing: every variant's warm-up first, then one run of each variant per round in an order that
 * rotates each round (A B, B A, …), so a change in the machine's load falls on all variants alike instead of on
 * whichever ran last. Report medians.
 */

export interface Variant {
  key: string;
  /** Timed runs (a variant with fewer sits out the later rounds). */
  reps: number;
  /** One timed run; resolves with its duration in ms (time it where the work happens, e.g. in the child). */
  run(): Promise<number>;
  /** Untimed, once before the first round (e.g. one run, or one on a smaller input). */
  warmUp?(): Promise<unknown>;
}

export interface Timing {
  medianMs: number;
  /** Items (pairs, MB, queries…) per second at the median run. */
  perSec: number;
  runsMs: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

export function timing(items: number, runsMs: readonly number[]): Timing {
  const medianMs = median(runsMs);
  return { medianMs: round1(medianMs), perSec: round1((items * 1000) / medianMs), runsMs: runsMs.map(round1) };
}

const rotate = <T>(items: readonly T[], n: number): T[] => items.map((_, i) => items[(i + n) % items.length]);

/** Runs the variants interleaved; returns each one's run times (ms) by key. */
export async function interleave(variants: readonly Variant[]): Promise<Record<string, number[]>> {
  const runs: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.key, []]));
  for (const v of variants) await v.warmUp?.();
  const rounds = Math.max(0, ...variants.map((v) => v.reps));
  for (let round = 0; round < rounds; round++) {
    for (const v of rotate(variants.filter((x) => x.reps > round), round)) runs[v.key].push(await v.run());
  }
  return runs;
}
