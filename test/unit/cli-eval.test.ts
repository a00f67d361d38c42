import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBeirCorpus, readBeirQueries } from '../../src/core/eval/beir';
import { documentText } from '../../src/core/eval/inputs';
import { keyedMetrics, METRIC_NAMES, metricKey, queryMetrics, type Metrics } from '../../src/core/eval/metrics';
import { readQrelsFile } from '../../src/core/eval/qrels';
import { readTrecRunFile } from '../../src/core/eval/run';
import { CrossEncoder } from '../../src/core/scoring/cross-encoder';
import { CLI, REPO, SAMPLE, assertBuilt, fixtureModel } from '../support/models';
import { assertMatchesTrecEval, readTrecEvalOutput } from '../support/trec-eval';

const DIR = join(SAMPLE, 'eval');
const FIXTURES = join(REPO, 'test', 'fixtures', 'eval');
const INPUTS = ['--corpus', 'corpus.jsonl', '--queries', 'queries.jsonl', '--qrels', 'qrels/test.tsv'];
const BOTH = [...INPUTS, '--run', 'run.dense.txt', '--run', 'run.bm25.txt'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = DIR): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'eval', ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

type Keyed = Record<string, number>;
interface Json {
  queries: number;
  skipped: string[];
  k: number;
  input: Keyed;
  rrf: Keyed | null;
  reranked: Keyed | null;
  sources: { name: string; metrics: Keyed }[];
  perQuery: { id: string; input: Keyed; rrf: Keyed | null; reranked: Keyed | null }[];
  model: { name: string; dtype: string; topN: number } | null;
  comparison: null | { leftLabel: string; rightLabel: string; overlap: number; tau: number | null; left: Keyed; right: Keyed; perQuery: { id: string; delta: Keyed; overlap: number }[] };
}

