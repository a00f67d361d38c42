// The generated cross-encoder fixture must be a model that transformers.js and onnxruntime-node load and score
// exactly like the hub's Xenova/ms-marco-MiniLM-L-6-v2, and must be reproducible byte for byte.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import {
  AutoModelForSequenceClassification,
  AutoTokenizer,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { generateLocalModel } from '../support/local-model';

const SCRIPT = path.resolve(__dirname, '..', 'fixtures', 'make-model.mjs');
const FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'onnx/model.onnx',
  'onnx/model_quantized.onnx',
];
const QUERY = 'What is context size of Mixtral?';
const DOCS = [
  'Mixtral is pretrained with multilingual data using a context size of 32k tokens.',
  'The perplexity of Mixtral on the proof-pile dataset decreases monotonically as the context length increases.',
  'We compare Mixtral to Llama 2 70B and GPT-3.5 on commonsense reasoning, world knowledge and code benchmarks.',
  'Each token is routed to two experts selected by a gating network.',
];
// A paragraph of the Mixtral paper's routing analysis, kept out of the generator's word lists on purpose.
const PARAGRAPH =
  'In this section, we perform a small analysis on the expert selection by the router. In particular, we are ' +
  'interested to see if during training some experts specialized to some specific domains such as mathematics, ' +
  'biology or philosophy. To investigate this, we measure the distribution of selected experts on different ' +
  'subsets of The Pile validation dataset. Results are presented in Figure 7, for layers 0, 15, and 31. ' +
  'Surprisingly, we do not observe obvious patterns in the assignment of experts based on the topic. For ' +
  'instance, at all layers, the distribution of expert assignment is very similar for ArXiv papers, biology, ' +
  'and philosophy documents.';

type Feeds = Record<'input_ids' | 'attention_mask' | 'token_type_ids', ort.Tensor>;

function feedsFrom(rows: number[][], typeIds?: number[][]): Feeds {
  const seq = Math.max(...rows.map((r) => r.length));
  const dims = [rows.length, seq];
  const flat = (f: (row: number, col: number) => number) =>
    BigInt64Array.from({ length: rows.length * seq }, (_, i) => BigInt(f(Math.floor(i / seq), i % seq)));
  return {
    input_ids: new ort.Tensor('int64', flat((r, c) => rows[r][c] ?? 0), dims),
    attention_mask: new ort.Tensor('int64', flat((r, c) => (c < rows[r].length ? 1 : 0)), dims),
    token_type_ids: new ort.Tensor('int64', flat((r, c) => typeIds?.[r][c] ?? 0), dims),
  };
}

const ortTensor = (t: Tensor) => new ort.Tensor('int64', t.data as BigInt64Array, t.dims);
const toNumbers = (t: Tensor) => Array.from(t.data as BigInt64Array, Number);

