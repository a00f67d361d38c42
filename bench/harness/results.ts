/**
 * The results JSON: every section's figures and targets with the load it ran under, the machine and the
 * runtime versions. A whole run replaces the file; `--only` replaces just the sections it ran, so one
 * section can be re-measured without losing the others (each section keeps its own date and load).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem, type as osType, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { LoadStats } from './load';
import type { Target } from './section';

const ROOT = resolve(__dirname, '..', '..');
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

export type Mode = 'default' | 'full';

export interface SectionRecord {
  title: string;
  quick: boolean;
  mode: Mode;
  date: string;
  seconds: number;
  load: LoadStats;
  figures: Record<string, unknown>;
  targets: Target[];
  /** Set when the section failed (it then has no figures). */
  error?: string;
}

interface ResultsFile {
  /** The last invocation that wrote this file. */
  run: { mode: Mode; only: boolean; date: string; seconds: number; load: LoadStats; sections: string[] };
  /** Every section's targets, flattened. */
  targets: (Target & { section: string })[];
  sections: Record<string, SectionRecord>;
  machine: Record<string, unknown>;
}

/** `--full` runs write full.json, so a default run never overwrites the complete sweep. */
export function resultsFile(mode: Mode): string {
  return join(RESULTS_DIR, mode === 'full' ? 'full.json' : 'latest.json');
}

function version(pkg: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export function writeResults(file: string, run: ResultsFile['run'], sections: Record<string, SectionRecord>): void {
  let kept: Record<string, SectionRecord> = {};
  if (run.only && existsSync(file)) kept = (JSON.parse(readFileSync(file, 'utf8')) as Partial<ResultsFile>).sections ?? {};
  const all = { ...kept, ...sections };
  const out: ResultsFile = {
    run,
    targets: Object.entries(all).flatMap(([section, s]) => s.targets.map((t) => ({ section, ...t }))),
    sections: all,
    machine: {
      cpu: cpus()[0]?.model,
      threads: availableParallelism(),
      memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      os: `${osType()} ${release()}`,
      node: process.version,
      onnxruntimeNode: version('onnxruntime-node'),
      transformersJs: version('@huggingface/transformers'),
    },
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
}
