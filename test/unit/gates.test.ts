import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, open, readFile, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '../../src/core/errors';
import { loadResults, rerankResults, type Scorer } from '../../src/core/pipeline';
import { isLocalModel, resolveModelLocation } from '../../src/core/scoring/model-location';
import { CrossEncoder } from '../../src/core/scoring/cross-encoder';
import { looksLikeResults, readHead, SNIFF_BYTES, storedQueryIn } from '../../src/core/sniff';
import { readSettings, SETTINGS } from '../../src/extension/settings';
import { fixtureModel, REPO, SAMPLE } from '../support/models';

const DENSE = { path: join(SAMPLE, 'dense_results.json'), name: 'dense_results.json' };
const SPARSE = { path: join(SAMPLE, 'sparse_results.json'), name: 'sparse_results.json' };
const QUERY = 'What is context size of Mixtral?';

describe('settings are declared once', () => {
  const contributed = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
    contributes: { configuration: { properties: Record<string, { default: unknown; scope?: string }> } };
  }).contributes.configuration.properties;

  it('match package.json contributes.configuration key for key, default for default', () => {
    assert.deepEqual(Object.keys(SETTINGS).map((k) => `rerankLens.${k}`).sort(), Object.keys(contributed).sort());
    for (const [key, setting] of Object.entries(SETTINGS)) {
      assert.deepEqual(setting.default, contributed[`rerankLens.${key}`].default, key);
    }
  });

  it('read only the user value of settings that decide where a key goes, and those are application-scoped', () => {
    for (const [key, setting] of Object.entries(SETTINGS)) {
      if ('userOnly' in setting && setting.userOnly) assert.equal(contributed[`rerankLens.${key}`].scope, 'application', key);
    }
    const asked: [string, boolean][] = [];
    readSettings((key, userOnly) => void asked.push([key, userOnly]));
    assert.deepEqual(asked.filter(([, userOnly]) => userOnly).map(([key]) => key), ['rerankerURL', 'ask.baseURL']);
  });

  it('turn bad raw values into the defaults, and clamp numbers into range', () => {
    const raw: Record<string, unknown> = { topK: 1000, maxLength: 'x', dtype: 'fp16', model: '  ', 'ask.temperature': 5, 'ask.maxTokens': 2.5 };
    const s = readSettings((key) => raw[key]);
    assert.equal(s.topK, 100);
    assert.equal(s.maxLength, 512);
    assert.equal(s.dtype, 'fp32');
    assert.equal(s.model, 'Xenova/ms-marco-MiniLM-L-6-v2');
    assert.equal(s['ask.temperature'], null);
    assert.equal(s['ask.maxTokens'], null);
  });
});

describe('sniffing candidate files', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'rl-sniff-'))));

  it('reads only the first 4 KB of a large file', async () => {
    const big = join(dir, 'big.json');
    const docs = Array.from({ length: 60_000 }, (_, i) => ({ id: i, text: `chunk ${i} `.repeat(3) }));
    await writeFile(big, JSON.stringify(docs));
    let bytesRead = 0;
    let reads = 0;
    const counting = async (path: string, flags: 'r') => {
      const handle = await open(path, flags);
      return {
        read: async (buffer: Uint8Array, offset: number, length: number, position: number) => {
          reads++;
          const r = await handle.read(buffer, offset, length, position);
          bytesRead += r.bytesRead;
          return r;
        },
        close: () => handle.close(),
      };
    };
    const head = await readHead(big, SNIFF_BYTES, counting);
    assert.equal(bytesRead, SNIFF_BYTES);
    assert.ok(reads <= 2, `${reads} reads`);
    assert.ok(looksLikeResults(head));
  });

  it('tells retrieval results from other JSON, in the shapes retrievers write', () => {
    assert.ok(looksLikeResults('[{"id": 1, "text": "a"}]'));
    assert.ok(looksLikeResults('{"query": "q", "results": [{"id": "a", "page_content": "b"}]}'));
    assert.ok(looksLikeResults('{"hits": {"hits": [{"_id": "d1", "_score": 2, "_source": {"body": "x"}}]}}'));
    assert.ok(looksLikeResults('{"ids": [["a"]], "documents": [["x"]], "distances": [[0.2]]}'));
    assert.ok(!looksLikeResults('{"name": "rerank-lens", "version": "0.1.0", "scripts": {"test": "mocha"}}'));
    assert.ok(!looksLikeResults('{"compilerOptions": {"strict": true}}'));
    assert.ok(!looksLikeResults('id,text\n1,hello'));
  });

  it('offers every sample shape (only its first 4 KB read)', async () => {
    const dir = join(SAMPLE, 'formats');
    const files = readdirSync(dir).filter((f) => /\.(json|jsonl|ndjson)$/.test(f));
    assert.ok(files.length >= 20, `${files.length} sample shapes`);
    for (const file of files) assert.ok(looksLikeResults(await readHead(join(dir, file))), file);
  });

  it('finds a stored query at the top of a wrapper file, and nothing elsewhere', () => {
    assert.equal(storedQueryIn('{ "query": "What is \\"Mixtral\\"?", "results": ['), 'What is "Mixtral"?');
    assert.equal(storedQueryIn('[{"query": "not a wrapper"}]'), undefined);
    assert.equal(storedQueryIn('{"query": "cut sho'), undefined);
  });
});

