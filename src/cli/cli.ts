import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isCancelled, isInputError } from '../core/errors';
import { mergeResults } from '../core/merge';
import { readResultsFile } from '../core/read-results';
import { rankByScore, toReport } from '../core/rerank';
import { DEFAULT_MODEL, type Dtype, type ModelSpec } from '../core/scoring/protocol';
import { ScoringWorker } from '../core/scoring/worker-client';
import { formatTable } from './table';

const USAGE = `Usage: rerank-lens rerank FILE... [--query TEXT] [options]

Reranks retrieval results (JSON array, {query, results} or JSONL files, merged by id)
with a cross-encoder and prints them, best first.

Options:
  -q, --query TEXT       the query (default: the "query" stored in a results file)
  -m, --model ID|DIR     hub model id or a local model folder (default ${DEFAULT_MODEL})
      --dtype fp32|q8    model precision (default fp32)
  -k, --top-k N          keep only the N best documents
      --json             print JSON instead of a table
      --max-length N     max tokens per query/document pair (default: the model's, 512)
      --cache-dir DIR    where downloaded models are kept (default ~/.cache/rerank-lens/models)
      --offline          never download; use the cache or a local folder only
  -h, --help             show this help

Exit codes: 0 success, 1 usage error, 2 bad input (files, query or model), 3 internal error.
The default model downloads from the Hugging Face hub on first use (HF_ENDPOINT picks a mirror).`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv);
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const [command, ...files] = positionals;
  if (command !== 'rerank') throw new UsageError(command ? `Unknown command "${command}".` : 'No command given.');
  if (files.length === 0) throw new UsageError('Name at least one results file.');
  const dtype = (values.dtype ?? 'fp32') as Dtype;
  if (dtype !== 'fp32' && dtype !== 'q8') throw new UsageError(`--dtype must be fp32 or q8, got "${values.dtype}".`);
  const topK = optionalInt(values['top-k'], '--top-k');
  const maxLength = optionalInt(values['max-length'], '--max-length');

  const parsed = await Promise.all(files.map((f) => readResultsFile(resolve(f), { displayName: f })));
  const merged = mergeResults(parsed);
  for (const warning of merged.warnings) process.stderr.write(`warning: ${warning}\n`);
  const query = (values.query ?? merged.query ?? '').trim();
  if (!query) {
    throw new UsageError('The query is empty. Pass --query "…" (or store a "query" in a results file).');
  }

  const modelArg = values.model ?? DEFAULT_MODEL;
  const spec: ModelSpec = {
    model: existsSync(modelArg) ? resolve(modelArg) : modelArg,
    dtype,
    cacheDir: resolve(values['cache-dir'] ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rerank-lens', 'models')),
    allowRemote: !values.offline && process.env.HF_HUB_OFFLINE !== '1',
    remoteHost: process.env.HF_ENDPOINT ? process.env.HF_ENDPOINT.replace(/\/?$/, '/') : undefined,
    maxLength,
  };
  const worker = new ScoringWorker({ workerPath: join(__dirname, 'worker.js') });
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  const started = performance.now();
  try {
    const { scores } = await worker.score({
      model: spec,
      query,
      documents: merged.documents.map((d) => d.text),
      signal: abort.signal,
      onProgress: process.stderr.isTTY ? showProgress : undefined,
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const ranked = rankByScore(merged.documents, scores);
    if (values.json) {
      process.stdout.write(JSON.stringify(toReport(query, modelArg, ranked, topK), null, 2) + '\n');
    } else {
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(formatTable(query, `${modelArg} (${dtype})`, ranked, topK, seconds));
    }
    return 0;
  } finally {
    await worker.dispose();
  }
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        query: { type: 'string', short: 'q' },
        model: { type: 'string', short: 'm' },
        dtype: { type: 'string' },
        'top-k': { type: 'string', short: 'k' },
        json: { type: 'boolean' },
        'max-length': { type: 'string' },
        'cache-dir': { type: 'string' },
        offline: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function optionalInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number, got "${value}".`);
  return n;
}

function showProgress(p: import('../core/scoring/protocol').Progress): void {
  const line =
    p.phase === 'download' ? `Downloading ${p.file} ${Math.round(p.percent)}%` : p.phase === 'load' ? 'Loading model…' : `Scored ${p.done}/${p.total}`;
  process.stderr.write(`\r\x1b[K${line}`);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`rerank-lens: ${err.message}\n\n${USAGE}\n`);
      process.exitCode = 1;
    } else if (isInputError(err)) {
      process.stderr.write(`rerank-lens: ${err.message}\n`);
      process.exitCode = 2;
    } else if (isCancelled(err)) {
      process.stderr.write('rerank-lens: cancelled\n');
      process.exitCode = 130;
    } else {
      process.stderr.write(`rerank-lens: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 3;
    }
  },
);
