import assert from 'node:assert/strict';
import { cp, mkdtemp, utimes, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelRevision } from '../../src/core/cache/fingerprint';
import { ScoreCache, scoreThroughCache, type ScoreKey } from '../../src/core/cache/score-cache';
import { CrossEncoder } from '../../src/core/scoring/cross-encoder';
import { fixtureModel } from '../support/models';

const QUERY = 'What is context size of Mixtral?';
const DOCS = [
  'Mixtral is pretrained with multilingual data using a context size of 32k tokens.',
  'The router selects two experts per token and combines their outputs additively.',
  'Mixtral outperforms Llama 2 70B on most benchmarks, and matches GPT-3.5.',
];

describe('model revision for the score cache', function () {
  this.timeout(60_000);
  let source: string;
  before(async () => (source = await fixtureModel('tiny')));

  const copyOf = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-rev-'));
    await cp(source, dir, { recursive: true });
    return dir;
  };

  it('is stable for an unchanged folder and differs per dtype', async () => {
    const dir = await copyOf();
    const fp32 = await modelRevision({ model: dir, dtype: 'fp32', cacheDir: '/unused' });
    assert.match(fp32 ?? '', /^stat:[0-9a-f]{16}$/);
    assert.equal(await modelRevision({ model: dir, dtype: 'fp32', cacheDir: '/unused' }), fp32);
    assert.notEqual(await modelRevision({ model: dir, dtype: 'q8', cacheDir: '/unused' }), fp32);
  });

  for (const file of ['onnx/model.onnx', 'tokenizer.json', 'config.json']) {
    it(`changes when ${file} is rewritten, even with the same size`, async () => {
      const dir = await copyOf();
      const before = await modelRevision({ model: dir, dtype: 'fp32', cacheDir: '/unused' });
      const path = join(dir, file);
      await writeFile(path, await readFile(path));
      const later = new Date(Date.now() + 60_000);
      await utimes(path, later, later);
      assert.notEqual(await modelRevision({ model: dir, dtype: 'fp32', cacheDir: '/unused' }), before);
    });
  }

  it('reads a hub model from the download cache, and is undefined before it is downloaded', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'rl-hub-cache-'));
    const spec = { model: 'Xenova/ms-marco-MiniLM-L-6-v2', dtype: 'fp32' as const, cacheDir };
    assert.equal(await modelRevision(spec), undefined);
    await cp(source, join(cacheDir, 'Xenova', 'ms-marco-MiniLM-L-6-v2'), { recursive: true });
    assert.match((await modelRevision(spec)) ?? '', /^main\+stat:[0-9a-f]{16}$/);
  });

  it('serves the real model scores from the cache bit for bit, without running the model again', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'rl-cache-'));
    const spec = { model: source, dtype: 'fp32' as const, cacheDir, allowRemote: false };
    const encoder = await CrossEncoder.load(spec);
    try {
      const revision = await modelRevision(spec);
      assert.ok(revision);
      const key: ScoreKey = { reranker: 'local', model: source, revision, dtype: spec.dtype, maxLength: encoder.maxLength, query: QUERY };
      let runs = 0;
      const scorer = async (docs: string[]) => (runs++, (await encoder.score(QUERY, docs)).scores);
      const first = await scoreThroughCache(new ScoreCache(cacheDir), key, DOCS, scorer);
      const again = await scoreThroughCache(new ScoreCache(cacheDir), key, DOCS, scorer);
      assert.equal(runs, 1);
      assert.deepEqual(again.scores, first.scores);
      assert.deepEqual(again.scores, (await encoder.score(QUERY, DOCS)).scores);
      assert.equal(again.cached, DOCS.length);
    } finally {
      await encoder.dispose();
    }
  });
});
