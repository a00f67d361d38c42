// `make-model.mjs --arch xlmr` must write a folder that transformers.js and onnxruntime-node treat like the hub's
// Xenova/bge-reranker-base: XLMRobertaTokenizer over a Unigram tokenizer.json, a graph without token_type_ids,
// RoBERTa position ids, reproducible byte for byte.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { AutoModelForSequenceClassification, AutoTokenizer, env, type Tensor } from '@huggingface/transformers';
import { makeModel } from '../fixtures/make-model.mjs';

const SCRIPT = path.resolve(__dirname, '..', 'fixtures', 'make-model.mjs');
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx'];
const QUERY = 'What is context size of Mixtral?';
const DOCS = [
  'Mixtral is pretrained with multilingual data using a context size of 32k tokens.',
  'The perplexity of Mixtral on the proof-pile dataset decreases monotonically as the context length increases.',
  'Each token is routed to two experts selected by a gating network.',
];
const PARAGRAPH =
  'In this section, we perform a small analysis on the expert selection by the router. In particular, we are ' +
  'interested to see if during training some experts specialized to some specific domains such as mathematics, ' +
  'biology or philosophy. Surprisingly, we do not observe obvious patterns in the assignment of experts based on the topic.';

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
const ids = (rows: number[][], pad = 1) => {
  const width = Math.max(...rows.map((r) => r.length));
  const flat = (f: (r: number, c: number) => number) =>
    BigInt64Array.from({ length: rows.length * width }, (_, i) => BigInt(f(Math.floor(i / width), i % width)));
  const dims = [rows.length, width];
  return {
    input_ids: new ort.Tensor('int64', flat((r, c) => rows[r][c] ?? pad), dims),
    attention_mask: new ort.Tensor('int64', flat((r, c) => (c < rows[r].length ? 1 : 0)), dims),
  };
};

