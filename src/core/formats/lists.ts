import type { Candidate, CandidateSet, Extraction, ScoreSpec } from './types';
import { firstObject, has, isObject, type Json, type Path } from './values';

/*
 * Shapes whose top level is a list of documents. Each is checked against the tool's own source:
 * - LangChain `Document` (langchain_core/documents/base.py): page_content, metadata, id (may be null),
 *   type "Document"; `dumpd()` gives {lc: 1, type: "constructor", id: [...class path], kwargs: {...}};
 *   `similarity_search_with_score` returns (Document, score) tuples, JSON arrays of two.
 * - LlamaIndex `NodeWithScore` (llama_index/core/schema.py): {node: {id_, text, metadata, ...}, score}.
 * - Haystack 2 `Document.to_dict(flatten=True)` (haystack/dataclasses/document.py): id, content, blob,
 *   score, embedding, sparse_embedding, with meta spread on the top level (a nested `meta` only for
 *   keys that collide, or when flatten=False).
 * - pymilvus `MilvusClient.search`: one list of hits per query vector, each {id, distance, entity}.
 * - LanceDB `search().to_list()`: the table's columns plus `_distance` (lower is better).
 */

const ROW_SCORES: readonly ScoreSpec[] = [
  { name: 'score' },
  { name: '_score', direction: 'similarity' },
  { name: 'similarity', direction: 'similarity' },
  { name: 'relevance_score' },
  { name: '_distance', direction: 'distance' },
  { name: 'distance', direction: 'distance' },
];

const HAYSTACK_FIELDS = new Set(['id', 'content', 'blob', 'score', 'embedding', 'sparse_embedding', 'dataframe', 'meta']);

/** A plain row: {id, text, metadata, score?} and its aliases (BEIR `_id`, LanceDB `_distance`…). */
export function rowCandidate(item: unknown, path: Path, score?: ScoreSpec): Candidate {
  if (!isObject(item)) return { item, path, textIn: [item] };
  return {
    item,
    path,
    id: item.id ?? item._id ?? item.id_,
    textIn: [item, item.metadata],
    metadata: item.metadata,
    score: score ? item[score.name] : undefined,
  };
}

const ROW_COLUMNS = new Set(['id', '_id', 'vector', 'embedding', 'metadata', '_distance', 'distance', 'score', '_relevance_score']);

/** A LanceDB / pgvector row: the table's columns are the metadata (less the id, the vector and the score). */
function flatRowCandidate(item: unknown, path: Path, score?: ScoreSpec): Candidate {
  const row = rowCandidate(item, path, score);
  if (!isObject(item)) return row;
  const columns = Object.fromEntries(Object.entries(item).filter(([k]) => !ROW_COLUMNS.has(k)));
  return { ...row, metadata: isObject(item.metadata) ? { ...columns, ...item.metadata } : columns };
}

/** The score field the rows use: the first of ROW_SCORES that any of the first rows has. */
function rowScore(list: readonly unknown[]): ScoreSpec | undefined {
  const sample = list.slice(0, 50).filter(isObject);
  return ROW_SCORES.find((s) => sample.some((row) => row[s.name] !== undefined && row[s.name] !== null));
}

function langchainCandidate(doc: unknown, path: Path, score?: unknown): Candidate {
  // The serialized form keeps the fields under kwargs; its own `id` is the class path, not the document's.
  const serialized = isObject(doc) && doc.lc !== undefined && isObject(doc.kwargs);
  const fields = serialized ? (doc.kwargs as Json) : doc;
  if (!isObject(fields)) return { item: doc, path, textIn: [doc], score };
  return { item: fields, path, id: fields.id, textIn: [fields, fields.metadata], metadata: fields.metadata, score };
}

export function nodeCandidate(entry: unknown, path: Path): Candidate {
  if (!isObject(entry)) return { item: entry, path, textIn: [entry] };
  const node = isObject(entry.node) ? entry.node : undefined;
  const resource = node && isObject(node.text_resource) ? node.text_resource : undefined;
  return {
    item: entry,
    path,
    id: node ? (node.id_ ?? node.id ?? node.doc_id) : undefined,
    textIn: [node, resource, node?.metadata],
    metadata: node?.metadata,
    metadataName: 'node.metadata',
    score: entry.score,
  };
}

