/**
 * Reading a 50 MB results file without freezing the editor: the host thread's event-loop delay while the reader
 * worker parses and sends the documents back in chunks (the editor's path), against the same thread idle and
 * idle while another worker parses the file (the baselines, same run); the same read with everything in one
 * message, and on the host thread (the CLI's path); then the editor's next steps on its thread. The measurements
 * are in bench/parse-host.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../common';
import type { Row, Section } from '../harness/section';
import { DOCS } from '../results-files';

const section: Section = {
  name: 'parse-host',
  title: 'reading a 50 MB results file in the reader worker: host event-loop delay vs idle baselines, MB/s',
  quick: false,
  async run(ctx) {
    if (!existsSync(join(ROOT, 'dist', 'reader.js'))) throw new Error('dist/reader.js is missing: run `npm run build` first (npm run bench does).');
    const { run } = await import('../parse-host');
    const f = await run({ reps: ctx.reps(3), log: ctx.log });
    const delay = (d: { p99Ms: number; maxMs: number }) => `${d.p99Ms} / ${d.maxMs}`;
    const rows: Row[] = [
      { read: 'idle (baseline)', MB: '-', 'MB/s': '-', 'loop p99 / max ms': delay(f.idle), 'p99 vs idle': '1.00×', 'thread busy ms': f.idle.activeMs },
      { read: 'idle, a worker parses (baseline)', MB: '-', 'MB/s': '-', 'loop p99 / max ms': delay(f.idleBusyWorker), 'p99 vs idle': `${(f.idleBusyWorker.p99Ms / f.idle.p99Ms).toFixed(2)}×`, 'thread busy ms': f.idleBusyWorker.activeMs },
      ...f.shapes.flatMap((s) => [
        { read: `${s.shape}: worker, chunks`, MB: s.megabytes, 'MB/s': s.worker.mbPerSec, 'loop p99 / max ms': delay(s.worker), 'p99 vs idle': `${(s.worker.p99Ms / f.idle.p99Ms).toFixed(2)}×`, 'thread busy ms': s.worker.activeMs },
        { read: `${s.shape}: worker, one message`, MB: s.megabytes, 'MB/s': '-', 'loop p99 / max ms': delay(s.oneMessage), 'p99 vs idle': `${(s.oneMessage.p99Ms / f.idle.p99Ms).toFixed(2)}×`, 'thread busy ms': s.oneMessage.activeMs },
        { read: `${s.shape}: this thread`, MB: s.megabytes, 'MB/s': s.onThread.mbPerSec, 'loop p99 / max ms': delay(s.onThread), 'p99 vs idle': `${(s.onThread.p99Ms / f.idle.p99Ms).toFixed(2)}×`, 'thread busy ms': s.onThread.activeMs },
      ]),
    ];
    const a = f.afterRead;
    return {
      rows,
      notes: [
        `${DOCS} documents per file; event-loop delay of the host thread (monitorEventLoopDelay, 10 ms resolution: an idle loop reads ~10), worst of ${ctx.reps(3)} runs; MB/s and busy time (eventLoopUtilization active) are medians.`,
        `Then on the host thread (median ms, each one block): merge ${a.merge}, rank ${a.rank}, tree ${a.tree}, texts to the scoring worker ${a.postTexts}.`,
      ],
      figures: { ...f },
    };
  },
};

export default section;