describe('the one rule for local model folders', () => {
  let base: string;
  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'rl-models-'));
    await mkdir(join(base, 'models', 'mine'), { recursive: true });
  });

  it('treats paths as folders and everything else as hub ids', () => {
    const at = (v: string, folder = false) => resolveModelLocation(v, { base, folder, home: '/home/u' });
    assert.equal(at('Xenova/ms-marco-MiniLM-L-6-v2'), 'Xenova/ms-marco-MiniLM-L-6-v2');
    assert.equal(at('~/m'), '/home/u/m', '~ is expanded');
    assert.equal(at('~'), '/home/u');
    assert.equal(at('/abs/m'), '/abs/m');
    assert.equal(at('./m'), join(base, 'm'));
    assert.equal(at('../m'), join(base, '..', 'm'));
    assert.equal(at('models/mine'), join(base, 'models', 'mine'), 'an existing folder wins over a hub id');
    assert.equal(at('models/theirs'), 'models/theirs', 'a missing one stays a hub id');
    assert.equal(at('models/theirs', true), join(base, 'models', 'theirs'), 'the modelPath setting always names a folder');
    assert.ok(isLocalModel(at('~/m')) && !isLocalModel(at('Xenova/x')));
    assert.equal(resolveModelLocation('~/x', { base }), join(homedir(), 'x'));
  });
});

describe('the one pipeline (CLI and editor)', function () {
  this.timeout(120_000);
  let scorer: Scorer;
  let encoder: CrossEncoder;
  let broken: { path: string; name: string };

  before(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-pipe-'));
    encoder = await CrossEncoder.load({ model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: dir, allowRemote: false });
    scorer = async (query, documents) => ({ scores: (await encoder.score(query, documents)).scores, scoreKind: 'logit' });
    broken = { path: join(dir, 'broken.json'), name: 'broken.json' };
    await writeFile(broken.path, '[{"id": 1, "text": "a"} {"id": 2}]');
  });
  after(() => encoder.dispose());

  it('reads, merges, scores and ranks like the notebook', async () => {
    const run = await rerankResults([DENSE, SPARSE], { onFileError: 'fail', query: QUERY, scorer });
    assert.equal(run.query, QUERY);
    assert.equal(run.ranked.length, 16);
    const expected = (await encoder.score(QUERY, run.merged.documents.map((d) => d.text))).scores;
    assert.deepEqual(run.ranked.map((d) => d.score), [...expected].sort((a, b) => b - a));
    assert.deepEqual(run.files.map((f) => f.file), ['dense_results.json', 'sparse_results.json']);
    assert.equal(run.failed.length, 0);
  });

  it('fails on an unreadable file under the CLI policy, skips it under the editor policy', async () => {
    await assert.rejects(loadResults([DENSE, broken], { onFileError: 'fail' }), (e) => isInputError(e) && e.file === 'broken.json');
    const loaded = await loadResults([DENSE, broken], { onFileError: 'skip' });
    assert.deepEqual(loaded.files.map((f) => f.file), ['dense_results.json']);
    assert.equal(loaded.failed.length, 1);
    assert.match(loaded.failed[0].message, /^broken\.json:1:25: invalid JSON/);
    await assert.rejects(loadResults([broken], { onFileError: 'skip' }), (e) => isInputError(e) && e.file === 'broken.json');
  });

  it('takes the stored query when none is given, and refuses an empty one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-pipe-q-'));
    const stored = { path: join(dir, 'q.json'), name: 'q.json' };
    await writeFile(stored.path, JSON.stringify({ query: ' stored ', results: [{ id: 1, text: 'a' }] }));
    assert.equal((await rerankResults([stored], { onFileError: 'fail', query: '  ', scorer })).query, 'stored');
    await assert.rejects(rerankResults([DENSE], { onFileError: 'fail', query: ' ', scorer }), (e) => isInputError(e) && e.code === 'bad-query');
    assert.equal(await readFile(stored.path, 'utf8'), JSON.stringify({ query: ' stored ', results: [{ id: 1, text: 'a' }] }));
  });
});
