import {
  AutoConfig,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  env,
  type Tensor,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Dtype, ModelSpec } from '../../shared/model-spec';
import type { Progress } from '../../shared/worker-protocol';
import { InputError } from '../errors';
import { batchFeeds, relevanceLogits, unsupportedInputs } from './feeds';
import { checkLocalModel, modelLoadError } from './model-files';
import { isLocalModel } from './model-location';
import { encodePair, templateFromProbe, type EncodedPair, type PairTemplate } from './truncate';

const HUB = 'https://huggingface.co/';
/** Padded tokens per micro-batch: small enough to answer a cancel within ~0.1 s on MiniLM. */
export const DEFAULT_BATCH_TOKENS = 1024;
/**
 * Documents tokenized at a time. Tokenizing is ~1-3 ms per document, so tokenizing 20,000 up front would keep
 * the first scores back for a minute; in chunks, each chunk's batches run before the next chunk is tokenized.
 * Length-sorting within 1,024 documents pads as little as sorting them all (the batches hold ~5 pairs).
 */
export const DEFAULT_CHUNK_DOCUMENTS = 1024;

export interface ScoreOptions {
  batchTokens?: number;
  /**
   * q8 only (ignored for fp32): score one pair per run, unpadded. Dynamic quantization takes one scale per
   * run, so in a batch a q8 score moves with its neighbours; alone it depends on its own pair only.
   * Off by default: on the 2-core AVX2 reference machine it measured 0.9-1.5x batched fp32 throughput,
   * short of the 1.6x that would make it the q8 mode (`npm run bench -- --only q8-single`).
   */
  singlePairQ8?: boolean;
  /**
   * The first `priority` documents (the highest fused ranks) are tokenized and scored before all others, in
   * batches of their own, so their scores come first; the rest follow in chunks, in document order.
   */
  priority?: number;
  /** Documents tokenized at a time (default DEFAULT_CHUNK_DOCUMENTS). */
  chunkDocuments?: number;
  /** Checked between micro-batches; returning true stops the work. */
  shouldStop?: () => boolean;
  onProgress?: (done: number, total: number) => void;
  /** Each micro-batch's scores as soon as it ran: document indices and their logits. */
  onScores?: (indices: number[], scores: number[]) => void;
}

/** One query and the documents to score against it. */
export interface ScoringSet {
  query: string;
  documents: readonly string[];
}

/** Pairs encoded at a time by scoreMany (a few MB of token ids). */
export const DEFAULT_CHUNK_PAIRS = 4096;

export interface ScoreManyOutput {
  /** Raw logits per set, in the order of the sets and of their documents. Empty when stopped. */
  scores: number[][];
  stopped: boolean;
  tokenizeMs: number;
  inferenceMs: number;
}

export interface ScoreOutput {
  /** Raw logits, in the order of the documents given. Empty when stopped. */
  scores: number[];
  stopped: boolean;
  tokenizeMs: number;
  inferenceMs: number;
}

/**
 * A cross-encoder (e.g. ms-marco-MiniLM-L-6-v2) scoring query/document pairs with transformers.js and
 * onnxruntime-node. Scores are raw logits, as sentence-transformers' CrossEncoder.predict prints them.
 */
