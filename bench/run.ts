/**
 * `npm run bench [-- --full | --only <name>[,<name>…] | --smoke | --list]`
 *
 * Finds the sections (bench/sections/*.ts, each file's default export) and runs the selected ones one after the
 * other, each in a process of its own (bench/harness/host.ts): by default the quick ones (≤ 5 min together on
 * 2 cores), with --full all of them in their complete form, with --only the named ones. Prints each section's
 * table, notes and targets as it finishes, then every target and the load average, and writes
 * bench/results/latest.json (full.json with --full).
 * Exit code 0 when every section ran (a failed target only reports), 1 when one failed.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadSection, type HostOptions } from './harness/host';
import { BenchChild, stopAll } from './harness/ipc';
import { LoadSampler, type LoadStats } from './harness/load';
import { table, targetLine } from './harness/print';
import { resultsFile, writeResults, type Mode, type SectionRecord } from './harness/results';
import { isSection, target, type Section, type SectionResult } from './harness/section';

const ROOT = resolve(__dirname, '..');
const SECTIONS_DIR = join(__dirname, 'sections');
/** The default run's budget on the 2-core reference machine. */
const DEFAULT_BUDGET_S = 300;
const USAGE = 'usage: npm run bench [-- --full] [--only <name>[,<name>…]] [--smoke] [--list]';

interface Args {
  full: boolean;
  smoke: boolean;
  list: boolean;
  only: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { full: false, smoke: false, list: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--full') args.full = true;
    else if (arg === '--smoke') args.smoke = true;
    else if (arg === '--list') args.list = true;
    else if (arg === '--only' && argv[i + 1]) args.only.push(...argv[++i].split(',').filter(Boolean));
    else if (arg.startsWith('--only=')) args.only.push(...arg.slice('--only='.length).split(',').filter(Boolean));
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return args;
}

function discover(): { file: string; section: Section }[] {
  const found = readdirSync(SECTIONS_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => {
      const file = join(SECTIONS_DIR, f);
      const section = loadSection(file);
      if (!isSection(section)) throw new Error(`${relative(ROOT, file)} must export a Section by default (see bench/README.md)`);
      return { file, section };
    });
  const names = found.map((s) => s.section.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new Error(`two sections are named "${twice}"`);
  return found;
}

function select(all: ReturnType<typeof discover>, args: Args): ReturnType<typeof discover> {
  if (!args.only.length) return all.filter((s) => args.full || s.section.quick);
  const unknown = args.only.filter((n) => !all.some((s) => s.section.name === n));
  if (unknown.length) throw new Error(`no section named ${unknown.join(', ')}; there are: ${all.map((s) => s.section.name).join(', ')}`);
  return all.filter((s) => args.only.includes(s.section.name));
}

const loadText = (l: LoadStats): string => `1-min load average at start ${l.atStart}, mean ${l.mean}, max ${l.max}`;

function printSection(section: Section, record: SectionRecord, result: SectionResult | undefined): void {
  const lines = ['', `== ${section.name}: ${section.title}`, `   ${Math.round(record.seconds)} s; ${loadText(record.load)}`, ''];
  if (record.error) lines.push(`ERROR: ${record.error}`);
  if (result?.rows?.length) lines.push(...table(result.rows), '');
  if (result?.notes?.length) lines.push(...result.notes, '');
  if (record.targets.length) lines.push('Targets:', ...record.targets.map((t) => `  ${targetLine(t)}`));
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runSection(file: string, section: Section, options: HostOptions, mode: Mode, sampler: LoadSampler): Promise<SectionRecord> {
  process.stderr.write(`\n[${section.name}] ${section.title}\n`);
  const mark = sampler.mark();
  const t0 = performance.now();
  const host = new BenchChild(section.name, relative(ROOT, join(__dirname, 'harness', 'host.ts')), [file, JSON.stringify(options)]);
  let result: SectionResult | undefined;
  let error: string | undefined;
  try {
    result = await host.result<SectionResult>();
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
  } finally {
    await host.close();
  }
  const record: SectionRecord = {
    title: section.title,
    quick: section.quick,
    mode,
    date: new Date().toISOString(),
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    load: sampler.since(mark),
    figures: result?.figures ?? {},
    targets: result?.targets ?? [],
    ...(error ? { error } : {}),
  };
  printSection(section, record, result);
  return record;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const all = discover();
  if (args.list) {
    for (const { section } of all) process.stdout.write(`${section.name.padEnd(20)} ${section.quick ? 'default' : '--full '}  ${section.title}\n`);
    return;
  }
  const chosen = select(all, args);
  const mode: Mode = args.full ? 'full' : 'default';
  const runDir = mkdtempSync(join(tmpdir(), 'rerank-lens-bench-'));
  const options: HostOptions = { full: args.full, smoke: args.smoke, runDir };
  const sampler = new LoadSampler();
  const t0 = performance.now();
  const records: Record<string, SectionRecord> = {};
  try {
    for (const { file, section } of chosen) records[section.name] = await runSection(file, section, options, mode, sampler);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
  const seconds = Math.round((performance.now() - t0) / 1000);
  const load = sampler.since(0);
  sampler.stop();

  const wholeDefault = mode === 'default' && !args.only.length && !args.smoke;
  const lines = ['', `== Summary: ${mode} run of ${chosen.map((s) => s.section.name).join(', ')}; ${seconds} s; ${loadText(load)} on ${availableParallelism()} cores`];
  const checks = Object.entries(records).flatMap(([name, r]) => r.targets.map((t) => ({ t, label: `${name}: ${t.name}` })));
  if (wholeDefault) checks.push({ t: target('default run wall time', seconds, 'max', DEFAULT_BUDGET_S, 's'), label: 'run: default run wall time' });
  const width = Math.max(0, ...checks.map((c) => c.label.length));
  lines.push(...checks.map(({ t, label }) => `  ${targetLine(t, label, width)}`));
  const failed = Object.entries(records).filter(([, r]) => r.error);
  lines.push(`${checks.filter((c) => c.t.pass).length}/${checks.length} targets met${failed.length ? `; FAILED sections: ${failed.map(([n]) => n).join(', ')}` : ''}.`);
  if (load.mean > availableParallelism() + 0.5) {
    lines.push(`WARNING: the machine was busy with other work (load average mean ${load.mean} on ${availableParallelism()} cores, of which the benchmark is about one per core):`);
    lines.push('  multi-threaded contenders lose most; timings, event-loop delay and cancel latency are not representative.');
  }
  if (args.smoke) lines.push('--smoke: results not written.');
  else {
    const file = resultsFile(mode);
    writeResults(file, { mode, only: args.only.length > 0, date: new Date().toISOString(), seconds, load, sections: Object.keys(records) }, records);
    lines.push(`Wrote ${relative(ROOT, file)}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  if (failed.length) process.exitCode = 1;
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  stopAll();
  process.exitCode = 1;
});