const unkey = (m: Keyed, k: number) => Object.fromEntries(METRIC_NAMES.map((n) => [n, m[metricKey(n, k)]])) as unknown as Metrics;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('rerank-lens eval', function () {
  this.timeout(180_000);
  let model: string;
  let tmp: string;

  before(async () => {
    assertBuilt();
    model = await fixtureModel('tiny');
    tmp = await mkdtemp(join(tmpdir(), 'rl-eval-'));
  });

  it('--no-rerank reproduces the hand-computed figures of the trec_eval fixture exactly, skipping the query without a relevant judgment', async () => {
    // The fixture's qrels and run (ties, a relevant document at rank 11, a judged query missing from the run).
    const ids = new Set<string>();
    for (const line of readFileSync(join(FIXTURES, 'run.txt'), 'utf8').split('\n')) if (line.trim()) ids.add(line.split(/\s+/)[2]);
    for (const line of readFileSync(join(FIXTURES, 'qrels.txt'), 'utf8').split('\n')) if (line.trim()) ids.add(line.split(/\s+/)[2]);
    await writeFile(join(tmp, 'corpus.jsonl'), [...ids].map((id) => JSON.stringify({ _id: id, text: `document ${id}` })).join('\n'));
    await writeFile(join(tmp, 'queries.jsonl'), ['q1', 'q2', 'q3', 'q4', 'q5'].map((id) => JSON.stringify({ _id: id, text: `query ${id}` })).join('\n'));
    const run = await cli(['--corpus', 'corpus.jsonl', '--queries', 'queries.jsonl', '--run', join(FIXTURES, 'run.txt'), '--qrels', join(FIXTURES, 'qrels.txt'), '--no-rerank', '--json'], tmp);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as Json;
    assert.equal(json.queries, 4);
    assert.deepEqual(json.skipped, ['q3']);
    assert.equal(json.reranked, null);
    assert.equal(json.rrf, null, 'one run: no fusion');
    assert.equal(json.model, null, 'no model loaded');
    const q = (id: string) => json.perQuery.find((p) => p.id === id)!.input;
    // q2: a, b, c all score 1.0; trec_eval orders ties by docid descending: c (0), b (1), a (1).
    assert.equal(q('q2')['ndcg@10'], (1 / Math.log2(3) + 1 / Math.log2(4)) / (1 / Math.log2(2) + 1 / Math.log2(3)));
    assert.equal(q('q2')['mrr@10'], 1 / 2);
    assert.equal(q('q2')['precision@10'], 2 / 10);
    assert.equal(q('q2').map, (1 / 2 + 2 / 3) / 2);
    // q5: its only retrieved relevant document is at rank 11; "never" is never retrieved.
    assert.deepEqual(q('q5'), { 'ndcg@10': 0, 'mrr@10': 0, 'recall@10': 0, 'precision@10': 0, 'hit_rate@10': 0, map: 1 / 11 / 2 });
    // q4: judged, missing from the run: zeros, counted in the means.
    assert.ok(Object.values(q('q4')).every((v) => v === 0));
    const reference = readTrecEvalOutput(readFileSync(join(FIXTURES, 'trec_eval-10.0.txt'), 'utf8'));
    for (const p of json.perQuery) assertMatchesTrecEval(unkey(p.input, 10), reference, 10, p.id, 'cli');
    for (const key of Object.keys(json.input)) assert.equal(json.input[key], mean(json.perQuery.map((p) => p.input[key])), key);
  });

  it('--no-rerank on sample/eval prints the figures of its README and matches trec_eval per query for both runs and their RRF', async () => {
    const run = await cli([...BOTH, '--no-rerank', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const json = JSON.parse(run.stdout) as Json;
    assert.equal(json.queries, 22);
    assert.deepEqual(json.skipped, ['q19']);
    assert.deepEqual(json.sources.map((s) => s.name), ['run.dense.txt', 'run.bm25.txt']);
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const [label, metrics] of [['dense (LSA)', json.sources[0].metrics], ['BM25', json.sources[1].metrics], ['RRF (k = 60)', json.rrf!]] as const) {
      const row = `| ${label} | ${METRIC_NAMES.map((n) => metrics[metricKey(n, 10)].toFixed(3)).join(' | ')} |`;
      assert.ok(readme.includes(row), `README lacks ${row}`);
    }
    const rrf = readTrecEvalOutput(readFileSync(join(FIXTURES, 'sample-rrf-trec_eval-10.0.txt'), 'utf8'));
    for (const p of json.perQuery) assertMatchesTrecEval(unkey(p.rrf!, 10), rrf, 10, p.id, 'rrf');

    const table = await cli([...BOTH, '--no-rerank']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^# Evaluation of run\.dense\.txt \+ run\.bm25\.txt\n/);
    assert.match(table.stdout, /\| RRF \(k = 60\) \| \*\*0\.906\*\* \|/);
    assert.doesNotMatch(table.stdout, /\| Reranked \|/);
    const walkthrough = table.stdout.split('\n').slice(0, 10).join('\n');
    assert.ok(readFileSync(join(REPO, 'README.md'), 'utf8').includes(walkthrough), 'the README\'s Evaluate walkthrough prints what the CLI prints');
  });

  it('reranks every query with the tiny model; the written run holds the cross-encoder scores and evaluates to the report', async () => {
    const out = join(tmp, 'out');
    const run = await cli([...BOTH, '--model', model, '--json', '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Reranked 295 pairs of 23 queries in [\d.]+ s/);
    const json = JSON.parse(run.stdout) as Json;
    assert.deepEqual(json.model, { name: model, dtype: 'fp32', topN: 100 });
    assert.ok(json.reranked && json.perQuery.every((p) => p.reranked));
    assert.deepEqual((await readdir(out)).sort(), ['report.json', 'report.md', 'run.reranked.txt']);
    assert.deepEqual(JSON.parse(await readFile(join(out, 'report.json'), 'utf8')), json);
    assert.equal(await readFile(join(out, 'report.md'), 'utf8'), (await cli([...BOTH, '--model', model])).stdout);

    const written = await readTrecRunFile(join(out, 'run.reranked.txt'));
    const { qrels } = await readQrelsFile(join(DIR, 'qrels', 'test.tsv'));
    for (const p of json.perQuery) {
      const order = written.queries.get(p.id)!.map((e) => e.docId);
      assert.deepEqual(keyedMetrics(queryMetrics(order, qrels.get(p.id), 10), 10), p.reranked, `${p.id}: the written run evaluates as reported`);
    }
    // The scores are the cross-encoder's raw logits of (query, title + " " + text), as scored alone.
    const corpus = (await readBeirCorpus(join(DIR, 'corpus.jsonl'))).entries;
    const queries = (await readBeirQueries(join(DIR, 'queries.jsonl'))).entries;
    const q07 = written.queries.get('q07')!;
    const encoder = await CrossEncoder.load({ model, dtype: 'fp32', cacheDir: tmp, allowRemote: false });
    try {
      const { scores } = await encoder.score(queries.get('q07')!.text, q07.map((e) => documentText(corpus.get(e.docId)!)));
      q07.forEach((e, i) => assert.ok(Math.abs(e.score - scores[i]) < 1e-5, `${e.docId}: ${e.score} vs ${scores[i]}`));
    } finally {
      await encoder.dispose();
    }
  });

  it('--top-n reranks only the first n of each run; the rest keeps its input order below', async () => {
    // --no-cache: the pairs counted are scored now, whatever earlier tests left in the score cache.
    const run = await cli([...BOTH, '--model', model, '--top-n', '2', '--no-cache', '--out', join(tmp, 'top2')]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Reranked \d+ pairs of 23 queries/);
    const pairs = Number(/Reranked (\d+) pairs/.exec(run.stderr)![1]);
    assert.ok(pairs >= 23 * 2 && pairs <= 23 * 4, `${pairs} pairs`);
    const written = await readTrecRunFile(join(tmp, 'top2', 'run.reranked.txt'));
    const dense = await readTrecRunFile(join(DIR, 'run.dense.txt'));
    const bm25 = await readTrecRunFile(join(DIR, 'run.bm25.txt'));
    const q01 = written.queries.get('q01')!.map((e) => e.docId);
    const candidates = new Set([...dense.queries.get('q01')!.slice(0, 2), ...bm25.queries.get('q01')!.slice(0, 2)].map((e) => e.docId));
    assert.deepEqual(new Set(q01.slice(0, candidates.size)), candidates, 'the candidates come first');
    const input = [...new Set([...dense.queries.get('q01')!, ...bm25.queries.get('q01')!].map((e) => e.docId))];
    assert.deepEqual(q01.slice(candidates.size), input.filter((id) => !candidates.has(id)), 'the rest in input order');
  });

  it('compares fp32 with q8 side by side: means, deltas, overlap@k and Kendall\'s tau', async () => {
    const run = await cli([...INPUTS, '--run', 'run.dense.txt', '--model', model, '--compare-dtype', 'q8', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const { comparison, reranked } = JSON.parse(run.stdout) as Json;
    assert.ok(comparison);
    assert.match(comparison.leftLabel, /\(fp32\)$/);
    assert.match(comparison.rightLabel, /\(q8\)$/);
    assert.deepEqual(comparison.left, reranked, 'the left side is the report\'s reranking');
    // Both rerank the same 10 candidates per query: the top 10 hold the same documents.
    assert.equal(comparison.overlap, 1);
    assert.ok(comparison.tau !== null && comparison.tau > -1 && comparison.tau <= 1);
    for (const key of Object.keys(comparison.left)) assert.ok(Math.abs(comparison.right[key] - comparison.left[key] - mean(comparison.perQuery.map((q) => q.delta[key]))) < 1e-12);

    const other = await cli([...INPUTS, '--run', 'run.dense.txt', '--no-rerank', '--compare-run', 'run.bm25.txt']);
    assert.equal(other.code, 0, other.stderr);
    assert.match(other.stdout, /## Side by side: run\.dense\.txt vs run\.bm25\.txt/);
    assert.match(other.stdout, /Agreement over 22 queries: overlap@10 0\.\d{3}, Kendall's tau -?\d\.\d{3}/);
  });

  it('reads a results file whose {query, results} maps to a query id by its text', async () => {
    const corpus = (await readBeirCorpus(join(DIR, 'corpus.jsonl'))).entries;
    const dense = await readTrecRunFile(join(DIR, 'run.dense.txt'));
    const results = { query: 'What is the  context size of Mixtral?', results: dense.queries.get('q01')!.map((e) => ({ id: e.docId, text: corpus.get(e.docId)!.text, score: e.score })) };
    const file = join(tmp, 'q01-results.json');
    await writeFile(file, JSON.stringify(results, null, 2));
    const fromResults = JSON.parse((await cli([...INPUTS, '--run', file, '--no-rerank', '--json'])).stdout) as Json;
    const fromTrec = JSON.parse((await cli([...INPUTS, '--run', 'run.dense.txt', '--no-rerank', '--json'])).stdout) as Json;
    assert.deepEqual(fromResults.perQuery.find((p) => p.id === 'q01')!.input, fromTrec.perQuery.find((p) => p.id === 'q01')!.input);
    assert.equal(fromResults.queries, 22, 'judged queries the file lacks count as empty rankings');

    await writeFile(file, JSON.stringify({ ...results, query: 'Not a query of the set' }));
    const unknown = await cli([...INPUTS, '--run', file, '--no-rerank']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /q01-results\.json:1:\d+: the query "Not a query of the set" is not in queries\.jsonl/);
  });

  it('reads a file of several result sets (OpenInference retriever spans), one query each', async () => {
    const corpus = (await readBeirCorpus(join(DIR, 'corpus.jsonl'))).entries;
    const queries = (await readBeirQueries(join(DIR, 'queries.jsonl'))).entries;
    const dense = await readTrecRunFile(join(DIR, 'run.dense.txt'));
    const span = (qid: string) => ({
      name: 'retrieve',
      span_kind: 'RETRIEVER',
      attributes: {
        'openinference.span.kind': 'RETRIEVER',
        'input.value': queries.get(qid)!.text,
        'retrieval.documents': dense.queries.get(qid)!.map((e) => ({ 'document.id': e.docId, 'document.content': corpus.get(e.docId)!.text, 'document.score': e.score })),
      },
    });
    const file = join(tmp, 'spans.json');
    await writeFile(file, JSON.stringify([span('q02'), span('q05')], null, 2));
    const run = await cli([...INPUTS, '--run', file, '--no-rerank', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const fromSpans = JSON.parse(run.stdout) as Json;
    const fromTrec = JSON.parse((await cli([...INPUTS, '--run', 'run.dense.txt', '--no-rerank', '--json'])).stdout) as Json;
    for (const qid of ['q02', 'q05']) assert.deepEqual(fromSpans.perQuery.find((p) => p.id === qid)!.input, fromTrec.perQuery.find((p) => p.id === qid)!.input, qid);
    assert.ok(Object.values(fromSpans.perQuery.find((p) => p.id === 'q01')!.input).every((v) => v === 0), 'a judged query no span holds is an empty ranking');
  });

  const bad: [string, (dir: string) => Promise<string[]>, RegExp][] = [
    ['a run given as qrels', async () => [...INPUTS.slice(0, 4), '--qrels', 'run.bm25.txt', '--run', 'run.dense.txt'], /^rerank-lens: run\.bm25\.txt:1: this looks like a TREC run line/m],
    [
      'a qrels line with a non-integer grade',
      async (dir) => {
        await writeFile(join(dir, 'grades.tsv'), 'query-id\tcorpus-id\tscore\nq01\t0\t3\nq01\t2\thigh\n');
        return [...INPUTS.slice(0, 4), '--qrels', join(dir, 'grades.tsv'), '--run', 'run.dense.txt'];
      },
      /grades\.tsv:3: the grade "high" is not an integer/,
    ],
    [
      'a run document missing from the corpus',
      async (dir) => {
        await writeFile(join(dir, 'run.txt'), 'q01 Q0 0 1 2.0 t\nq01 Q0 doc-404 2 1.0 t\n');
        return [...INPUTS, '--run', join(dir, 'run.txt')];
      },
      /run\.txt:2: document doc-404 \(query q01\) is not in corpus\.jsonl/,
    ],
    [
      'a run query missing from the queries',
      async (dir) => {
        await writeFile(join(dir, 'run-q.txt'), 'q01 Q0 0 1 2.0 t\n\nq99 Q0 1 1 1.0 t\n');
        return [...INPUTS, '--run', join(dir, 'run-q.txt')];
      },
      /run-q\.txt:3: query q99 is not in queries\.jsonl/,
    ],
  ];
  for (const [what, args, pattern] of bad) {
    it(`exits 2 naming the file and line on ${what}, writing nothing`, async () => {
      const dir = await mkdtemp(join(tmp, 'bad-'));
      const out = join(dir, 'out');
      const run = await cli([...(await args(dir)), '--model', model, '--out', out]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, pattern);
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
      assert.equal(run.stdout, '');
      assert.ok(!existsSync(out), 'no output folder');
    });
  }

  it('refuses an --out that would overwrite an input, and usage mistakes exit 1', async () => {
    const clash = await cli([...INPUTS, '--run', 'report.md', '--no-rerank', '--out', '.']);
    assert.equal(clash.code, 2);
    assert.match(clash.stderr, /--out \. would overwrite the input file .*report\.md/);
    const usage = await cli(['--corpus', 'corpus.jsonl']);
    assert.equal(usage.code, 1);
    assert.match(usage.stderr, /Missing --queries, --run, --qrels/);
    assert.match(usage.stderr, /Usage: rerank-lens eval/);
  });

  it('stops on Ctrl-C while scoring: exit 130, no output files', async () => {
    const out = join(tmp, 'cancelled');
    const child = spawn(process.execPath, [CLI, 'eval', ...BOTH, '--model', model, '--out', out, '--top-n', '100', '--no-cache'], { cwd: DIR });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/Scored \d+\//.test(stderr) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 130, stderr);
    assert.match(stderr, /rerank-lens: cancelled\n$/);
    assert.ok(!existsSync(out), 'nothing written');
  });
});
