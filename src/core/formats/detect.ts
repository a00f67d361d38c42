import { detectList, haystackSet, nodeCandidate } from './lists';
import { detectOpenInference } from './openinference';
import { detectElasticsearch, detectVespa } from './search-engines';
import { ShapeProblem, type CandidateSet, type Extraction } from './types';
import { describeRoot, firstObject, getPath, has, isObject, kind, type Json, type Path } from './values';
import { detectChroma, detectMilvusRest, detectPinecone, detectQdrant, detectWeaviate } from './vector-dbs';

const KNOWN =
  'LangChain, LlamaIndex, Chroma, Pinecone, Qdrant, Weaviate, Elasticsearch/OpenSearch, Vespa, Haystack, OpenInference/Phoenix, Milvus, LanceDB';

/** Object-rooted shapes, most distinctive first: each looks only at a few top-level keys. */
const OBJECT_DETECTORS: ((root: Json) => Extraction | undefined)[] = [
  detectOpenInference,
  detectPinecone,
  detectQdrant,
  detectWeaviate,
  detectElasticsearch,
  detectVespa,
  detectChroma,
  (root) =>
    Array.isArray(root.source_nodes)
      ? { shape: 'llamaindex-response', sets: [{ candidates: root.source_nodes.map((n, i) => nodeCandidate(n, ['source_nodes', i])), score: { name: 'score' } }] }
      : undefined,
  detectMilvusRest,
  (root) => {
    if (!Array.isArray(root.results)) return undefined;
    const inner = detectList(root.results, ['results']);
    return inner.shape === 'documents' ? { ...inner, shape: 'wrapper' } : inner;
  },
  detectHaystack,
];

/** Haystack's documents (they have `content`), or any other list of documents under `documents`. */
function documentsSet(list: unknown[], base: Path, label?: string): { set: CandidateSet; haystack: boolean } {
  const sample = firstObject(list);
  if (sample && has(sample, 'content') && !has(sample, 'text')) return { set: haystackSet(list, base, label), haystack: true };
  return { set: { ...detectList(list, base).sets[0], label }, haystack: false };
}

/** A Haystack component's output {documents: [...]}, or a pipeline's {component: {documents: [...]}}. */
function detectHaystack(root: Json): Extraction | undefined {
  if (Array.isArray(root.documents)) {
    const { set, haystack } = documentsSet(root.documents, ['documents']);
    return { shape: haystack ? 'haystack-documents' : 'wrapper', sets: [set] };
  }
  const components = Object.keys(root).filter((k) => isObject(root[k]) && Array.isArray((root[k] as Json).documents));
  if (components.length === 0) return undefined;
  const sets = components.map((name) => documentsSet((root[name] as Json).documents as unknown[], [name, 'documents'], name).set);
  return { shape: 'haystack-pipeline', sets };
}

/**
 * Recognises what a parsed results file is, from its content alone. With `resultsPath` the user has
 * said where the list is; the items are then read like any list of documents.
 */
export function detect(root: unknown, resultsPath?: string): Extraction {
  if (resultsPath) {
    const found = getPath(root, resultsPath);
    if (!found) throw new ShapeProblem(`the results path "${resultsPath}" matches nothing; the file holds ${describeRoot(root)}.`);
    if (!Array.isArray(found.value)) {
      throw new ShapeProblem(`the results path "${resultsPath}" is ${kind(found.value)}, not a list of documents.`);
    }
    return { ...detectList(found.value, found.path), shape: 'mapped' };
  }
  let extraction: Extraction | undefined;
  if (Array.isArray(root)) {
    extraction = detectOpenInference(root) ?? detectList(root, []);
  } else if (isObject(root)) {
    for (const detector of OBJECT_DETECTORS) {
      extraction = detector(root);
      if (extraction) break;
    }
    if (extraction && extraction.sets.length === 1 && extraction.sets[0].query === undefined && 'query' in root) {
      extraction.sets[0] = { ...extraction.sets[0], query: root.query, queryName: 'query' } satisfies CandidateSet;
    }
  }
  if (!extraction) {
    throw new ShapeProblem(
      `expected a JSON array of documents, an object with a "results" array, or the output of a known retriever (${KNOWN}); ` +
        `got ${describeRoot(root)}. If the documents are somewhere else in the file, name the list with --results-path (CLI) ` +
        'or the rerankLens.fields setting.',
    );
  }
  return extraction;
}
