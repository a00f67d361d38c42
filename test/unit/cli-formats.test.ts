import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeRead, readResultsFile } from '../../src/core/read-results';
import type { RerankReport } from '../../src/core/rerank';
import { runCli } from '../support/cli';
import { REPO, assertBuilt, fixtureModel } from '../support/models';

const QUERY = 'What is context size of Mixtral?';
const FORMATS = 'sample/formats';
const names = readdirSync(join(REPO, FORMATS)).filter((f) => /\.jsonl?$/.test(f));
const reportsOf = (stdout: string): RerankReport[] => {
  const out = JSON.parse(stdout) as RerankReport | RerankReport[];
  return Array.isArray(out) ? out : [out];
};

describe('the CLI on every sample shape', function () {
  this.timeout(300_000);
  let model: string;
  const runs = new Map<string, ReturnType<typeof runCli>>();

  before(async () => {
    assertBuilt();
    model = await fixtureModel('tiny');
    // Three CLI processes at a time: each loads the model in its own worker.
    const queue = [...names];
    const next = async (): Promise<void> => {
      const name = queue.shift();
      if (!name) return;
      const file = await readResultsFile(join(REPO, FORMATS, name));
      const stored = file.resultSets.every((s) => s.query);
      const run = runCli(['rerank', `${FORMATS}/${name}`, '-m', model, '--json', ...(stored ? [] : ['-q', QUERY])]);
      runs.set(name, run);
      await run;
      return next();
    };
    await Promise.all([next(), next(), next()]);
  });

  for (const name of names) {
    it(`reranks ${name}: ids, texts, original ranks and score kinds as read, one report per query`, async () => {
      const path = `${FORMATS}/${name}`;
      const file = await readResultsFile(join(REPO, path), { displayName: path });
      const run = await runs.get(name)!;
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stderr.split('\n')[0], describeRead(file));
      const reports = reportsOf(run.stdout);
      assert.equal(Array.isArray(JSON.parse(run.stdout)), file.resultSets.length > 1, 'an array only for several queries');
      assert.equal(reports.length, file.resultSets.length);
      file.resultSets.forEach((set, i) => {
        const report = reports[i];
        assert.equal(report.query, set.query ?? QUERY);
        if (file.resultSets.length > 1) assert.deepEqual(report.resultSet, { index: i, of: file.resultSets.length, label: set.label });
        else assert.equal(report.resultSet, undefined);
        const byOriginal = [...report.results].sort((a, b) => a.originalRank - b.originalRank);
        assert.deepEqual(byOriginal.map((r) => r.id), set.documents.map((d) => d.id));
        assert.deepEqual(byOriginal.map((r) => r.text), set.documents.map((d) => d.text));
        assert.deepEqual(byOriginal.map((r) => r.originalRank), set.documents.map((d) => d.rank));
        // JSON drops an undefined score, as it always has.
        const sources = set.documents.map((d) => [d.score === undefined ? { file: path, rank: d.rank } : { file: path, rank: d.rank, score: d.score, scoreKind: set.scoreKind }]);
        assert.deepEqual(byOriginal.map((r) => r.sources), sources);
        assert.ok(report.results.every((r) => !('idDerived' in r)));
      });
    });
  }

  it('says what it read, with the score kind in the report: Qdrant similarity, Chroma and Weaviate distances', async () => {
    const qdrant = await runs.get('qdrant-points.json')!;
    assert.equal(qdrant.stderr.split('\n')[0], 'read sample/formats/qdrant-points.json as Qdrant points (3 documents)');
    assert.deepEqual(reportsOf(qdrant.stdout)[0].results.find((r) => r.id === 15)!.sources[0].scoreKind, { name: 'score', direction: 'similarity', basis: 'order' });
    const chroma = await runs.get('chroma-query.json')!;
    assert.equal(chroma.stderr.split('\n')[0], 'read sample/formats/chroma-query.json as Chroma query results (2 queries: 3 + 2 documents)');
    const [first, second] = reportsOf(chroma.stdout);
    assert.deepEqual(first.results.find((r) => r.id === '15')!.sources[0], {
      file: 'sample/formats/chroma-query.json',
      rank: 1,
      score: 0.2776,
      scoreKind: { name: 'distance', direction: 'distance', basis: 'format' },
    });
    assert.deepEqual(second.results.map((r) => r.id).sort(), ['15', '4']);
    const weaviate = reportsOf((await runs.get('weaviate-graphql.json')!).stdout)[0];
    assert.deepEqual(weaviate.results[0].sources[0].scoreKind, { name: '_additional.distance', direction: 'distance', basis: 'format' });
  });
});

