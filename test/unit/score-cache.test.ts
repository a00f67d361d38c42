import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScoreCache, scoreThroughCache, type ScoreKey } from '../../src/core/cache/score-cache';
import { decodeShard } from '../../src/core/cache/shard-file';
import { RACE_KEY, raceScore } from '../support/cache-writer';

const KEY: ScoreKey = { reranker: 'local', model: 'Xenova/ms-marco-MiniLM-L-6-v2', revision: 'main+stat:0123', dtype: 'fp32', maxLength: 512, query: 'What is context size of Mixtral?' };
const docs = (n: number, tag = 'doc') => Array.from({ length: n }, (_, i) => `${tag} ${i}: Mixtral has a context size of ${i}k tokens.`);
const newDir = () => mkdtemp(join(tmpdir(), 'rl-score-cache-'));
const shardFiles = async (dir: string) => (await readdir(join(dir, 'scores-v1')).catch(() => [])).filter((f) => f.endsWith('.bin'));

describe('the score cache', function () {
  this.timeout(60_000);

  it('returns the identical float for every stored score, from a fresh instance (as another process would)', async () => {
    const dir = await newDir();
    const documents = docs(1000);
    // float32 logits as the model gives them, plus values a float32 cannot hold, -0 and extremes.
    const scores = documents.map((_, i) => (i % 2 ? Math.fround(Math.sin(i) * 9) : Math.sin(i) * 9 + 1e-12));
    scores[0] = -0;
    scores[1] = Number.MIN_VALUE;
    scores[2] = -Number.MAX_VALUE;
    await new ScoreCache(dir).store(KEY, documents, scores);
    const back = await new ScoreCache(dir).lookup(KEY, documents);
    back.forEach((s, i) => assert.ok(Object.is(s, scores[i]), `document ${i}: ${s} !== ${scores[i]}`));
  });

  it('keeps scores apart by reranker, model, revision, dtype, max length and query', async () => {
    const dir = await newDir();
    const cache = new ScoreCache(dir);
    const documents = docs(3);
    await cache.store(KEY, documents, [1, 2, 3]);
    const variants: Partial<ScoreKey>[] = [
      { reranker: 'tei' }, { model: 'Xenova/ms-marco-MiniLM-L-12-v2' }, { revision: 'main+stat:9999' },
      { dtype: 'q8' }, { maxLength: 256 }, { query: 'What is context size of Mixtral' },
    ];
    for (const v of variants) assert.deepEqual(await cache.lookup({ ...KEY, ...v }, documents), [undefined, undefined, undefined], JSON.stringify(v));
    assert.deepEqual(await cache.lookup(KEY, [documents[1], 'unseen', documents[0]]), [2, undefined, 1]);
  });

  it('scores only what is missing, each distinct text once, and stores it', async () => {
    const cache = new ScoreCache(await newDir());
    const documents = docs(5);
    await cache.store(KEY, documents.slice(0, 2), [10, 11]);
    const asked: string[][] = [];
    const scorer = async (missing: string[]) => (asked.push(missing), missing.map((d) => d.length));
    const request = [documents[0], documents[2], documents[3], documents[2], documents[1], documents[4]];
    const first = await scoreThroughCache(cache, KEY, request, scorer);
    assert.deepEqual(asked, [[documents[2], documents[3], documents[4]]]);
    assert.deepEqual(first.scores, [10, documents[2].length, documents[3].length, documents[2].length, 11, documents[4].length]);
    assert.equal(first.cached, 2);
    const again = await scoreThroughCache(cache, KEY, request, scorer);
    assert.equal(asked.length, 1, 'nothing re-scored');
    assert.deepEqual(again, { scores: first.scores, cached: request.length });
  });

  it('does not store non-finite scores', async () => {
    const cache = new ScoreCache(await newDir());
    await cache.store(KEY, ['a', 'b', 'c'], [Number.NaN, 1, Number.POSITIVE_INFINITY]);
    assert.deepEqual(await cache.lookup(KEY, ['a', 'b', 'c']), [undefined, 1, undefined]);
  });

  for (const damage of ['truncated', 'garbage', 'flipped byte'] as const) {
    it(`ignores a ${damage} cache file with a warning naming it, then replaces it`, async () => {
      const dir = await newDir();
      const warnings: string[] = [];
      const cache = new ScoreCache(dir, { warn: (m) => warnings.push(m) });
      const documents = docs(10);
      await cache.store(KEY, documents, documents.map((_, i) => i));
      const file = join(dir, 'scores-v1', (await shardFiles(dir))[0]);
      if (damage === 'truncated') await truncate(file, (await stat(file)).size - 7);
      if (damage === 'garbage') await writeFile(file, 'not a cache file at all');
      if (damage === 'flipped byte') {
        const buf = await readFile(file);
        buf[buf.length - 100] ^= 0xff;
        await writeFile(file, buf);
      }
      assert.deepEqual(await cache.lookup(KEY, documents), documents.map(() => undefined));
      assert.equal(warnings.length, 1);
      assert.ok(warnings[0].includes(file), warnings[0]);
      await cache.store(KEY, documents.slice(0, 2), [5, 6]);
      assert.deepEqual(await cache.lookup(KEY, documents.slice(0, 3)), [5, 6, undefined]);
    });
  }

  it('warns and carries on when the directory cannot be written', async () => {
    const blocker = join(await newDir(), 'a-file');
    await writeFile(blocker, 'x');
    const warnings: string[] = [];
    const cache = new ScoreCache(blocker, { warn: (m) => warnings.push(m) });
    await cache.store(KEY, ['a'], [1]);
    assert.deepEqual(await cache.lookup(KEY, ['a']), [undefined]);
    assert.match(warnings[0], /Could not write the score cache in .*a-file/);
  });

  it('stays within maxEntries by deleting the least recently used queries; a hit counts as a use', async () => {
    const dir = await newDir();
    const writer = new ScoreCache(dir, { maxEntries: 1e6 });
    const keys = [0, 1, 2, 3].map((i) => ({ ...KEY, query: `query ${i}` }));
    for (const [i, key] of keys.entries()) {
      const before = new Set(await shardFiles(dir));
      await writer.store(key, docs(30, key.query), docs(30).map((_, j) => j));
      const file = (await shardFiles(dir)).find((f) => !before.has(f)) as string;
      // Spread the shards' last use over time: query 0 used longest ago.
      const when = new Date(1e12 + i * 1000);
      await utimes(join(dir, 'scores-v1', file), when, when);
    }
    const cache = new ScoreCache(dir, { maxEntries: 100 });
    // 4 x 30 entries exceed 100. Using query 0 now makes query 1 the least recently used.
    assert.equal((await cache.lookup(keys[0], docs(1, keys[0].query)))[0], 0);
    await cache.sweep();
    const left = await Promise.all(keys.map(async (k) => (await cache.lookup(k, docs(1, k.query)))[0] !== undefined));
    assert.deepEqual(left, [true, false, false, true]);
  });

  it('trims one query larger than the whole cache to its most recent entries', async () => {
    const dir = await newDir();
    const cache = new ScoreCache(dir, { maxEntries: 50 });
    await cache.store(KEY, docs(40, 'old'), docs(40).map(() => 1));
    await new Promise((r) => setTimeout(r, 5));
    await cache.store(KEY, docs(40, 'new'), docs(40).map(() => 2));
    const file = join(dir, 'scores-v1', (await shardFiles(dir))[0]);
    const shard = decodeShard(await readFile(file), JSON.stringify([KEY.reranker, KEY.model, KEY.revision, KEY.dtype, KEY.maxLength, KEY.query]));
    assert.ok(!('problem' in shard));
    assert.equal(shard.hashes.length, 45);
    assert.deepEqual(await cache.lookup(KEY, docs(40, 'new')), docs(40).map(() => 2), 'the newest 40 all kept');
  });

  it('removes temporary files left by a writer that died, once they are old', async () => {
    const dir = await newDir();
    const cache = new ScoreCache(dir);
    await cache.store(KEY, ['a'], [1]);
    const stale = join(dir, 'scores-v1', 'deadbeef.bin.123.abcd.tmp');
    const fresh = join(dir, 'scores-v1', 'deadbeef.bin.124.abcd.tmp');
    await writeFile(stale, 'half');
    await writeFile(fresh, 'half');
    await utimes(stale, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    await cache.sweep();
    const names = await readdir(join(dir, 'scores-v1'));
    assert.ok(!names.includes('deadbeef.bin.123.abcd.tmp'));
    assert.ok(names.includes('deadbeef.bin.124.abcd.tmp'), 'a write in progress is left alone');
  });

  it('survives two processes writing the same query at once: the file stays whole, every score read is right', async () => {
    const dir = await newDir();
    const writer = join(__dirname, '..', 'support', 'cache-writer.ts');
    // Both start writing when both are ready (however slow tsx starts) and write 40 batches each.
    const barrier = await newDir();
    const run = (tag: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', writer, dir, tag, '40', barrier, '2']);
    const [a, b] = await Promise.all([run('a'), run('b')]);
    assert.equal(a.stderr + b.stderr, '', 'no warnings: no torn or corrupt file was ever read');
    const rounds = { a: Number(a.stdout), b: Number(b.stdout) };
    assert.deepEqual(rounds, { a: 40, b: 40 }, 'both wrote every batch');
    const cache = new ScoreCache(dir, { warn: (m) => assert.fail(m) });
    const batch = (tag: 'a' | 'b', r: number) => Array.from({ length: 20 }, (_, i) => `${tag}-${r}-${i}`);
    const all = (['a', 'b'] as const).flatMap((tag) => Array.from({ length: rounds[tag] }, (_, r) => batch(tag, r)).flat());
    const found = await cache.lookup(RACE_KEY, all);
    found.forEach((s, i) => s === undefined || assert.equal(s, raceScore(all[i])));
    // The last rename wins and always carries its writer's final batch; entries lost to a race are only re-scored.
    const whole = async (tag: 'a' | 'b') => (await cache.lookup(RACE_KEY, batch(tag, rounds[tag] - 1))).every((s) => s !== undefined);
    assert.ok((await whole('a')) || (await whole('b')), "one writer's final batch is whole");
  });
});
