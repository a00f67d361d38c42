/**
 * One section in a process of its own (started by bench/run.ts), so no section inherits another's memory,
 * threads or leftover handles:   node --import tsx bench/harness/host.ts <section file> <options JSON>
 * Builds the section's context, runs it and replies with its result; every process it spawned is stopped.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BenchChild, replyOnce, stopAll } from './ipc';
import { isSection, type BenchContext, type SectionResult } from './section';

export interface HostOptions {
  full: boolean;
  smoke: boolean;
  /** A directory that lives as long as the benchmark run: where `once` keeps its values. */
  runDir: string;
}

export function loadSection(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tsx compiles bench/ as CommonJS
  const mod = require(resolve(file)) as { default?: unknown };
  return mod.default;
}

function context(options: HostOptions): BenchContext {
  const children: BenchChild<unknown>[] = [];
  return {
    full: options.full,
    smoke: options.smoke,
    reps: (byDefault, full = byDefault) => (options.smoke ? 1 : options.full ? full : byDefault),
    log: (message) => void process.stderr.write(`  ${message}\n`),
    spawn: <Req>(label: string, script: string, args: readonly string[] = []) => {
      const child = new BenchChild<Req>(label, script, args);
      children.push(child as BenchChild<unknown>);
      return child;
    },
    once: async <T>(key: string, make: () => Promise<T>): Promise<T> => {
      const file = join(options.runDir, `${key.replace(/[^\w.-]/g, '_')}.json`);
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as T;
      const value = await make();
      writeFileSync(file, JSON.stringify(value));
      return value;
    },
  };
}

if (require.main === module) {
  const [file, json] = process.argv.slice(2);
  replyOnce(async (): Promise<SectionResult> => {
    const section = loadSection(file);
    if (!isSection(section)) throw new Error(`${file} does not export a Section by default (see bench/README.md)`);
    try {
      return await section.run(context(JSON.parse(json) as HostOptions));
    } finally {
      stopAll();
    }
  });
}
