import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RerankReport } from '../../src/core/rerank';
import { CLI, REPO, assertBuilt, fixtureModel } from '../support/models';

const QUERY = 'What is context size of Mixtral?';
const DENSE = 'sample/dense_results.json';
const SPARSE = 'sample/sparse_results.json';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: REPO, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('the rerank-lens CLI', function () {
  this.timeout(120_000);
  let model: string;
  let tmp: string;

  before(async () => {
    assertBuilt();
    model = await fixtureModel('tiny');
    tmp = await mkdtemp(join(tmpdir(), 'rl-cli-'));
  });

  it('reranks the sample files and prints the --json report sorted by score', async () => {
    const run = await cli(['rerank', DENSE, SPARSE, '--query', QUERY, '--model', model, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as RerankReport;
    assert.equal(report.query, QUERY);
    assert.equal(report.model, model);
    assert.equal(report.results.length, 16);
    const first = report.results[0];
    assert.deepEqual(Object.keys(first).sort(), ['id', 'metadata', 'originalRank', 'probability', 'rank', 'score', 'sources', 'text']);
    assert.deepEqual(report.results.map((r) => r.rank), report.results.map((_, i) => i + 1));
    for (let i = 1; i < report.results.length; i++) assert.ok(report.results[i - 1].score >= report.results[i].score, 'sorted by score');
    assert.deepEqual(report.results.map((r) => r.originalRank).sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i + 1));
    const shared = report.results.find((r) => r.sources.length === 2)!;
    assert.deepEqual(shared.sources.map((s) => s.file), [DENSE, SPARSE]);
    assert.ok(shared.sources.every((s) => Number.isInteger(s.rank) && typeof s.score === 'number'));
    for (const r of report.results) assert.ok(Math.abs(r.probability - 1 / (1 + Math.exp(-r.score))) < 1e-12);
  });

  it('keeps the top k, and the same scores in a second run', async () => {
    const all = JSON.parse((await cli(['rerank', DENSE, SPARSE, '-q', QUERY, '-m', model, '--json'])).stdout) as RerankReport;
    const top = await cli(['rerank', DENSE, SPARSE, '-q', QUERY, '-m', model, '--json', '--top-k', '3']);
    assert.equal(top.code, 0, top.stderr);
    assert.deepEqual((JSON.parse(top.stdout) as RerankReport).results, all.results.slice(0, 3));
  });

  it('applies --min-score and --min-probability after --top-k: results holds what clears every cut', async () => {
    const all = JSON.parse((await cli(['rerank', DENSE, SPARSE, '-q', QUERY, '-m', model, '--json'])).stdout) as RerankReport;
    // A threshold between the 2nd and 3rd scores of the tiny model (its logits are all near -0.5).
    const minScore = (all.results[1].score + all.results[2].score) / 2;
    const run = await cli(['rerank', DENSE, SPARSE, '-q', QUERY, '-m', model, '--json', '-k', '5', `--min-score=${minScore}`]);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as RerankReport & { cut: Record<string, number | null> };
    assert.deepEqual(report.results, all.results.slice(0, 2));
    assert.deepEqual(report.cut, { topK: 5, minScore, minProbability: null, total: 16, kept: 2, belowTopK: 0, belowThreshold: 14 });

    const minProbability = all.results[3].probability;
    const byProbability = JSON.parse((await cli(['rerank', DENSE, SPARSE, '-q', QUERY, '-m', model, '--json', '--min-probability', String(minProbability)])).stdout) as RerankReport;
    assert.deepEqual(byProbability.results, all.results.slice(0, 4), 'inclusive, and no top k: all four above it');

    const table = await cli(['rerank', DENSE, SPARSE, '-q', QUERY, '-m', model, '-k', '5', `--min-score=${minScore}`]);
    const lines = table.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 4 + 2 + 2, table.stdout);
    assert.equal(lines.at(-1), `Kept 2 of 16 (top 5); 14 below the threshold (score ≥ ${minScore}).`);
  });

  it('prints a readable table by default', async () => {
    const run = await cli(['rerank', DENSE, SPARSE, '--query', QUERY, '--model', model]);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `Query: ${QUERY}`);
    assert.match(lines[1], /^Reranker: tiny \(fp32\) · 16 documents · \d+\.\d\d s · scores are raw logits$/);
    assert.match(lines[3], /^\s*#\s+score\s+moved\s+id\s+from\s+text$/);
    assert.equal(lines.length, 4 + 16);
    assert.match(lines[4], /^\s*1\s+-?\d+\.\d\d\s+(↑\d+|↓\d+|=)\s+\d+\s+\S+_results\.json#\d+/);
  });

  it('runs the q8 model', async () => {
    const run = await cli(['rerank', DENSE, '-q', QUERY, '-m', model, '--dtype', 'q8', '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as RerankReport).results.length, 10);
  });

  it('takes the query stored in a {query, results} file', async () => {
    const file = join(tmp, 'wrapped.json');
    await writeFile(file, JSON.stringify({ query: 'stored query', results: [{ id: 1, text: 'a' }, { id: 2, text: 'b' }] }));
    const run = await cli(['rerank', file, '-m', model, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as RerankReport).query, 'stored query');
  });

  const usage: [string, string[], RegExp][] = [
    ['no command', [], /No command given/],
    ['an unknown command', ['rank', DENSE], /Unknown command "rank"/],
    ['no files', ['rerank', '-q', QUERY], /Name at least one results file/],
    ['an empty query', ['rerank', DENSE, '-q', '  '], /The query is empty/],
    ['a missing query', ['rerank', DENSE], /The query is empty/],
    ['an unknown option', ['rerank', DENSE, '-q', QUERY, '--frobnicate'], /Unknown option '--frobnicate'/],
    ['a bad dtype', ['rerank', DENSE, '-q', QUERY, '--dtype', 'fp16'], /--dtype must be fp32 or q8/],
    ['a bad top-k', ['rerank', DENSE, '-q', QUERY, '--top-k', '0'], /--top-k must be a positive whole number/],
    ['a probability above 1', ['rerank', DENSE, '-q', QUERY, '--min-probability', '1.5'], /--min-probability must be a number between 0 and 1, got "1.5"/],
    ['a score that is no number', ['rerank', DENSE, '-q', QUERY, '--min-score', 'high'], /--min-score must be a number, got "high"/],
    ['a negative score without "="', ['rerank', DENSE, '-q', QUERY, '--min-score', '-2'], /use '--min-score=-XYZ'/],
  ];
  for (const [what, args, pattern] of usage) {
    it(`exits 1 with usage on ${what}`, async () => {
      const run = await cli(args);
      assert.equal(run.code, 1);
      assert.match(run.stderr, pattern);
      assert.match(run.stderr, /Usage: rerank-lens rerank FILE/);
      assert.equal(run.stdout, '');
    });
  }

  it('exits 2 naming the file, line and column of malformed JSON, and leaves it untouched', async () => {
    const file = join(tmp, 'broken.json');
    const text = '[\n  {"id": 1, "text": "a"}\n  {"id": 2, "text": "b"}\n]\n';
    await writeFile(file, text);
    const run = await cli(['rerank', DENSE, file, '-q', QUERY, '-m', model]);
    assert.equal(run.code, 2);
    assert.equal(run.stderr, `rerank-lens: ${file}:3:3: invalid JSON: expected ',' (a comma between items)\n`);
    assert.equal(await readFile(file, 'utf8'), text);
  });

  it('exits 2 on a missing file, a wrong shape and a wrong model folder', async () => {
    const shape = join(tmp, 'shape.json');
    await writeFile(shape, '[{"id": 1, "title": "a"}]');
    const cases: [string[], RegExp][] = [
      [['rerank', 'nope.json', '-q', QUERY, '-m', model], /^rerank-lens: nope\.json was not found\.\n$/],
      [['rerank', shape, '-q', QUERY, '-m', model], /shape\.json:1:2: item 1 \(id 1\) is missing the field "text"/],
      [['rerank', DENSE, '-q', QUERY, '-m', tmp], /is not a usable cross-encoder folder for dtype fp32: missing config\.json/],
    ];
    for (const [args, pattern] of cases) {
      const run = await cli(args);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, pattern);
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace for a user error');
    }
  });

  it('exits 2 with a clear message when the model is not cached and downloads are off', async () => {
    const run = await cli(['rerank', DENSE, '-q', QUERY, '--offline', '--cache-dir', tmp]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Xenova\/ms-marco-MiniLM-L-6-v2 \(fp32\) is not in the cache/);
  });
});