export class CrossEncoder {
  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    private readonly template: PairTemplate,
    readonly maxLength: number,
    private readonly padId: number,
    readonly dtype: Dtype,
    /** The ONNX graph's inputs: which tensors each batch feeds (no token_type_ids for XLM-R and the like). */
    readonly inputNames: readonly string[],
  ) {}

  static async load(spec: ModelSpec, onProgress?: (p: Progress) => void): Promise<CrossEncoder> {
    const local = isLocalModel(spec.model);
    if (local) await checkLocalModel(spec.model, spec.dtype);
    env.allowLocalModels = true;
    env.allowRemoteModels = spec.allowRemote && !local;
    env.cacheDir = spec.cacheDir;
    // Hub ids are first looked up here; keep it inside our own cache so nothing else is picked up.
    env.localModelPath = join(spec.cacheDir, 'local');
    env.remoteHost = spec.remoteHost ?? HUB;
    // transformers.js reports "progress" for files read from disk as well; only files actually fetched
    // over the network are downloads.
    const fetched: string[] = [];
    env.fetch = (input: string | URL, init?: RequestInit) => {
      fetched.push(String(input));
      return fetch(input, init);
    };
    const isDownload = (file: string) => fetched.some((url) => url.endsWith(`/${file}`));
    const options = {
      cache_dir: spec.cacheDir,
      local_files_only: !env.allowRemoteModels,
      progress_callback: (info: { status: string; file?: string; loaded?: number; total?: number; progress?: number }) => {
        if (info.status === 'progress' && info.file && isDownload(info.file)) {
          onProgress?.({
            phase: 'download',
            file: info.file,
            loaded: info.loaded ?? 0,
            total: info.total ?? 0,
            percent: info.progress ?? 0,
          });
        }
      },
    };
    try {
      // config.json first: the tokenizer loader reads optional files and fails obscurely when a model is absent.
      const config = await AutoConfig.from_pretrained(spec.model, options);
      const tokenizer = await AutoTokenizer.from_pretrained(spec.model, options);
      onProgress?.({ phase: 'load' });
      const threads = spec.threads ?? Math.min(availableParallelism(), 8);
      const model = await AutoModelForSequenceClassification.from_pretrained(spec.model, {
        ...options,
        config,
        dtype: spec.dtype,
        session_options: { intraOpNumThreads: threads, interOpNumThreads: 1 },
      });
      const inputNames = graphInputs(model);
      const unsupported = unsupportedInputs(inputNames);
      if (unsupported.length) {
        await model.dispose();
        throw new InputError(
          'bad-model',
          `The model ${spec.model} takes graph inputs Rerank Lens cannot provide (${unsupported.join(', ')}); ` +
            `expected input_ids, attention_mask and optionally token_type_ids, as in a sequence-classification export.`,
          spec.model,
        );
      }
      const template = probeTemplate(tokenizer);
      const maxLength = modelMaxLength(tokenizer, model, spec.maxLength);
      return new CrossEncoder(tokenizer, model, template, maxLength, tokenizer.pad_token_id ?? 0, spec.dtype, inputNames);
    } catch (err) {
      throw modelLoadError(err, spec);
    }
  }

  encode(query: string, documents: readonly string[]): EncodedPair[] {
    const q = this.tokenizer.encode(query, { add_special_tokens: false });
    return documents.map((d) => this.encodeDocument(q, d));
  }

  async score(query: string, documents: readonly string[], options: ScoreOptions = {}): Promise<ScoreOutput> {
    const t0 = performance.now();
    const q = this.tokenizer.encode(query, { add_special_tokens: false });
    const scores = new Array<number>(documents.length).fill(Number.NaN);
    let tokenizeMs = performance.now() - t0;
    let inferenceMs = 0;
    let done = 0;
    for (const [start, end] of scoringChunks(documents.length, options.priority ?? 0, options.chunkDocuments ?? DEFAULT_CHUNK_DOCUMENTS)) {
      const t = performance.now();
      const pairs = documents.slice(start, end).map((d) => this.encodeDocument(q, d));
      tokenizeMs += performance.now() - t;
      const onScores = options.onScores && ((indices: number[], logits: number[]) => options.onScores!(indices.map((i) => start + i), logits));
      const run = await this.scoreEncoded(pairs, done, documents.length, { ...options, onScores });
      inferenceMs += run.inferenceMs;
      if (run.stopped) return { scores: [], stopped: true, tokenizeMs, inferenceMs };
      run.scores.forEach((score, i) => (scores[start + i] = score));
      done += pairs.length;
    }
    return { scores, stopped: false, tokenizeMs, inferenceMs };
  }

  /**
   * Scores the documents of many queries as one stream of length-sorted micro-batches, so an evaluation
   * pays no per-query cost: batches mix queries, and each query is tokenized once. Sets are taken in
   * chunks of about `chunkPairs` pairs, which bounds the memory of encoded pairs on large runs while
   * leaving batches as full as one big sort would.
   */
  async scoreMany(sets: readonly ScoringSet[], options: ScoreOptions & { chunkPairs?: number } = {}): Promise<ScoreManyOutput> {
    const total = sets.reduce((n, s) => n + s.documents.length, 0);
    const chunkPairs = options.chunkPairs ?? DEFAULT_CHUNK_PAIRS;
    const scores: number[][] = [];
    let tokenizeMs = 0;
    let inferenceMs = 0;
    let done = 0;
    for (let first = 0; first < sets.length; ) {
      let last = first;
      let size = 0;
      while (last < sets.length && (last === first || size + sets[last].documents.length <= chunkPairs)) size += sets[last++].documents.length;
      const t0 = performance.now();
      const pairs = sets.slice(first, last).flatMap((s) => this.encode(s.query, s.documents));
      tokenizeMs += performance.now() - t0;
      // Partial scores are per document of one query; across sets they would need another index.
      const run = await this.scoreEncoded(pairs, done, total, { ...options, onScores: undefined });
      inferenceMs += run.inferenceMs;
      if (run.stopped) return { scores: [], stopped: true, tokenizeMs, inferenceMs };
      let offset = 0;
      for (const set of sets.slice(first, last)) {
        scores.push(run.scores.slice(offset, offset + set.documents.length));
        offset += set.documents.length;
      }
      done += pairs.length;
      first = last;
    }
    return { scores, stopped: false, tokenizeMs, inferenceMs };
  }

  /** Runs encoded pairs through the model in length-sorted micro-batches; progress counts from `before` of `total`. */
  private async scoreEncoded(
    pairs: readonly EncodedPair[],
    before: number,
    total: number,
    options: ScoreOptions,
  ): Promise<{ scores: number[]; stopped: boolean; inferenceMs: number }> {
    const t0 = performance.now();
    const scores = new Array<number>(pairs.length).fill(Number.NaN);
    let done = before;
    const single = this.dtype === 'q8' && (options.singlePairQ8 ?? false);
    // A budget of one token puts every pair in a batch of its own (see lengthSortedBatches).
    const batchTokens = single ? 1 : (options.batchTokens ?? DEFAULT_BATCH_TOKENS);
    for (const batch of lengthSortedBatches(pairs, batchTokens)) {
      // Let the worker's message port deliver a pending cancel before starting the next batch.
      await new Promise((resolve) => setImmediate(resolve));
      if (options.shouldStop?.()) return { scores: [], stopped: true, inferenceMs: performance.now() - t0 };
      const logits = await this.run(batch.map((i) => pairs[i]));
      batch.forEach((docIndex, row) => (scores[docIndex] = logits[row]));
      done += batch.length;
      options.onScores?.(batch, logits);
      options.onProgress?.(done, total);
    }
    return { scores, stopped: false, inferenceMs: performance.now() - t0 };
  }

  private encodeDocument(query: number[], document: string): EncodedPair {
    return encodePair(query, this.tokenizer.encode(document, { add_special_tokens: false }), this.template, this.maxLength);
  }

  /** One padded batch through the model; returns one logit per pair. */
  private async run(pairs: EncodedPair[]): Promise<number[]> {
    const output = (await this.model(batchFeeds(pairs, this.inputNames, this.padId))) as { logits: Tensor };
    return relevanceLogits(output.logits.data as Float32Array, pairs.length, output.logits.dims[1] ?? 1);
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}