describe('test/fixtures/make-model.mjs --arch xlmr', function () {
  this.timeout(120_000);
  let tmp: string;
  let dir: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'make-model-xlmr-'));
    dir = path.join(tmp, 'a');
    await makeModel({ out: dir, arch: 'xlmr', quant: true });
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.cacheDir = path.join(tmp, 'cache');
  });
  after(() => rm(tmp, { recursive: true, force: true }));

  it('writes the layout and configs of Xenova/bge-reranker-base', async () => {
    const config = await readJson(path.join(dir, 'config.json'));
    assert.equal(config.model_type, 'xlm-roberta');
    assert.deepEqual(config.architectures, ['XLMRobertaForSequenceClassification']);
    assert.deepEqual([config.max_position_embeddings, config.pad_token_id, config.type_vocab_size], [514, 1, 1]);
    assert.deepEqual(config.id2label, { 0: 'LABEL_0' });
    const tokConfig = await readJson(path.join(dir, 'tokenizer_config.json'));
    assert.equal(tokConfig.tokenizer_class, 'XLMRobertaTokenizer');
    assert.equal(tokConfig.model_max_length, 512);
    const tok = await readJson(path.join(dir, 'tokenizer.json'));
    assert.equal(tok.model.type, 'Unigram');
    assert.equal(tok.model.unk_id, 3);
    const vocab: [string, number][] = tok.model.vocab;
    assert.equal(vocab.length, config.vocab_size);
    assert.deepEqual(vocab.slice(0, 4).map(([t]) => t), ['<s>', '<pad>', '</s>', '<unk>']);
    assert.equal(vocab.at(-1)?.[0], '<mask>');
    const scores = vocab.slice(4, -1).map(([, s]) => s);
    assert.ok(scores.every((s, i) => i === 0 || s <= scores[i - 1]), 'pieces ordered by score, as SentencePiece');
    assert.equal(tok.pre_tokenizer.type, 'Metaspace');
    assert.equal(tok.pre_tokenizer.replacement, '\u2581');
    const pair = tok.post_processor.pair.map((item: { SpecialToken?: { id: string }; Sequence?: { id: string } }) =>
      item.SpecialToken ? item.SpecialToken.id : `$${item.Sequence?.id}`,
    );
    assert.deepEqual(pair, ['<s>', '$A', '</s>', '</s>', '$B', '</s>']);
  });

  it('is byte-identical when generated again through the CLI', async () => {
    const again = path.join(tmp, 'b');
    await promisify(execFile)(process.execPath, [SCRIPT, '--out', again, '--arch', 'xlmr', '--quant']);
    for (const f of FILES) {
      const [a, b] = await Promise.all([readFile(path.join(dir, f)), readFile(path.join(again, f))]);
      assert.ok(a.equals(b), `${f} differs between runs`);
    }
  });

  it('runs in onnxruntime-node with only input_ids and attention_mask; right padding does not move a score', async () => {
    for (const file of ['model.onnx', 'model_quantized.onnx']) {
      const session = await ort.InferenceSession.create(path.join(dir, 'onnx', file), { intraOpNumThreads: 1 });
      try {
        assert.deepEqual([...session.inputNames].sort(), ['attention_mask', 'input_ids']);
        const rows = [[0, 300, 301, 302, 2, 2, 400, 401, 402, 403, 2], [0, 310, 2, 2, 500, 2]];
        const { logits } = await session.run(ids(rows));
        assert.deepEqual(logits.dims, [2, 1]);
        const [a, b] = Array.from(logits.data as Float32Array);
        assert.ok(Math.abs(a - b) > 1e-3, `${file}: ${a} vs ${b}`);
        if (file === 'model.onnx') {
          // Row 1 was padded with <pad> (id 1) to 11 tokens; alone it has no padding. RoBERTa positions skip pads.
          const alone = (await session.run(ids([rows[1]]))).logits.data as Float32Array;
          assert.ok(Math.abs(alone[0] - b) < 1e-5, `${alone[0]} vs ${b}`);
        }
      } finally {
        await session.release();
      }
    }
  });

  it('numbers positions from pad + 1 as Hugging Face does: 512 tokens fit the 514 rows, 513 do not', async () => {
    const session = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx'), { intraOpNumThreads: 1 });
    try {
      const row = (n: number) => [0, ...Array.from({ length: n - 2 }, (_, i) => 10 + (i % 900)), 2];
      const { logits } = await session.run(ids([row(512)]));
      assert.ok(Number.isFinite((logits.data as Float32Array)[0]));
      // Positions 2..514 for 513 tokens: row 514 does not exist. Counting from 0 would have fitted.
      await assert.rejects(session.run(ids([row(513)])), /indices|out of bounds|invalid/i);
    } finally {
      await session.release();
    }
  });

  it('tokenizes like XLMRobertaTokenizer: ▁-prefixed SentencePiece pieces, cased, no token_type_ids', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    assert.equal(tokenizer.constructor.name, 'XLMRobertaTokenizer');
    assert.deepEqual(tokenizer.tokenize(QUERY), ['▁What', '▁is', '▁context', '▁size', '▁of', '▁Mixtral', '?']);
    const enc = tokenizer(QUERY, { text_pair: DOCS[0] });
    assert.equal(enc.token_type_ids, undefined);
    const row = Array.from((enc.input_ids as Tensor).data as BigInt64Array, Number);
    assert.equal(row[0], 0);
    assert.equal(row.at(-1), 2);
    assert.equal(row.filter((t) => t === 2).length, 3);
    assert.ok(!row.includes(3), 'no <unk> in ordinary text');
    const words = PARAGRAPH.split(/\s+/).length;
    const tokens = tokenizer.tokenize(PARAGRAPH).length;
    assert.ok(tokens / words >= 1 && tokens / words <= 2, `${tokens} tokens for ${words} words`);
  });

  for (const dtype of ['fp32', 'q8'] as const) {
    it(`scores padded batches (${dtype}) through transformers.js exactly like onnxruntime-node`, async () => {
      const tokenizer = await AutoTokenizer.from_pretrained(dir);
      const model = await AutoModelForSequenceClassification.from_pretrained(dir, { dtype, session_options: { intraOpNumThreads: 1 } });
      const file = dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx';
      const session = await ort.InferenceSession.create(path.join(dir, 'onnx', file), { intraOpNumThreads: 1 });
      try {
        assert.equal(model.constructor.name, 'XLMRobertaForSequenceClassification');
        const inputs = tokenizer(new Array<string>(DOCS.length).fill(QUERY), { text_pair: DOCS, padding: true, truncation: true });
        const { logits } = (await model(inputs)) as { logits: Tensor };
        const toOrt = (t: Tensor) => new ort.Tensor('int64', t.data as BigInt64Array, t.dims);
        const direct = await session.run({ input_ids: toOrt(inputs.input_ids as Tensor), attention_mask: toOrt(inputs.attention_mask as Tensor) });
        const viaTransformers = Array.from(logits.data as Float32Array);
        assert.deepEqual(viaTransformers, Array.from(direct.logits.data as Float32Array));
        assert.equal(new Set(viaTransformers).size, DOCS.length, `scores ${viaTransformers}`);
      } finally {
        await session.release();
        await model.dispose();
      }
    });
  }

  it('writes a two-label head with --labels 2 (both archs)', async () => {
    for (const arch of ['bert', 'xlmr'] as const) {
      const out = path.join(tmp, `labels-${arch}`);
      await promisify(execFile)(process.execPath, [SCRIPT, '--out', out, '--arch', arch, '--labels', '2']);
      const config = await readJson(path.join(out, 'config.json'));
      assert.deepEqual(config.id2label, { 0: 'LABEL_0', 1: 'LABEL_1' });
      const session = await ort.InferenceSession.create(path.join(out, 'onnx', 'model.onnx'));
      try {
        const feeds: Record<string, ort.Tensor> = ids([[0, 300, 301, 2]]);
        if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(4), [1, 4]);
        const { logits } = await session.run(feeds);
        assert.deepEqual(logits.dims, [1, 2]);
      } finally {
        await session.release();
      }
    }
  });

  it('rejects unknown arch and labels values with a usage message', async () => {
    const run = (args: string[]) => promisify(execFile)(process.execPath, [SCRIPT, '--out', path.join(tmp, 'bad'), ...args]);
    await assert.rejects(run(['--arch', 'gpt']), (err: { code: number; stderr: string }) => err.code === 2 && /unknown arch "gpt"/.test(err.stderr));
    await assert.rejects(run(['--labels', '3']), (err: { code: number; stderr: string }) => err.code === 2 && /labels must be 1/.test(err.stderr));
  });
});