function haystackCandidate(doc: unknown, path: Path): Candidate {
  if (!isObject(doc)) return { item: doc, path, textIn: [doc] };
  const flat = Object.fromEntries(Object.entries(doc).filter(([k]) => !HAYSTACK_FIELDS.has(k)));
  const metadata = isObject(doc.meta) ? { ...flat, ...doc.meta } : doc.meta === undefined || doc.meta === null ? flat : doc.meta;
  return { item: doc, path, id: doc.id, textIn: [doc, doc.meta], metadata, metadataName: 'meta', score: doc.score };
}

/** A Qdrant ScoredPoint {id, version, score, payload}; LangChain stores page_content + metadata in the payload. */
export function qdrantPoint(point: unknown, path: Path): Candidate {
  if (!isObject(point)) return { item: point, path, textIn: [point] };
  const payload = point.payload;
  const langchain = isObject(payload) && typeof payload.page_content === 'string' && isObject(payload.metadata);
  return {
    item: point,
    path,
    id: point.id,
    textIn: [point, payload, isObject(payload) ? payload.metadata : undefined],
    metadata: langchain ? payload.metadata : payload,
    metadataName: langchain ? 'payload.metadata' : 'payload',
    score: point.score,
  };
}

function milvusHit(hit: unknown, path: Path): Candidate {
  if (!isObject(hit)) return { item: hit, path, textIn: [hit] };
  return { item: hit, path, id: hit.id ?? hit.pk, textIn: [hit, hit.entity], metadata: hit.entity, metadataName: 'entity', score: hit.distance };
}

export function isHaystackDocument(o: Json): boolean {
  return has(o, 'content') && !has(o, 'text') && (isObject(o.meta) || 'blob' in o || 'sparse_embedding' in o || 'embedding' in o);
}

/** Recognises a list of documents (the top level, a JSONL file's lines, or a wrapper's `results`). */
export function detectList(list: readonly unknown[], base: Path): Extraction {
  const at = (i: number, ...rest: (string | number)[]): Path => [...base, i, ...rest];
  const first = list.find((v) => v !== null && v !== undefined);
  if (Array.isArray(first)) {
    if (first.length === 2 && typeof first[1] === 'number') {
      const candidates = list.map((pair, i) =>
        Array.isArray(pair) ? langchainCandidate(pair[0], at(i, 0), pair[1]) : { item: pair, path: at(i), textIn: [pair] },
      );
      return { shape: 'langchain-scored', sets: [{ candidates, score: { name: 'score' } }] };
    }
    const hit = firstObject(first);
    if (hit && (isObject(hit.entity) || 'distance' in hit)) {
      const sets: CandidateSet[] = list.map((hits, q) => ({
        label: list.length > 1 ? `query ${q + 1}` : undefined,
        candidates: Array.isArray(hits) ? hits.map((h, i) => milvusHit(h, at(q, i))) : [{ item: hits, path: at(q), textIn: [hits] }],
        score: { name: 'distance' },
      }));
      return { shape: 'milvus-hits', sets };
    }
  }
  const sample = firstObject(list);
  const one = (shape: Extraction['shape'], candidates: Candidate[], score?: ScoreSpec): Extraction => ({
    shape,
    sets: [{ candidates, score }],
  });
  if (sample && sample.lc !== undefined && isObject(sample.kwargs)) {
    return one('langchain-serialized', list.map((d, i) => langchainCandidate(d, at(i))));
  }
  if (sample && isObject(sample.node)) {
    return one('llamaindex-nodes', list.map((n, i) => nodeCandidate(n, at(i))), { name: 'score' });
  }
  if (sample && has(sample, 'page_content')) {
    return one('langchain-documents', list.map((d, i) => langchainCandidate(d, at(i))));
  }
  if (sample && isObject(sample.payload) && 'version' in sample) {
    return one('qdrant-search', list.map((p, i) => qdrantPoint(p, at(i))), { name: 'score' });
  }
  if (sample && isObject(sample.entity)) {
    return one('milvus-hits', list.map((h, i) => milvusHit(h, at(i))), { name: 'distance' });
  }
  if (sample && isHaystackDocument(sample)) {
    return one('haystack-documents', list.map((d, i) => haystackCandidate(d, at(i))), { name: 'score' });
  }
  const score = rowScore(list);
  if (score?.direction === 'distance') return one('vector-rows', list.map((row, i) => flatRowCandidate(row, at(i), score)), score);
  return one('documents', list.map((row, i) => rowCandidate(row, at(i), score)), score);
}

/** Haystack documents under a component's output: `{documents: [...]}`. */
export function haystackSet(list: readonly unknown[], base: Path, label?: string): CandidateSet {
  return { label, candidates: list.map((d, i) => haystackCandidate(d, [...base, i])), score: { name: 'score' } };
}
