// The second family: an XLM-RoBERTa cross-encoder (bge-reranker-base shape) scored by the same CrossEncoder.
// SentencePiece tokens, `<s> q </s></s> d </s>`, no token_type_ids input, positions counted from pad + 1.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { AutoModelForSequenceClassification, AutoTokenizer } from '@huggingface/transformers';
import { CrossEncoder } from '../../src/core/scoring/cross-encoder';
import { batchFeeds, relevanceLogits, unsupportedInputs } from '../../src/core/scoring/feeds';
import type { ModelSpec } from '../../src/shared/model-spec';
import type { EncodedPair } from '../../src/core/scoring/truncate';
import { fixtureModel } from '../support/models';

const QUERY = 'What is context size of Mixtral?';
const DOCS = [
  'Mixtral is pretrained with multilingual data using a context size of 32k tokens.',
  'The router selects two experts per token and combines their outputs additively.',
  'Mixtral outperforms Llama 2 70B on most benchmarks, and matches GPT-3.5.',
  'Qu’est-ce que le modèle? 模型的上下文',
  'short',
  'A much longer chunk about the passkey retrieval task: '.repeat(12),
];
const [BOS, PAD, EOS] = [0, 1, 2];

/** Scores each pair alone with onnxruntime-node on the graph's own inputs (logit `label` of each row). */
async function directScores(file: string, pairs: EncodedPair[], label = 0): Promise<number[]> {
  const session = await ort.InferenceSession.create(file);
  try {
    const out: number[] = [];
    for (const p of pairs) {
      const dims = [1, p.inputIds.length];
      const big = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), dims);
      const { logits } = await session.run({ input_ids: big(p.inputIds), attention_mask: big(p.inputIds.map(() => 1)) });
      out.push((logits.data as Float32Array)[label]);
    }
    return out;
  } finally {
    await session.release();
  }
}

describe('the cross-encoder on a generated XLM-RoBERTa model', function () {
  this.timeout(120_000);
  let dir: string;
  let spec: ModelSpec;
  let encoder: CrossEncoder;

  before(async () => {
    dir = await fixtureModel('tiny', { arch: 'xlmr' });
    spec = { model: dir, dtype: 'fp32', cacheDir: await mkdtemp(join(tmpdir(), 'rl-cache-')), allowRemote: false };
    encoder = await CrossEncoder.load(spec);
  });
  after(() => encoder?.dispose());

  it('reads the graph inputs from the ONNX session and feeds no token_type_ids', () => {
    assert.deepEqual([...encoder.inputNames].sort(), ['attention_mask', 'input_ids']);
    const feeds = batchFeeds(encoder.encode(QUERY, DOCS.slice(0, 2)), encoder.inputNames, PAD);
    assert.deepEqual(Object.keys(feeds).sort(), ['attention_mask', 'input_ids']);
  });

  it('encodes short pairs exactly as the tokenizer does: <s> q </s></s> d </s>', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    for (const doc of DOCS.slice(0, 5)) {
      const expected = tokenizer(QUERY, { text_pair: doc, return_tensor: false }) as { input_ids: number[] };
      const [got] = encoder.encode(QUERY, [doc]);
      assert.deepEqual(got.inputIds, expected.input_ids);
    }
    const q = tokenizer.encode(QUERY, { add_special_tokens: false });
    const [pair] = encoder.encode(QUERY, [DOCS[0]]);
    assert.deepEqual(pair.inputIds.slice(0, q.length + 3), [BOS, ...q, EOS, EOS]);
    assert.equal(pair.inputIds.at(-1), EOS);
  });

  it('limits pairs to 512 tokens from the 514 position rows when the tokenizer names no limit', async () => {
    assert.equal(encoder.maxLength, 512);
    // Without model_max_length only config.json's max_position_embeddings (514) is left: RoBERTa counts
    // positions from pad + 1, so 512 tokens fit and 514 would index past the table.
    const copy = await mkdtemp(join(tmpdir(), 'rl-xlmr-nolimit-'));
    await cp(dir, copy, { recursive: true });
    const configFile = join(copy, 'tokenizer_config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    delete config.model_max_length;
    await writeFile(configFile, JSON.stringify(config));
    const unlimited = await CrossEncoder.load({ ...spec, model: copy });
    try {
      assert.equal(unlimited.maxLength, 512);
      const { scores } = await unlimited.score(QUERY, ['mixtral experts context tokens '.repeat(400)]);
      assert.ok(Number.isFinite(scores[0]));
    } finally {
      await unlimited.dispose();
    }
  });

  it('truncates a long document longest_first and keeps the final </s>', () => {
    const q = encoder.encode(QUERY, [''])[0].inputIds.length - 4; // query tokens alone
    const [pair] = encoder.encode(QUERY, ['mixtral experts context tokens '.repeat(400)]);
    assert.equal(pair.inputIds.length, 512);
    assert.equal(pair.inputIds[0], BOS);
    assert.equal(pair.inputIds.at(-1), EOS, 'the final </s> survives truncation');
    assert.deepEqual(pair.inputIds.slice(q + 1, q + 3), [EOS, EOS], 'the query is kept whole');
    assert.equal(pair.inputIds.filter((t) => t === EOS).length, 3);
  });

  it('splits the budget when query and document are both long (longest_first)', () => {
    const long = 'mixtral experts context tokens '.repeat(200);
    const [pair] = encoder.encode(long, [long]);
    assert.equal(pair.inputIds.length, 512);
    // 512 - 4 special tokens = 508: 254 query tokens, 254 document tokens.
    assert.deepEqual([pair.inputIds[255], pair.inputIds[256]], [EOS, EOS]);
    assert.equal(pair.inputIds.at(-1), EOS);
  });

  it('gives fp32 scores bit-identical to onnxruntime-node on the same tensors, whatever the batching', async () => {
    const direct = await directScores(join(dir, 'onnx', 'model.onnx'), encoder.encode(QUERY, DOCS));
    const one = await encoder.score(QUERY, DOCS, { batchTokens: 1 });
    const all = await encoder.score(QUERY, DOCS, { batchTokens: 1e9 });
    assert.equal(new Set(direct).size, DOCS.length, `documents get different scores: ${direct}`);
    assert.deepEqual(one.scores, direct);
    assert.deepEqual(all.scores, direct, 'padding with <pad> moves no real token: RoBERTa positions skip pads');
  });
});