describe('the CLI\'s mapping, query and size options', function () {
  this.timeout(120_000);
  let model: string;
  let tmp: string;

  before(async () => {
    assertBuilt();
    model = await fixtureModel('tiny');
    tmp = await mkdtemp(join(tmpdir(), 'rl-cli-formats-'));
  });

  it('reads an unknown shape with --results-path, --id-field, --text-field and --score-field', async () => {
    const file = join(tmp, 'custom.json');
    const docs = [
      { doc_id: 'a', body: { content: 'Mixtral has a context size of 32k tokens.' }, rel: 0.9 },
      { doc_id: 'b', body: { content: 'Experts are chosen by a router.' }, rel: 0.4 },
    ];
    await writeFile(file, JSON.stringify({ response: { docs } }));
    const flags = ['--results-path', 'response.docs', '--id-field', 'doc_id', '--text-field', 'body.content', '--score-field', 'rel'];
    const run = await runCli(['rerank', file, '-q', QUERY, '-m', model, '--json', ...flags]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, `read ${file} as results read with your field mapping (2 documents)\n`);
    const [report] = reportsOf(run.stdout);
    assert.deepEqual(report.results.map((r) => r.id).sort(), ['a', 'b']);
    assert.deepEqual(report.results.find((r) => r.id === 'a')!.sources[0].scoreKind, { name: 'rel', direction: 'similarity', basis: 'order' });

    const wrong = await runCli(['rerank', file, '-q', QUERY, '-m', model, '--results-path', 'response.hits']);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /custom\.json: the results path "response\.hits" matches nothing; the file holds an object with "response"/);
    const noText = await runCli(['rerank', file, '-q', QUERY, '-m', model, '--results-path', 'response.docs', '--text-field', 'body.text']);
    assert.equal(noText.code, 2);
    assert.match(noText.stderr, /custom\.json:1:\d+: item 1 has no "body\.text" \(the text field you named\)\. Its string fields: "doc_id", "body\.content"/);
  });

  it('reranks one query of a multi-query file with --query-index, and names the range when it is out of it', async () => {
    const run = await runCli(['rerank', 'sample/formats/chroma-query.json', '-q', QUERY, '-m', model, '--json', '--query-index', '1']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as RerankReport;
    assert.deepEqual(report.resultSet, { index: 1, of: 2, label: 'query 2' });
    assert.deepEqual(report.results.map((r) => r.id).sort(), ['15', '4']);
    assert.deepEqual(report.results.find((r) => r.id === '4')!.sources[0].rank, 1);

    const out = await runCli(['rerank', 'sample/formats/chroma-query.json', '-q', QUERY, '-m', model, '--query-index', '2']);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /sample\/formats\/chroma-query\.json has 2 result sets; query index 2 is out of range \(0–1\)/);
    const single = await runCli(['rerank', 'sample/dense_results.json', '-q', QUERY, '-m', model, '--query-index', '1']);
    assert.equal(single.code, 2);
    assert.match(single.stderr, /sample\/dense_results\.json holds one result set; query index 1 is out of range \(0–0\)/);
  });

  it('prints one table per query, and asks for --query when a result set stores none', async () => {
    const run = await runCli(['rerank', 'sample/formats/elasticsearch-msearch.json', '-q', QUERY, '-m', model]);
    assert.equal(run.code, 0, run.stderr);
    const headers = run.stdout.split('\n').filter((l) => /^Result set \d of \d: /.test(l));
    assert.deepEqual(headers, ['Result set 1 of 2: responses[0]', 'Result set 2 of 2: responses[1]']);
    assert.equal(run.stdout.split('\n').filter((l) => l === `Query: ${QUERY}`).length, 2);

    const none = await runCli(['rerank', 'sample/formats/chroma-query.json', '-m', model]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /The query is empty, and result set 0 \(query 1\) stores none\. Pass --query/);
  });

  it('warns about an id with different texts in two files, keeps the later text, and marks derived ids', async () => {
    const a = join(tmp, 'a.json');
    const b = join(tmp, 'b.json');
    await writeFile(a, JSON.stringify([{ id: 1, text: 'Mixtral has 8 experts.' }, { text: 'A chunk without an id.' }]));
    await writeFile(b, JSON.stringify([{ id: '1', text: 'Mixtral has eight experts per layer.' }]));
    const run = await runCli(['rerank', a, b, '-q', QUERY, '-m', model, '--json']);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stderr.includes(`warning: id "1" has a different text in ${a} and ${b}; kept the text from ${b} (the later file).`), run.stderr);
    const [report] = reportsOf(run.stdout);
    assert.equal(report.results.find((r) => String(r.id) === '1')!.text, 'Mixtral has eight experts per layer.');
    const derived = report.results.find((r) => r.text === 'A chunk without an id.')!;
    assert.equal(derived.idDerived, true);
    assert.match(String(derived.id), /^sha1:[0-9a-f]{16}$/);
  });

  it('refuses a file over --max-file-mb, and bad option values with the usage', async () => {
    const big = join(tmp, 'big.json');
    await writeFile(big, JSON.stringify(Array.from({ length: 4000 }, (_, i) => ({ id: i, text: 'word '.repeat(100) }))));
    const run = await runCli(['rerank', big, '-q', QUERY, '-m', model, '--max-file-mb', '1']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /big\.json is 2\.0 MB; the limit is 1\.0 MB/);
    const bad: [string[], RegExp][] = [
      [['--max-file-mb', '0'], /--max-file-mb must be a number of megabytes above 0 and at most 500/],
      [['--query-index=-1'], /--query-index must be a whole number from 0/],
      [['--query-index', '1.5'], /--query-index must be a whole number from 0, got "1\.5"/],
      [['--id-field', 'a..b'], /--id-field must be a dot path such as "payload\.text"/],
    ];
    for (const [args, pattern] of bad) {
      const out = await runCli(['rerank', 'sample/dense_results.json', '-q', QUERY, '-m', model, ...args]);
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stderr, pattern);
      assert.match(out.stderr, /Usage: rerank-lens rerank FILE/);
    }
  });
});
