import { ShapeProblem, type Candidate, type CandidateSet, type Extraction, type ScoreSpec } from './types';
import { firstObject, isObject, type Json, type Path } from './values';

/*
 * Search engines, read against their reference documentation:
 * - Elasticsearch / OpenSearch search API: {took, hits: {total, max_score, hits: [{_index, _id, _score,
 *   _source, fields}]}}; `fields` values are always arrays. `_msearch` answers {responses: [...]} with one
 *   search response (or {error, status}) per request, in request order.
 * - Vespa default JSON result format (docs.vespa.ai/en/reference/default-result-format.html):
 *   {root: {id, relevance, fields: {totalCount}, coverage, errors, children: [{id, relevance, source,
 *   fields}]}}; a document hit's id is its full document id.
 */

const ES_SCORE: ScoreSpec = { name: '_score', direction: 'similarity' };

function esHit(hit: unknown, path: Path): Candidate {
  if (!isObject(hit)) return { item: hit, path, textIn: [hit] };
  return { item: hit, path, id: hit._id, textIn: [hit, hit._source, hit.fields], metadata: hit._source, metadataName: '_source', score: hit._score };
}

function esHits(response: Json, base: Path): Candidate[] | undefined {
  const hits = isObject(response.hits) ? response.hits.hits : undefined;
  if (!Array.isArray(hits)) return undefined;
  return hits.map((h, i) => esHit(h, [...base, 'hits', 'hits', i]));
}

export function detectElasticsearch(root: Json): Extraction | undefined {
  const single = esHits(root, []);
  if (single) return { shape: 'elasticsearch-hits', sets: [{ candidates: single, score: ES_SCORE }] };
  const responses = root.responses;
  if (!Array.isArray(responses)) return undefined;
  const sample = firstObject(responses);
  if (sample ? !('hits' in sample || 'error' in sample) : responses.length > 0) return undefined;
  const warnings: string[] = [];
  const sets = responses.map((r, q): CandidateSet => {
    const candidates = isObject(r) ? esHits(r, ['responses', q]) : undefined;
    if (!candidates) {
      const reason = isObject(r) && isObject(r.error) ? `: ${String(r.error.reason ?? r.error.type ?? 'error')}` : '';
      warnings.push(`responses[${q}] has no hits${reason}.`);
    }
    return { label: `responses[${q}]`, candidates: candidates ?? [], score: ES_SCORE };
  });
  return { shape: 'elasticsearch-msearch', sets, warnings };
}

export function detectVespa(root: Json): Extraction | undefined {
  const top = root.root;
  if (!isObject(top) || !('children' in top || 'fields' in top || 'errors' in top || 'coverage' in top)) return undefined;
  const children = top.children;
  if (!Array.isArray(children)) {
    const errors = Array.isArray(top.errors) ? top.errors.filter(isObject).map((e) => String(e.message ?? e.summary)) : [];
    if (errors.length) throw new ShapeProblem(`Vespa answered with errors: ${errors.join('; ')}.`);
    return { shape: 'vespa', sets: [{ candidates: [] }] };
  }
  const candidates = children.map((c, i): Candidate => {
    const path = ['root', 'children', i];
    if (!isObject(c)) return { item: c, path, textIn: [c] };
    const fields = isObject(c.fields) ? c.fields : undefined;
    return { item: c, path, id: c.id ?? fields?.documentid, textIn: [c, fields], metadata: fields, metadataName: 'fields', score: c.relevance };
  });
  return { shape: 'vespa', sets: [{ candidates, score: { name: 'relevance', direction: 'similarity' } }] };
}
