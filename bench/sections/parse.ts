/**
 * Parse throughput: `parseResults` (format detection, mapping, positions of every document for the error
 * messages) on a 50 MB / 20,000-document results file in three shapes, against `JSON.parse` of the same text,
 * the floor. Both run on this process's thread, interleaved, after a forced GC each, so one run's garbage does
 * not land in the next one's time. Also the positions scan alone on a tenth of the file and on all of it:
 * linear means ~10× the time for ~10× the bytes.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { median, round1 } from '../common';
import { interleave, timing } from '../harness/interleave';
import type { Row, Section } from '../harness/section';
import { DOCS, SHAPES, TARGET_MB, chunkTexts } from '../results-files';

const mb = (text: string): number => Buffer.byteLength(text) / (1024 * 1024);

const section: Section = {
  name: 'parse',
  title: `parse throughput: parseResults vs JSON.parse on a ${TARGET_MB} MB / ${DOCS} document file, three shapes`,
  quick: false,
  async run(ctx) {
    const { parseResults } = await import('../../src/core/parse');
    const { locate } = await import('../../src/core/formats/positions');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const timed = (fn: () => unknown) => async (): Promise<number> => {
      gc();
      const start = performance.now();
      fn();
      return performance.now() - start;
    };
    const reps = ctx.reps(3, 5);
    const chunks = chunkTexts();
    const rows: Row[] = [];
    const shapes: Record<string, unknown>[] = [];
    for (const [shape, build] of Object.entries(SHAPES)) {
      const text = JSON.stringify(build(chunks), null, 1);
      const size = mb(text);
      const runs = await interleave([
        { key: 'parseResults', reps, run: timed(() => parseResults(text, 'bench.json')), warmUp: () => Promise.resolve(parseResults(text, 'warm-up.json')) },
        { key: 'JSON.parse', reps, run: timed(() => JSON.parse(text)) },
      ]);
      const [ours, floor] = [timing(size, runs.parseResults), timing(size, runs['JSON.parse'])];
      rows.push({ shape, MB: size, 'parseResults MB/s': ours.perSec, 'JSON.parse MB/s': floor.perSec, 'ours / JSON.parse': `${(ours.perSec / floor.perSec).toFixed(2)}×` });
      shapes.push({ shape, megabytes: round1(size), parseResultsMBPerSec: ours.perSec, jsonParseMBPerSec: floor.perSec, ratio: round1((ours.perSec / floor.perSec) * 100) / 100, runsMs: runs });
      ctx.log(`${shape}: parseResults ${ours.perSec} MB/s, JSON.parse ${floor.perSec} MB/s`);
    }

    // The positions scan alone, on a tenth of the file and on all of it.
    const seed = SHAPES['seed array'](chunks) as unknown[];
    const full = JSON.stringify(seed, null, 1);
    const tenth = JSON.stringify(seed.slice(0, DOCS / 10), null, 1);
    const scan = async (text: string, n: number): Promise<number> => {
      const runs: number[] = [];
      for (let r = 0; r < reps; r++) runs.push(await timed(() => locate(text, Array.from({ length: n }, (_, i) => [i])))());
      return round1(median(runs));
    };
    const small = await scan(tenth, DOCS / 10);
    const large = await scan(full, DOCS);
    const scaling = { smallMB: round1(mb(tenth)), smallMs: small, largeMB: round1(mb(full)), largeMs: large, timeRatio: round1(large / small), bytesRatio: round1(mb(full) / mb(tenth)) };
    return {
      rows,
      notes: [
        `Median of ${reps} runs each, interleaved, a forced GC before each; MB/s = file MB / wall time of one parse on this thread.`,
        `Positions scan alone: ${scaling.smallMB} MB in ${small} ms, ${scaling.largeMB} MB in ${large} ms (${scaling.timeRatio}× the time for ${scaling.bytesRatio}× the bytes; linear: the two about equal).`,
      ],
      figures: { documents: DOCS, shapes, positionsScan: scaling },
    };
  },
};

export default section;
