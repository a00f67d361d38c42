import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreRemote } from '../../src/core/rerankers/remote';
import { CrossEncoder } from '../../src/core/scoring/cross-encoder';
import { fixtureModel } from '../support/models';
import { startRerankServer, type RerankServer, type Scorer } from '../support/rerank-servers';

const QUERY = 'What is context size of Mixtral?';
const DOCS = [
  'Mixtral is pretrained with multilingual data using a context size of 32k tokens.',
  'The router selects two experts per token and combines their outputs additively.',
  'Mixtral outperforms Llama 2 70B on most benchmarks, and matches GPT-3.5.',
  'Routing analysis shows experts specialise by syntax rather than by domain.',
  'short',
  'A much longer chunk about the passkey retrieval task: '.repeat(60),
  'Sparse mixture of experts with 8 feed-forward blocks per layer.',
];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('remote scores from a server running the generated cross-encoder equal local scores', function () {
  this.timeout(120_000);
  let encoder: CrossEncoder;
  let local: number[];
  let scorer: Scorer;
  let server: RerankServer | undefined;

  before(async () => {
    const dir = await fixtureModel('tiny');
    encoder = await CrossEncoder.load({ model: dir, dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-cache-')), allowRemote: false });
    local = (await encoder.score(QUERY, DOCS)).scores;
    scorer = async (query, texts) => (await encoder.score(query, texts)).scores;
  });
  after(() => encoder?.dispose());
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('TEI (raw_scores): the very same logits, in input order', async () => {
    server = await startRerankServer({ protocol: 'tei', scorer });
    const remote = await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents: DOCS });
    assert.equal(new Set(local).size, DOCS.length, 'documents get different scores');
    assert.deepEqual(remote.scores, local);
    assert.equal(remote.scoreKind, 'logit');
  });

  it('TEI split into requests of 2 texts, 4 at a time: still the same logits', async () => {
    server = await startRerankServer({ protocol: 'tei', scorer, maxTexts: 2 });
    const remote = await scoreRemote({ kind: 'tei', url: server.url, query: QUERY, documents: DOCS, limits: { maxTexts: 2 } });
    assert.deepEqual(remote.scores, local);
    assert.equal(server.requests.length, 4);
  });

  it('Cohere family and Voyage: the sigmoid of the same logits, labelled probabilities', async () => {
    for (const kind of ['cohere', 'voyage'] as const) {
      server = await startRerankServer({ protocol: kind, scorer });
      const remote = await scoreRemote({ kind, url: server.url, model: 'tiny', query: QUERY, documents: DOCS });
      assert.deepEqual(remote.scores, local.map(sigmoid), kind);
      assert.equal(remote.scoreKind, 'probability');
      await server.close();
    }
    server = undefined;
  });
});
