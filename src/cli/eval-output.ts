import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CancelledError, InputError } from '../core/errors';
import type { Progress } from '../shared/worker-protocol';
import { progressText } from './args';

export interface OutputFile {
  name: string;
  text: string;
}

/** Output paths in `dir`, refused (exit 2) when one of them is an input file: outputs never replace inputs. */
export function outputPaths(dir: string, names: readonly string[], inputs: readonly string[]): string[] {
  const paths = names.map((name) => resolve(dir, name));
  const taken = new Set(inputs.map((p) => resolve(p)));
  const clash = paths.find((p) => taken.has(p));
  if (clash) throw new InputError('wrong-format', `--out ${dir} would overwrite the input file ${clash}. Choose another folder.`, clash);
  return paths;
}

/**
 * Writes every file or none: each goes to a temporary name first and is renamed once all are written,
 * so a cancel or a full disk never leaves a half-written report next to a complete one.
 */
export async function writeOutputs(dir: string, files: readonly OutputFile[], inputs: readonly string[], signal?: AbortSignal): Promise<string[]> {
  const paths = outputPaths(dir, files.map((f) => f.name), inputs);
  await mkdir(dir, { recursive: true });
  const temporary = paths.map((p) => `${p}.${process.pid}.tmp`);
  try {
    for (let i = 0; i < files.length; i++) {
      if (signal?.aborted) throw new CancelledError();
      await writeFile(temporary[i], files[i].text);
    }
    if (signal?.aborted) throw new CancelledError();
    for (let i = 0; i < files.length; i++) await rename(temporary[i], paths[i]);
  } catch (err) {
    await Promise.all(temporary.map((t) => rm(t, { force: true })));
    throw err;
  }
  return paths;
}

/**
 * Progress on stderr: a self-overwriting line on a terminal; otherwise (a log, a CI job) one line per
 * phase and per quarter of the scoring, so logs stay short.
 */
export function progressPrinter(): { show: (p: Progress) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastPhase = '';
  let lastQuarter = -1;
  return {
    show: (p) => {
      if (tty) {
        process.stderr.write(`\r\x1b[K${progressText(p)}`);
        return;
      }
      if (p.phase === 'download') return;
      if (p.phase === 'score') {
        const quarter = Math.floor((4 * p.done) / Math.max(1, p.total));
        if (quarter === lastQuarter) return;
        lastQuarter = quarter;
      } else if (p.phase === 'read' ? `read:${p.file}` === lastPhase : p.phase === lastPhase) return;
      lastPhase = p.phase === 'read' ? `read:${p.file}` : p.phase;
      if (p.phase !== 'score') lastQuarter = -1;
      process.stderr.write(`${progressText(p)}\n`);
    },
    done: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}
