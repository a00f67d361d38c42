/**
 * The tensors one padded batch feeds to a cross-encoder graph. Which inputs to build comes from the ONNX
 * session's own input names, not from the architecture: BERT exports take token_type_ids, XLM-R, ModernBERT
 * and type-less DeBERTa-v2 exports (mxbai-rerank) take only input_ids and attention_mask.
 */
import { Tensor } from '@huggingface/transformers';
import type { EncodedPair } from './truncate';

const SUPPORTED = new Set(['input_ids', 'attention_mask', 'token_type_ids']);

/** Graph inputs this engine cannot fill (e.g. position_ids); a model asking for them cannot be scored. */
export function unsupportedInputs(inputNames: readonly string[]): string[] {
  return inputNames.filter((name) => !SUPPORTED.has(name));
}

/** Right-padded int64 tensors for exactly the inputs in `inputNames`, padding with `padId`. */
export function batchFeeds(pairs: readonly EncodedPair[], inputNames: readonly string[], padId: number): Record<string, Tensor> {
  const width = Math.max(...pairs.map((p) => p.inputIds.length));
  const dims = [pairs.length, width];
  const wants = new Set(inputNames);
  const ids = new BigInt64Array(pairs.length * width).fill(BigInt(padId));
  const mask = new BigInt64Array(pairs.length * width);
  const types = wants.has('token_type_ids') ? new BigInt64Array(pairs.length * width) : undefined;
  pairs.forEach((p, row) => {
    const base = row * width;
    for (let i = 0; i < p.inputIds.length; i++) {
      ids[base + i] = BigInt(p.inputIds[i]);
      mask[base + i] = 1n;
      if (types) types[base + i] = BigInt(p.typeIds[i]);
    }
  });
  const feeds: Record<string, Tensor> = {};
  if (wants.has('input_ids')) feeds.input_ids = new Tensor('int64', ids, dims);
  if (wants.has('attention_mask')) feeds.attention_mask = new Tensor('int64', mask, dims);
  if (types) feeds.token_type_ids = new Tensor('int64', types, dims);
  return feeds;
}

/**
 * One relevance logit per row of a [rows, labels] logits tensor. One label: that logit (ms-marco, bge-reranker).
 * Two or more: the last one, the "relevant" class of binary rerankers; it is not a probability.
 */
export function relevanceLogits(data: Float32Array, rows: number, labels: number): number[] {
  return Array.from({ length: rows }, (_, row) => data[row * labels + labels - 1]);
}
