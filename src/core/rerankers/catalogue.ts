/**
 * Cross-encoders known to load in transformers.js 4.3.1 from a hub repo laid out as Rerank Lens expects
 * (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx): the
 * "Choose reranker" list. Every field was checked against the hub pages (file listings, config.json, model
 * card licence); sizes are the hub's rounded file sizes. Left out until confirmed: an ONNX export
 * of bge-reranker-v2-m3 in this layout (onnx-community/bge-reranker-v2-m3-ONNX exists but its files were not
 * verified) and bge-reranker-large (its fp32 weights are an external model.onnx_data file).
 */
import { DEFAULT_MODEL } from '../../shared/model-spec';

/** The `model_type` of config.json; each maps to a *ForSequenceClassification class in transformers.js 4.3.1. */
export type RerankerFamily = 'bert' | 'xlm-roberta' | 'deberta-v2' | 'modernbert';

export interface KnownReranker {
  /** Short display name. */
  name: string;
  /** Hub repo with the ONNX export (the `rerankLens.model` value). */
  hubId: string;
  /** The model it was exported from, for its model card. */
  origin: string;
  family: RerankerFamily;
  /** Size in MB of onnx/model.onnx (fp32) and onnx/model_quantized.onnx (q8), the bulk of the download. */
  sizeMB: { fp32: number; q8: number };
  /** ISO 639-1 codes of the languages it was trained for. */
  languages: readonly string[];
  /** Longest query + document pair in tokens. */
  maxLength: number;
  /** SPDX identifier of the weights' licence. */
  licence: string;
}

export const KNOWN_RERANKERS: readonly KnownReranker[] = [
  {
    name: 'ms-marco MiniLM-L-6-v2',
    hubId: 'Xenova/ms-marco-MiniLM-L-6-v2',
    origin: 'cross-encoder/ms-marco-MiniLM-L-6-v2',
    family: 'bert',
    sizeMB: { fp32: 91, q8: 23.1 },
    languages: ['en'],
    maxLength: 512,
    licence: 'Apache-2.0',
  },
  {
    name: 'ms-marco MiniLM-L-12-v2',
    hubId: 'Xenova/ms-marco-MiniLM-L-12-v2',
    origin: 'cross-encoder/ms-marco-MiniLM-L-12-v2',
    family: 'bert',
    sizeMB: { fp32: 134, q8: 34.2 },
    languages: ['en'],
    maxLength: 512,
    licence: 'Apache-2.0',
  },
  {
    name: 'ms-marco TinyBERT-L-2-v2',
    hubId: 'Xenova/ms-marco-TinyBERT-L-2-v2',
    origin: 'cross-encoder/ms-marco-TinyBERT-L-2-v2',
    family: 'bert',
    sizeMB: { fp32: 17.6, q8: 4.5 },
    languages: ['en'],
    maxLength: 512,
    licence: 'Apache-2.0',
  },
  {
    name: 'bge-reranker-base',
    hubId: 'Xenova/bge-reranker-base',
    origin: 'BAAI/bge-reranker-base',
    family: 'xlm-roberta',
    sizeMB: { fp32: 1110, q8: 279 },
    languages: ['en', 'zh'],
    maxLength: 512,
    licence: 'MIT',
  },
  {
    name: 'mxbai-rerank-xsmall-v1',
    hubId: 'mixedbread-ai/mxbai-rerank-xsmall-v1',
    origin: 'mixedbread-ai/mxbai-rerank-xsmall-v1',
    family: 'deberta-v2',
    sizeMB: { fp32: 284, q8: 87.2 },
    languages: ['en'],
    maxLength: 512,
    licence: 'Apache-2.0',
  },
  {
    name: 'gte-reranker-modernbert-base',
    hubId: 'Alibaba-NLP/gte-reranker-modernbert-base',
    origin: 'Alibaba-NLP/gte-reranker-modernbert-base',
    family: 'modernbert',
    sizeMB: { fp32: 599, q8: 151 },
    languages: ['en'],
    maxLength: 8192,
    licence: 'Apache-2.0',
  },
];

export function findKnownReranker(hubId: string): KnownReranker | undefined {
  return KNOWN_RERANKERS.find((r) => r.hubId === hubId);
}

/** One line for a picker: "English, Chinese · 512 tokens · 279 MB q8 / 1110 MB fp32 · MIT". */
export function describeReranker(r: KnownReranker): string {
  const names = new Intl.DisplayNames(['en'], { type: 'language' });
  const languages = r.languages.map((code) => names.of(code) ?? code).join(', ');
  return `${languages} · ${r.maxLength} tokens · ${r.sizeMB.q8} MB q8 / ${r.sizeMB.fp32} MB fp32 · ${r.licence}`;
}

/** The default model is always in the list (first). */
export const DEFAULT_RERANKER: KnownReranker = findKnownReranker(DEFAULT_MODEL) ?? KNOWN_RERANKERS[0];
