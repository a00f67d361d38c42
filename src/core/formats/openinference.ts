import { ShapeProblem, type Candidate, type CandidateSet, type Extraction } from './types';
import { firstObject, getPath, isObject, type Json, type Path } from './values';

/*
 * OpenInference / Arize Phoenix spans (openinference-semantic-conventions: RETRIEVAL_DOCUMENTS
 * "retrieval.documents", DOCUMENT_ID/CONTENT/SCORE/METADATA "document.id|content|score|metadata",
 * RERANKER_INPUT_DOCUMENTS / RERANKER_OUTPUT_DOCUMENTS / RERANKER_QUERY, INPUT_VALUE "input.value").
 * `document.metadata` is a JSON string. Attributes come in every form an exporter writes them:
 * nested objects (Phoenix's span JSON), dotted keys holding a list ("retrieval.documents": [...]),
 * fully flattened keys ("retrieval.documents.0.document.id", what OpenTelemetry exports), OTLP/JSON
 * attribute lists ([{key, value: {stringValue}}]), and dataframe records ("attributes.input.value").
 */

const LISTS = [
  { key: 'retrieval.documents', kind: 'retriever', query: 'input.value' },
  { key: 'reranker.input_documents', kind: 'reranker input', query: 'reranker.query' },
  { key: 'reranker.output_documents', kind: 'reranker output', query: 'reranker.query' },
] as const;

function otlpValue(v: unknown): unknown {
  if (!isObject(v)) return v;
  if ('stringValue' in v) return v.stringValue;
  if ('doubleValue' in v) return v.doubleValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('boolValue' in v) return v.boolValue;
  return undefined;
}

/** The span's attributes as one object, whatever form they were exported in. */
function attributesOf(span: Json): Json {
  const attrs = span.attributes;
  if (Array.isArray(attrs)) {
    return Object.fromEntries(attrs.filter(isObject).map((a) => [String(a.key), otlpValue(a.value)]));
  }
  if (isObject(attrs)) return attrs;
  const prefixed = Object.entries(span).filter(([k]) => k.startsWith('attributes.'));
  return prefixed.length ? Object.fromEntries(prefixed.map(([k, v]) => [k.slice('attributes.'.length), v])) : span;
}

/** `retrieval.documents.3.document.id` keys regrouped into one object per index. */
function unflatten(attrs: Json, key: string): Json[] | undefined {
  const prefix = `${key}.`;
  const docs: Json[] = [];
  for (const [k, v] of Object.entries(attrs)) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    const dot = rest.indexOf('.');
    const index = Number(dot < 0 ? rest : rest.slice(0, dot));
    if (!Number.isInteger(index) || index < 0 || index > 1_000_000 || dot < 0) continue;
    (docs[index] ??= {})[rest.slice(dot + 1)] = v;
  }
  return docs.length ? Array.from(docs, (d) => d ?? {}) : undefined;
}

function field(doc: Json, name: string): unknown {
  const nested = isObject(doc.document) ? doc.document[name] : undefined;
  return doc[`document.${name}`] ?? nested ?? doc[name];
}

function docCandidate(doc: unknown, path: Path): Candidate {
  if (!isObject(doc)) return { item: doc, path, textIn: [doc] };
  const item: Json = { id: field(doc, 'id'), content: field(doc, 'content'), score: field(doc, 'score'), metadata: field(doc, 'metadata') };
  return { item, path, id: item.id, textIn: [item], metadata: item.metadata, metadataName: 'document.metadata', metadataIsJson: true, score: item.score };
}

function spanSets(span: Json, base: Path, spanLabel: string): CandidateSet[] {
  const attrs = attributesOf(span);
  const attrsPath: Path = attrs === span ? base : Array.isArray(span.attributes) || isObject(span.attributes) ? [...base, 'attributes'] : base;
  const sets: CandidateSet[] = [];
  for (const list of LISTS) {
    const found = getPath(attrs, list.key);
    const flat = found ? undefined : unflatten(attrs, list.key);
    const docs = Array.isArray(found?.value) ? found.value : flat;
    if (!docs) continue;
    const candidates = docs.map((d, i) => docCandidate(d, flat || !found ? attrsPath : [...attrsPath, ...found.path, i]));
    const query = getPath(attrs, list.query)?.value;
    sets.push({ label: `${spanLabel} (${list.kind})`, query, queryName: list.query, candidates, score: { name: 'document.score' } });
  }
  return sets;
}

function looksLikeAttributes(o: Json): boolean {
  return Object.keys(o).some((k) => k.startsWith('retrieval.') || k.startsWith('reranker.') || k.startsWith('attributes.retrieval') || k.startsWith('attributes.reranker')) ||
    (isObject(o.retrieval) && 'documents' in o.retrieval) || (isObject(o.reranker) && ('input_documents' in o.reranker || 'output_documents' in o.reranker));
}

function isSpan(o: Json): boolean {
  const attrs = o.attributes;
  if (isObject(attrs)) return looksLikeAttributes(attrs) || 'openinference.span.kind' in attrs || isObject(attrs.openinference);
  return Array.isArray(attrs) || looksLikeAttributes(o) || ('span_kind' in o && 'context' in o);
}

function fromSpans(spans: { span: unknown; path: Path }[]): Extraction {
  const sets = spans.flatMap(({ span, path }, i) => {
    if (!isObject(span)) return [];
    const name = typeof span.name === 'string' ? span.name : `span ${i + 1}`;
    return spanSets(span, path, name);
  });
  if (sets.length === 0) throw new ShapeProblem(`none of its ${spans.length} spans is a retriever or reranker span with documents.`);
  return { shape: 'openinference-spans', sets };
}

export function detectOpenInference(root: unknown): Extraction | undefined {
  if (Array.isArray(root)) {
    const sample = firstObject(root);
    if (!sample) return undefined;
    if (isSpan(sample)) return fromSpans(root.map((span, i) => ({ span, path: [i] })));
    if ('document.id' in sample || 'document.content' in sample) {
      return { shape: 'openinference-spans', sets: [{ candidates: root.map((d, i) => docCandidate(d, [i])), score: { name: 'document.score' } }] };
    }
    return undefined;
  }
  if (!isObject(root)) return undefined;
  if (Array.isArray(root.resourceSpans)) {
    const spans: { span: unknown; path: Path }[] = [];
    root.resourceSpans.forEach((rs, r) => {
      const scopes = isObject(rs) && Array.isArray(rs.scopeSpans) ? rs.scopeSpans : [];
      scopes.forEach((ss, s) => {
        const list = isObject(ss) && Array.isArray(ss.spans) ? ss.spans : [];
        list.forEach((span, i) => spans.push({ span, path: ['resourceSpans', r, 'scopeSpans', s, 'spans', i] }));
      });
    });
    return fromSpans(spans);
  }
  return isSpan(root) ? fromSpans([{ span: root, path: [] }]) : undefined;
}
