import { qdrantPoint } from './lists';
import { ShapeProblem, type Candidate, type CandidateSet, type Extraction, type ScoreSpec } from './types';
import { firstObject, isObject, type Json, type Path } from './values';

/*
 * Vector databases, each read against its own documentation or client source:
 * - Chroma `QueryResult` (chromadb/api/types.py): ids/documents/metadatas/distances are lists with one
 *   inner list per query text; `GetResult` has flat lists. Distances: lower is better.
 * - Pinecone query (docs.pinecone.io "Query data", vector_service.proto): {matches: [{id, score,
 *   values, metadata}], namespace, usage}; the deprecated `results` field is an empty list beside it.
 *   Integrated-inference search answers {result: {hits: [{_id, _score, fields}]}}.
 * - Qdrant (api.qdrant.tech, ScoredPoint schema): /points/query → {result: {points: [...]}},
 *   /points/search → {result: [...]}, batch variants one list per query; the Python client's
 *   QueryResponse dumps to {points: [...]}.
 * - Weaviate GraphQL (docs.weaviate.io additional-properties): {data: {Get: {<Class>: [{...props,
 *   _additional: {id, distance, certainty, score}}]}}}; `score` (BM25/hybrid) is a string.
 * - Milvus RESTful v2 /v2/vectordb/entities/search: {code: 0, data: [{id, distance, ...outputFields}]}.
 */

type Detected = Extraction | undefined;

export function detectChroma(root: Json): Detected {
  if (!Array.isArray(root.ids) || !('documents' in root || 'metadatas' in root || 'distances' in root)) return undefined;
  const ids = root.ids;
  const column = (name: string, q?: number): unknown[] | undefined => {
    const outer = root[name];
    const list = q === undefined ? outer : Array.isArray(outer) ? outer[q] : undefined;
    return Array.isArray(list) ? list : undefined;
  };
  // One record per position across the columns; mapping paths read from it (id, document, metadata, distance).
  const record = (q: number | undefined, j: number): Candidate => {
    const item: Json = {
      id: (q === undefined ? ids : (ids[q] as unknown[]))[j],
      document: column('documents', q)?.[j],
      metadata: column('metadatas', q)?.[j],
      distance: column('distances', q)?.[j],
    };
    const path = q === undefined ? ['ids', j] : ['ids', q, j];
    return { item, path, id: item.id, textIn: [item, item.metadata], metadata: item.metadata, score: item.distance };
  };
  const score: ScoreSpec = { name: 'distance', direction: 'distance' };
  if (ids.some((inner) => Array.isArray(inner))) {
    const sets = ids.map((inner, q): CandidateSet => ({
      label: ids.length > 1 ? `query ${q + 1}` : undefined,
      candidates: Array.isArray(inner) ? inner.map((_, j) => record(q, j)) : [{ item: inner, path: ['ids', q], textIn: [inner] }],
      score,
    }));
    return { shape: 'chroma-query', sets };
  }
  return { shape: 'chroma-get', sets: [{ candidates: ids.map((_, j) => record(undefined, j)) }] };
}

function pineconeMatch(m: unknown, path: Path): Candidate {
  if (!isObject(m)) return { item: m, path, textIn: [m] };
  return { item: m, path, id: m.id, textIn: [m, m.metadata], metadata: m.metadata, score: m.score };
}

export function detectPinecone(root: Json): Detected {
  const score: ScoreSpec = { name: 'score' };
  if (Array.isArray(root.matches)) {
    const matches = root.matches;
    return { shape: 'pinecone-query', sets: [{ candidates: matches.map((m, i) => pineconeMatch(m, ['matches', i])), score }] };
  }
  // The deprecated multi-query form: results[i].matches.
  const legacy = Array.isArray(root.results) ? firstObject(root.results) : undefined;
  if (legacy && Array.isArray(legacy.matches) && 'namespace' in legacy) {
    const sets = (root.results as unknown[]).map((r, q): CandidateSet => ({
      label: `results[${q}]`,
      candidates: isObject(r) && Array.isArray(r.matches) ? r.matches.map((m, i) => pineconeMatch(m, ['results', q, 'matches', i])) : [],
      score,
    }));
    return { shape: 'pinecone-query', sets };
  }
  const hits = isObject(root.result) && Array.isArray(root.result.hits) ? root.result.hits : undefined;
  if (hits) {
    const candidates = hits.map((h, i): Candidate => {
      const path = ['result', 'hits', i];
      if (!isObject(h)) return { item: h, path, textIn: [h] };
      return { item: h, path, id: h._id, textIn: [h, h.fields], metadata: h.fields, metadataName: 'fields', score: h._score };
    });
    return { shape: 'pinecone-query', sets: [{ candidates, score: { name: '_score' } }] };
  }
  return undefined;
}