describe('test/fixtures/make-model.mjs', function () {
  let tmp: string;
  let dir: string;

  before(async function () {
    ({ tmp, dir } = await generateLocalModel('make-model-test-', { preset: 'tiny' }));
  });

  after(async function () {
    await rm(tmp, { recursive: true, force: true });
  });

  it('writes the hub layout of Xenova/ms-marco-MiniLM-L-6-v2', async function () {
    for (const f of FILES) assert.ok((await stat(path.join(dir, f))).size > 0, f);
    const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'));
    assert.equal(config.model_type, 'bert');
    assert.deepEqual(config.architectures, ['BertForSequenceClassification']);
    assert.deepEqual(config.id2label, { 0: 'LABEL_0' });
    assert.equal(config.max_position_embeddings, 512);
    const tokConfig = JSON.parse(await readFile(path.join(dir, 'tokenizer_config.json'), 'utf8'));
    assert.equal(tokConfig.tokenizer_class, 'BertTokenizer');
    assert.equal(tokConfig.model_max_length, 512);
    assert.equal(tokConfig.do_lower_case, true);
    const tokenizerJson = JSON.parse(await readFile(path.join(dir, 'tokenizer.json'), 'utf8'));
    const vocab: Record<string, number> = tokenizerJson.model.vocab;
    assert.equal(Object.keys(vocab).length, config.vocab_size);
    assert.deepEqual(
      ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].map((t) => vocab[t]),
      [0, 100, 101, 102, 103],
    );
  });

  it('is byte-identical when generated again through the CLI', async function () {
    const again = path.join(tmp, 'b');
    await promisify(execFile)(process.execPath, [SCRIPT, '--out', again, '--preset', 'tiny', '--quant']);
    assert.deepEqual((await readdir(path.join(again, 'onnx'))).sort(), ['model.onnx', 'model_quantized.onnx']);
    for (const f of FILES) {
      const [a, b] = await Promise.all([readFile(path.join(dir, f)), readFile(path.join(again, f))]);
      assert.ok(a.equals(b), `${f} differs between runs`);
    }
  });

  it('runs in onnxruntime-node (fp32 and int8) with distinct scores per input', async function () {
    const rows = [
      [101, 300, 301, 302, 102, 400, 401, 402, 403, 102],
      [101, 300, 301, 302, 102, 500, 501, 502, 102],
      [101, 310, 102, 600, 601, 602, 603, 604, 605, 606, 607, 102],
      [101, 300, 301, 302, 102, 400, 401, 402, 403, 102],
    ];
    const types = rows.map((r) => r.map((_, i) => (i > r.indexOf(102) ? 1 : 0)));
    const scores: number[][] = [];
    for (const file of ['model.onnx', 'model_quantized.onnx']) {
      const session = await ort.InferenceSession.create(path.join(dir, 'onnx', file), { intraOpNumThreads: 1 });
      try {
        assert.deepEqual([...session.inputNames].sort(), ['attention_mask', 'input_ids', 'token_type_ids']);
        assert.deepEqual(session.outputNames, ['logits']);
        const { logits } = await session.run(feedsFrom(rows, types));
        assert.deepEqual(logits.dims, [rows.length, 1]);
        const s = Array.from(logits.data as Float32Array);
        assert.ok(s.every(Number.isFinite), `${file}: ${s}`);
        for (let i = 0; i < 3; i++) {
          for (let j = i + 1; j < 3; j++) assert.ok(Math.abs(s[i] - s[j]) > 1e-3, `${file}: scores ${s} too close`);
        }
        // Row 3 repeats row 0: same score whatever else is in the (padded) batch.
        assert.ok(Math.abs(s[0] - s[3]) < 1e-5, `${file}: ${s}`);
        // Token types feed into the model (a tokenizer that drops them would change scores).
        const { logits: noTypes } = await session.run(feedsFrom(rows.slice(0, 1)));
        assert.ok(Math.abs((noTypes.data as Float32Array)[0] - s[0]) > 1e-3, `${file}: token_type_ids ignored`);
        scores.push(s);
      } finally {
        await session.release();
      }
    }
    // int8 follows fp32 closely.
    scores[0].forEach((v, i) => assert.ok(Math.abs(v - scores[1][i]) < 0.1, `fp32 ${scores[0]} vs q8 ${scores[1]}`));
  });

  describe('with transformers.js', function () {
    let tokenizer: PreTrainedTokenizer;

    before(async function () {
      tokenizer = await AutoTokenizer.from_pretrained(dir);
    });

    it('tokenizes a (query, document) pair like BertTokenizer', function () {
      assert.deepEqual(tokenizer.tokenize(QUERY), ['what', 'is', 'context', 'size', 'of', 'mixtral', '?']);
      const enc = tokenizer(QUERY, { text_pair: DOCS[0] });
      const ids = toNumbers(enc.input_ids as Tensor);
      const types = toNumbers(enc.token_type_ids as Tensor);
      const seps = ids.flatMap((id, i) => (id === 102 ? [i] : []));
      assert.equal(ids[0], 101);
      assert.equal(seps.length, 2);
      assert.equal(seps[1], ids.length - 1);
      assert.ok(!ids.includes(100), 'no [UNK] in ordinary text');
      assert.deepEqual(types, ids.map((_, i) => (i <= seps[0] ? 0 : 1)));
    });

    it('gives roughly 1-2 tokens per word on ordinary English', function () {
      const words = PARAGRAPH.split(/\s+/).length;
      const tokens = tokenizer.tokenize(PARAGRAPH);
      assert.ok(!tokens.includes('[UNK]'));
      const ratio = tokens.length / words;
      assert.ok(ratio >= 1 && ratio <= 2, `${tokens.length} tokens for ${words} words`);
    });

    for (const dtype of ['fp32', 'q8'] as const) {
      it(`scores pairs (${dtype}) exactly like onnxruntime-node on the same tensors`, async function () {
        const model = await AutoModelForSequenceClassification.from_pretrained(dir, {
          dtype,
          session_options: { intraOpNumThreads: 1 },
        });
        const file = dtype === 'fp32' ? 'model.onnx' : 'model_quantized.onnx';
        const session = await ort.InferenceSession.create(path.join(dir, 'onnx', file), { intraOpNumThreads: 1 });
        try {
          const inputs = tokenizer(new Array<string>(DOCS.length).fill(QUERY), {
            text_pair: DOCS,
            padding: true,
            truncation: true,
          });
          const { logits } = (await model(inputs)) as { logits: Tensor };
          assert.deepEqual(logits.dims, [DOCS.length, 1]);
          const direct = await session.run({
            input_ids: ortTensor(inputs.input_ids as Tensor),
            attention_mask: ortTensor(inputs.attention_mask as Tensor),
            token_type_ids: ortTensor(inputs.token_type_ids as Tensor),
          });
          const viaTransformers = Array.from(logits.data as Float32Array);
          assert.deepEqual(viaTransformers, Array.from(direct.logits.data as Float32Array));
          assert.equal(new Set(viaTransformers).size, DOCS.length, `scores ${viaTransformers}`);
        } finally {
          await session.release();
          await model.dispose();
        }
      });
    }

    it('accepts pairs truncated to 512 tokens', async function () {
      const model = await AutoModelForSequenceClassification.from_pretrained(dir, { dtype: 'fp32' });
      try {
        const inputs = tokenizer([QUERY], { text_pair: [PARAGRAPH.repeat(8)], padding: true, truncation: true });
        assert.deepEqual((inputs.input_ids as Tensor).dims, [1, 512]);
        const { logits } = (await model(inputs)) as { logits: Tensor };
        assert.ok(Number.isFinite((logits.data as Float32Array)[0]));
      } finally {
        await model.dispose();
      }
    });
  });
});
