import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CancelledError } from '../../src/core/errors';
import { CrossEncoder } from '../../src/core/scoring/cross-encoder';
import { ScoringWorker } from '../../src/core/scoring/worker-client';
import type { ModelSpec } from '../../src/shared/model-spec';
import type { Progress } from '../../src/shared/worker-protocol';
import { WORKER, assertBuilt, fixtureModel } from '../support/models';

const SETS = Array.from({ length: 12 }, (_, q) => ({
  query: `Question ${q}: what does Mixtral ${q % 2 ? 'route' : 'remember'}?`,
  documents: Array.from({ length: 3 + (q % 5) }, (_, d) => `Document ${q}.${d} about experts ${'and tokens '.repeat((q + d) % 9)}`),
}));
const PAIRS = SETS.reduce((n, s) => n + s.documents.length, 0);

describe('scoring many queries in one stream (scoreMany)', function () {
  this.timeout(120_000);
  let spec: ModelSpec;
  let worker: ScoringWorker;

  before(async () => {
    assertBuilt();
    spec = { model: await fixtureModel('tiny'), dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-many-')), allowRemote: false };
  });
  beforeEach(() => (worker = new ScoringWorker({ workerPath: WORKER })));
  afterEach(() => worker.dispose());

  it('gives each query the scores it gets alone, with progress over all pairs', async () => {
    const progress: Progress[] = [];
    const many = await worker.scoreMany({ model: spec, sets: SETS, batchTokens: 256, onProgress: (p) => progress.push(p) });
    assert.equal(many.scores.length, SETS.length);
    for (const [i, set] of SETS.entries()) {
      const alone = await worker.score({ model: spec, query: set.query, documents: set.documents });
      assert.deepEqual(many.scores[i], alone.scores, `set ${i}`);
    }
    const scored = progress.filter((p): p is Extract<Progress, { phase: 'score' }> => p.phase === 'score');
    assert.ok(scored.length > 1);
    assert.ok(scored.every((p, i) => p.total === PAIRS && (i === 0 || p.done > scored[i - 1].done)));
    assert.equal(scored.at(-1)!.done, PAIRS);
  });

  it('mixes queries within a batch (fewer batches than queries) and chunks without changing a score', async () => {
    const encoder = await CrossEncoder.load(spec);
    try {
      let batches = 0;
      const whole = await encoder.scoreMany(SETS, { batchTokens: 4096, onProgress: () => batches++ });
      assert.ok(batches < SETS.length, `${batches} batches for ${SETS.length} queries`);
      const chunked = await encoder.scoreMany(SETS, { batchTokens: 4096, chunkPairs: 7 });
      assert.deepEqual(chunked.scores, whole.scores);
      assert.deepEqual((await encoder.scoreMany([])).scores, []);
    } finally {
      await encoder.dispose();
    }
  });

  it('stops when cancelled and keeps working afterwards', async () => {
    const abort = new AbortController();
    let seen = 0;
    const pending = worker.scoreMany({
      model: spec,
      sets: SETS,
      batchTokens: 1,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase !== 'score') return;
        seen = p.done;
        if (p.done === 2) abort.abort();
      },
    });
    await assert.rejects(pending, CancelledError);
    assert.ok(seen < PAIRS, `stopped early (${seen} of ${PAIRS})`);
    assert.equal((await worker.scoreMany({ model: spec, sets: SETS.slice(0, 2) })).scores.length, 2);
  });
});