/**
 * The [start, end) document ranges scored one after the other: the priority documents first, then chunks of
 * `chunk` documents in order. Empty ranges are left out.
 */
export function scoringChunks(total: number, priority: number, chunk: number): [number, number][] {
  const ranges: [number, number][] = [];
  const first = Math.min(Math.max(0, Math.floor(priority)), total);
  if (first > 0) ranges.push([0, first]);
  const step = Math.max(1, Math.floor(chunk));
  for (let start = first; start < total; start += step) ranges.push([start, Math.min(total, start + step)]);
  return ranges;
}

/**
 * Groups pair indices into batches of similar length (longest first) so little compute goes to padding,
 * each batch holding at most `batchTokens` padded tokens (always at least one pair).
 */
export function lengthSortedBatches(pairs: readonly EncodedPair[], batchTokens: number): number[][] {
  const order = pairs.map((_, i) => i).sort((a, b) => pairs[b].inputIds.length - pairs[a].inputIds.length);
  const batches: number[][] = [];
  let current: number[] = [];
  let width = 0;
  for (const i of order) {
    if (current.length > 0 && width * (current.length + 1) > batchTokens) {
      batches.push(current);
      current = [];
    }
    // Sorted longest first, so a batch's first pair sets its padded width.
    if (current.length === 0) width = pairs[i].inputIds.length;
    current.push(i);
  }
  if (current.length) batches.push(current);
  return batches;
}

function probeTemplate(tokenizer: PreTrainedTokenizer): PairTemplate {
  const first = tokenizer.encode('a', { add_special_tokens: false });
  const second = tokenizer.encode('b', { add_special_tokens: false });
  const pair = tokenizer('a', { text_pair: 'b', return_tensor: false }) as {
    input_ids: number[];
    token_type_ids?: number[];
  };
  return templateFromProbe(first, second, pair.input_ids, pair.token_type_ids);
}

/** The input names of the graph transformers.js loaded (its sessions are onnxruntime InferenceSessions). */
function graphInputs(model: PreTrainedModel): string[] {
  const sessions = (model as unknown as { sessions?: Record<string, { inputNames?: readonly string[] }> }).sessions;
  return [...(sessions?.model?.inputNames ?? ['input_ids', 'attention_mask', 'token_type_ids'])];
}

/** RoBERTa-style models number positions from pad_token_id + 1, so their table holds pad_token_id + 1 extra rows. */
const OFFSET_POSITIONS = new Set(['roberta', 'xlm-roberta', 'camembert']);

function modelMaxLength(tokenizer: PreTrainedTokenizer, model: PreTrainedModel, requested?: number): number {
  const config = model.config as unknown as { max_position_embeddings?: number; model_type?: string; pad_token_id?: number };
  const positions =
    config.max_position_embeddings !== undefined && OFFSET_POSITIONS.has(config.model_type ?? '')
      ? config.max_position_embeddings - (config.pad_token_id ?? 1) - 1
      : config.max_position_embeddings;
  const limits = [(tokenizer as unknown as { model_max_length?: number }).model_max_length, positions, requested].filter(
    (n): n is number => typeof n === 'number' && n > 0 && n < 1e6,
  );
  return limits.length ? Math.min(...limits) : 512;
}