describe('graph feeds', () => {
  const pairs: EncodedPair[] = [
    { inputIds: [0, 5, 2, 2, 6, 7, 2], typeIds: [0, 0, 0, 1, 1, 1, 1] },
    { inputIds: [0, 5, 2, 2, 8], typeIds: [0, 0, 0, 1, 1] },
  ];
  const values = (t: { data: unknown }) => Array.from(t.data as BigInt64Array, Number);

  it('right-pads with the pad id and masks the padding; token types only when the graph takes them', () => {
    const bert = batchFeeds(pairs, ['input_ids', 'attention_mask', 'token_type_ids'], 0);
    assert.deepEqual(bert.input_ids.dims, [2, 7]);
    assert.deepEqual(values(bert.input_ids), [0, 5, 2, 2, 6, 7, 2, 0, 5, 2, 2, 8, 0, 0]);
    assert.deepEqual(values(bert.attention_mask), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
    assert.deepEqual(values(bert.token_type_ids), [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0]);
    const xlmr = batchFeeds(pairs, ['input_ids', 'attention_mask'], PAD);
    assert.deepEqual(Object.keys(xlmr).sort(), ['attention_mask', 'input_ids']);
    assert.deepEqual(values(xlmr.input_ids).slice(12), [PAD, PAD]);
  });

  it('names the inputs a graph needs that the engine cannot fill', () => {
    assert.deepEqual(unsupportedInputs(['input_ids', 'attention_mask', 'token_type_ids']), []);
    assert.deepEqual(unsupportedInputs(['input_ids', 'attention_mask', 'position_ids']), ['position_ids']);
  });

  it('takes the last logit of each row as the relevance score', () => {
    assert.deepEqual(relevanceLogits(Float32Array.of(0.5, -1.5), 2, 1), [0.5, -1.5]);
    assert.deepEqual(relevanceLogits(Float32Array.of(0.25, 2, -3, 0.75), 2, 2), [2, 0.75]);
  });
});

describe('two-label heads', function () {
  this.timeout(120_000);
  for (const arch of ['bert', 'xlmr'] as const) {
    it(`${arch}: the score is the "relevant" (last) logit, equal to onnxruntime-node's`, async () => {
      const dir = await fixtureModel('tiny', { arch, labels: 2 });
      const encoder = await CrossEncoder.load({ model: dir, dtype: 'fp32', cacheDir: join(tmpdir(), 'rl-cache-2'), allowRemote: false });
      try {
        const pairs = encoder.encode(QUERY, DOCS);
        const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
        const dims = (p: EncodedPair) => [1, p.inputIds.length];
        const direct: number[][] = [];
        for (const p of pairs) {
          const big = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), dims(p));
          const feeds: Record<string, ort.Tensor> = { input_ids: big(p.inputIds), attention_mask: big(p.inputIds.map(() => 1)) };
          if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = big(p.typeIds);
          const { logits } = await session.run(feeds);
          assert.deepEqual(logits.dims, [1, 2]);
          direct.push(Array.from(logits.data as Float32Array));
        }
        await session.release();
        const { scores } = await encoder.score(QUERY, DOCS);
        assert.deepEqual(scores, direct.map((row) => row[1]));
        assert.notDeepEqual(scores, direct.map((row) => row[0]), 'not the first label');
      } finally {
        await encoder.dispose();
      }
    });
  }
});