export function detectQdrant(root: Json): Detected {
  const score: ScoreSpec = { name: 'score' };
  const points = (list: unknown[], base: Path) => list.map((p, i) => qdrantPoint(p, [...base, i]));
  if (Array.isArray(root.points) && !('result' in root)) {
    return { shape: 'qdrant-points', sets: [{ candidates: points(root.points, ['points']), score }] };
  }
  const result = root.result;
  if (isObject(result) && Array.isArray(result.points)) {
    return { shape: 'qdrant-points', sets: [{ candidates: points(result.points, ['result', 'points']), score }] };
  }
  if (!Array.isArray(result)) return undefined;
  const first = result.find((r) => Array.isArray(r) || isObject(r));
  if (Array.isArray(first) || (isObject(first) && Array.isArray(first.points))) {
    // Batch endpoints: one list (search/batch) or one {points} (query/batch) per query.
    const sets = result.map((r, q): CandidateSet => {
      const list = Array.isArray(r) ? r : isObject(r) && Array.isArray(r.points) ? r.points : [];
      const base = Array.isArray(r) ? ['result', q] : ['result', q, 'points'];
      return { label: `result[${q}]`, candidates: points(list, base), score };
    });
    return { shape: Array.isArray(first) ? 'qdrant-search' : 'qdrant-points', sets };
  }
  if (first === undefined || (isObject(first) && ('payload' in first || 'version' in first))) {
    return { shape: 'qdrant-search', sets: [{ candidates: points(result, ['result']), score }] };
  }
  return undefined;
}

const WEAVIATE_SCORES: readonly ScoreSpec[] = [
  { name: 'distance', direction: 'distance' },
  { name: 'certainty', direction: 'similarity' },
  { name: 'score', direction: 'similarity' },
];

export function detectWeaviate(root: Json): Detected {
  const get = isObject(root.data) ? root.data.Get : undefined;
  if (!isObject(get)) return undefined;
  const classes = Object.keys(get);
  const sets = classes.map((name): CandidateSet => {
    const list = get[name];
    if (!Array.isArray(list)) {
      const errors = Array.isArray(root.errors) ? root.errors.filter(isObject).map((e) => String(e.message)) : [];
      throw new ShapeProblem(`data.Get.${name} is ${list === null ? 'null' : 'not a list'}${errors.length ? `; the response has errors: ${errors.join('; ')}` : ''}.`);
    }
    const extra = (o: unknown): Json | undefined => (isObject(o) && isObject(o._additional) ? o._additional : undefined);
    const sample = list.map(extra).find((a) => a !== undefined);
    const spec = WEAVIATE_SCORES.find((s) => sample?.[s.name] !== undefined && sample?.[s.name] !== null);
    const candidates = list.map((o, i): Candidate => {
      const path = ['data', 'Get', name, i];
      if (!isObject(o)) return { item: o, path, textIn: [o] };
      const props = Object.fromEntries(Object.entries(o).filter(([k]) => k !== '_additional'));
      return { item: o, path, id: extra(o)?.id, textIn: [o], metadata: props, metadataName: 'properties', score: spec ? extra(o)?.[spec.name] : undefined };
    });
    return { label: classes.length > 1 ? name : undefined, candidates, score: spec && { ...spec, name: `_additional.${spec.name}` } };
  });
  return { shape: 'weaviate-graphql', sets };
}

export function detectMilvusRest(root: Json): Detected {
  if (!Array.isArray(root.data) || !('code' in root)) return undefined;
  if (root.code !== 0 && root.code !== 200) {
    throw new ShapeProblem(`Milvus answered code ${String(root.code)}${typeof root.message === 'string' ? `: ${root.message}` : ''}, not search results.`);
  }
  const row = (d: unknown, path: Path): Candidate => {
    if (!isObject(d)) return { item: d, path, textIn: [d] };
    const fields = Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'id' && k !== 'distance'));
    return { item: d, path, id: d.id, textIn: [d], metadata: fields, metadataName: 'fields', score: d.distance };
  };
  const data = root.data;
  const score: ScoreSpec = { name: 'distance' };
  if (data.some((d) => Array.isArray(d))) {
    const sets = data.map((hits, q): CandidateSet => ({
      label: `query ${q + 1}`,
      candidates: Array.isArray(hits) ? hits.map((d, i) => row(d, ['data', q, i])) : [row(hits, ['data', q])],
      score,
    }));
    return { shape: 'milvus-rest', sets };
  }
  return { shape: 'milvus-rest', sets: [{ candidates: data.map((d, i) => row(d, ['data', i])), score }] };
}
