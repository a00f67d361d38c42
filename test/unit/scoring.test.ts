import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer } from '@huggingface/transformers';
import { CrossEncoder, lengthSortedBatches } from '../../src/core/scoring/cross-encoder';
import type { ModelSpec } from '../../src/shared/model-spec';
import { longestFirstLengths } from '../../src/core/scoring/truncate';
import { fixtureModel } from '../support/models';

const QUERY = 'What is context size of Mixtral?';
const DOCS = [
  'Mixtral is pretrained with multilingual data using a context size of 32k tokens.',
  'The router selects two experts per token and combines their outputs additively.',
  'Mixtral outperforms Llama 2 70B on most benchmarks, and matches GPT-3.5.',
  'Routing analysis shows experts specialise by syntax rather than by domain.',
  'short',
  'A much longer chunk about the passkey retrieval task: '.repeat(12),
];

describe('pair truncation (longest_first, as Hugging Face tokenizers)', () => {
  it('keeps both texts when they fit', () => assert.deepEqual(longestFirstLengths(10, 20, 509), [10, 20]));
  it('cuts only the longer text when the shorter fits in half', () => {
    assert.deepEqual(longestFirstLengths(10, 600, 509), [10, 499]);
    assert.deepEqual(longestFirstLengths(600, 10, 509), [499, 10]);
  });
  it('splits the budget when both are long, the odd token going to the longer', () => {
    assert.deepEqual(longestFirstLengths(300, 400, 509), [254, 255]);
    assert.deepEqual(longestFirstLengths(400, 300, 509), [255, 254]);
    assert.deepEqual(longestFirstLengths(700, 700, 510), [255, 255]);
  });
});

describe('the cross-encoder on a generated model', function () {
  this.timeout(120_000);
  let dir: string;
  let spec: ModelSpec;
  let encoder: CrossEncoder;

  before(async () => {
    dir = await fixtureModel('tiny');
    spec = { model: dir, dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-cache-')), allowRemote: false };
    encoder = await CrossEncoder.load(spec);
  });
  after(() => encoder?.dispose());

  it('encodes short pairs exactly as the tokenizer does', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    for (const doc of DOCS.slice(0, 5)) {
      const expected = tokenizer(QUERY, { text_pair: doc, return_tensor: false }) as { input_ids: number[]; token_type_ids: number[] };
      const [got] = encoder.encode(QUERY, [doc]);
      assert.deepEqual(got.inputIds, expected.input_ids);
      assert.deepEqual(got.typeIds, expected.token_type_ids);
    }
  });

  it('keeps [CLS] query [SEP] doc [SEP] within 512 tokens for a long chunk', () => {
    const [pair] = encoder.encode(QUERY, ['mixtral experts context tokens '.repeat(400)]);
    assert.equal(encoder.maxLength, 512);
    assert.equal(pair.inputIds.length, 512);
    assert.equal(pair.inputIds[0], 101);
    assert.equal(pair.inputIds.at(-1), 102, 'the final [SEP] survives truncation');
    const firstSep = pair.inputIds.indexOf(102);
    const queryOnly = encoder.encode(QUERY, [''])[0].inputIds;
    assert.equal(firstSep, queryOnly.indexOf(102), 'the query is kept whole');
    assert.deepEqual(pair.typeIds.slice(0, firstSep + 1).filter((t) => t !== 0), []);
    assert.deepEqual(pair.typeIds.slice(firstSep + 1).filter((t) => t !== 1), []);
  });

  it('gives deterministic fp32 scores, identical whatever the batch size', async () => {
    const one = await encoder.score(QUERY, DOCS, { batchTokens: 1 });
    const mid = await encoder.score(QUERY, DOCS, { batchTokens: 64 });
    const all = await encoder.score(QUERY, DOCS, { batchTokens: 1e9 });
    const again = await encoder.score(QUERY, DOCS);
    assert.equal(new Set(one.scores).size, DOCS.length, 'documents get different scores');
    assert.deepEqual(mid.scores, one.scores);
    assert.deepEqual(all.scores, one.scores);
    assert.deepEqual(again.scores, one.scores);
  });

  it('equals onnxruntime-node run directly on the same tensors', async () => {
    const pairs = encoder.encode(QUERY, DOCS);
    const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    const direct: number[] = [];
    for (const p of pairs) {
      const dims = [1, p.inputIds.length];
      const big = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), dims);
      const out = await session.run({
        input_ids: big(p.inputIds),
        attention_mask: big(p.inputIds.map(() => 1)),
        token_type_ids: big(p.typeIds),
      });
      direct.push((out.logits.data as Float32Array)[0]);
    }
    await session.release();
    const ours = await encoder.score(QUERY, DOCS);
    assert.deepEqual(ours.scores, direct);
  });

  it('stops between batches when asked', async () => {
    let calls = 0;
    const out = await encoder.score(QUERY, DOCS, { batchTokens: 1, shouldStop: () => ++calls > 2 });
    assert.equal(out.stopped, true);
    assert.deepEqual(out.scores, []);
  });

  it('scores with the q8 model too', async () => {
    const q8 = await CrossEncoder.load({ ...spec, dtype: 'q8' });
    try {
      const fp32 = await encoder.score(QUERY, DOCS);
      const quant = await q8.score(QUERY, DOCS);
      assert.equal(quant.scores.length, DOCS.length);
      assert.ok(quant.scores.every(Number.isFinite));
      assert.notDeepEqual(quant.scores, fp32.scores, 'q8 runs the quantized file, not the fp32 one');
      const order = (xs: number[]) => xs.map((_, i) => i).sort((a, b) => xs[b] - xs[a]);
      assert.equal(order(quant.scores)[0], order(fp32.scores)[0], 'q8 agrees on the best document');
    } finally {
      await q8.dispose();
    }
  });
});

describe('length-sorted micro-batches', () => {
  const pair = (n: number) => ({ inputIds: new Array<number>(n).fill(1), typeIds: new Array<number>(n).fill(0) });
  it('groups longest first within the token budget and covers every pair once', () => {
    const pairs = [pair(10), pair(100), pair(50), pair(12), pair(90)];
    const batches = lengthSortedBatches(pairs, 200);
    assert.deepEqual(batches, [[1, 4], [2, 3, 0]]);
  });
  it('puts a pair longer than the budget in a batch of its own', () => {
    assert.deepEqual(lengthSortedBatches([pair(300), pair(5)], 100), [[0], [1]]);
  });
});