describe('q8 one pair per run', function () {
  this.timeout(120_000);
  for (const arch of ['bert', 'xlmr'] as const) {
    it(`${arch}: a q8 score is identical whatever its neighbours (and batched q8 is not)`, async () => {
      const dir = await fixtureModel('tiny', { arch });
      const q8 = await CrossEncoder.load({ model: dir, dtype: 'q8', cacheDir: join(tmpdir(), 'rl-cache-q8'), allowRemote: false });
      try {
        const single = { singlePairQ8: true };
        const alone = (await q8.score(QUERY, [DOCS[0]], single)).scores[0];
        const amongAll = (await q8.score(QUERY, DOCS, single)).scores[0];
        const amongOthers = (await q8.score(QUERY, [DOCS[5], DOCS[2], DOCS[0]], { ...single, batchTokens: 1e9 })).scores[2];
        assert.equal(amongAll, alone);
        assert.equal(amongOthers, alone);
        // The reason for the mode: in one padded batch the shared dynamic-quantization scale moves the score.
        const batched = await q8.score(QUERY, DOCS, { singlePairQ8: false, batchTokens: 1e9 });
        assert.notEqual(batched.scores[0], alone);
        const direct = await directScoresFor(join(dir, 'onnx', 'model_quantized.onnx'), q8.encode(QUERY, [DOCS[0]]), q8.inputNames);
        assert.equal(alone, direct, 'single-pair q8 is exactly onnxruntime-node on that pair');
      } finally {
        await q8.dispose();
      }
    });
  }
});

async function directScoresFor(file: string, pairs: EncodedPair[], inputNames: readonly string[]): Promise<number> {
  const session = await ort.InferenceSession.create(file);
  try {
    const p = pairs[0];
    const big = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
    const feeds: Record<string, ort.Tensor> = { input_ids: big(p.inputIds), attention_mask: big(p.inputIds.map(() => 1)) };
    if (inputNames.includes('token_type_ids')) feeds.token_type_ids = big(p.typeIds);
    const { logits } = await session.run(feeds);
    return (logits.data as Float32Array)[0];
  } finally {
    await session.release();
  }
}

// transformers.js 4.3.1 maps deberta-v2 (mixedbread-ai/mxbai-rerank-*) and modernbert
// (Alibaba-NLP/gte-reranker-modernbert-base) to *ForSequenceClassification and runs whatever ONNX graph the folder
// holds. Generating those architectures' graphs is out of scope: the XLM-R graph stands in, under their configs and
// tokenizer classes, to show the loader accepts them and the engine feeds what the graph declares.
describe('DeBERTa-v2 and ModernBERT configs', function () {
  this.timeout(120_000);
  const variants = [
    { modelType: 'deberta-v2', arch: 'DebertaV2ForSequenceClassification', tokenizerClass: 'DebertaV2Tokenizer' },
    { modelType: 'modernbert', arch: 'ModernBertForSequenceClassification', tokenizerClass: 'PreTrainedTokenizerFast' },
  ];
  for (const v of variants) {
    it(`loads model_type ${v.modelType} as ${v.arch} and scores it like onnxruntime-node`, async () => {
      const source = await fixtureModel('tiny', { arch: 'xlmr' });
      const dir = await mkdtemp(join(tmpdir(), `rl-${v.modelType}-`));
      await cp(source, dir, { recursive: true });
      const edit = async (file: string, change: Record<string, unknown>) => {
        const json = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
        await writeFile(join(dir, file), JSON.stringify({ ...json, ...change }));
      };
      await edit('config.json', { model_type: v.modelType, architectures: [v.arch], max_position_embeddings: 512 });
      await edit('tokenizer_config.json', { tokenizer_class: v.tokenizerClass });
      const model = await AutoModelForSequenceClassification.from_pretrained(dir, { dtype: 'fp32' });
      assert.equal(model.constructor.name, v.arch);
      await model.dispose();
      const encoder = await CrossEncoder.load({ model: dir, dtype: 'fp32', cacheDir: join(tmpdir(), 'rl-cache-v'), allowRemote: false });
      try {
        assert.deepEqual([...encoder.inputNames].sort(), ['attention_mask', 'input_ids']);
        const { scores } = await encoder.score(QUERY, DOCS);
        assert.deepEqual(scores, await directScores(join(dir, 'onnx', 'model.onnx'), encoder.encode(QUERY, DOCS)));
      } finally {
        await encoder.dispose();
      }
    });
  }
});
