import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultsFile, ScoreKind } from '../../src/core/documents';
import { parseResults } from '../../src/core/parse';
import { REPO } from '../support/models';

const FIXTURES = join(REPO, 'test', 'fixtures', 'formats');
const QUERY = 'What is context size of Mixtral?';
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const read = (name: string, options = {}) => parseResults(fixture(name), name, options);

const similarity = (name: string, basis: ScoreKind['basis'] = 'order'): ScoreKind => ({ name, direction: 'similarity', basis });
const distance = (name: string, basis: ScoreKind['basis'] = 'format'): ScoreKind => ({ name, direction: 'distance', basis });

interface Expected {
  shape: ResultsFile['shape'];
  ids: (string | number)[];
  scores?: number[];
  scoreKind?: ScoreKind;
  sets?: number;
  query?: string;
  /** Metadata of the first document. */
  metadata?: Record<string, unknown>;
}

const TITLE = { title: 'Mixtral of Experts', arxiv_id: '2401.04088' };
const SIM = [0.8612, 0.8104, 0.7921];

const expected: Record<string, Expected> = {
  'documents.jsonl': { shape: 'documents', ids: [15, 4, 2], scores: SIM, scoreKind: similarity('score'), metadata: TITLE },
  'wrapper.json': { shape: 'wrapper', ids: [15, 4, 2], scores: SIM, query: QUERY, metadata: TITLE },
  'langchain-documents.json': { shape: 'langchain-documents', ids: ['chunk-15', 'chunk-4', 'chunk-2'], metadata: { ...TITLE, source: 'mixtral.pdf' } },
  'langchain-serialized.json': { shape: 'langchain-serialized', ids: ['chunk-15', 'chunk-4', 'chunk-2'], metadata: TITLE },
  'langchain-scored.json': { shape: 'langchain-scored', ids: [15, 4, 2], scores: [0.2776, 0.3792, 0.4158], scoreKind: distance('score', 'order') },
  'llamaindex-nodes.json': { shape: 'llamaindex-nodes', ids: ['node-15', 'node-4', 'node-2'], scores: SIM, scoreKind: similarity('score'), metadata: TITLE },
  'llamaindex-response.json': { shape: 'llamaindex-response', ids: ['node-15', 'node-4', 'node-2'], scores: SIM },
  'chroma-query.json': { shape: 'chroma-query', ids: ['15', '4', '2'], scores: [0.2776, 0.3792, 0.4158], scoreKind: distance('distance'), sets: 2, metadata: TITLE },
  'chroma-get.json': { shape: 'chroma-get', ids: ['15', '4', '2'], metadata: TITLE },
  'pinecone-query.json': { shape: 'pinecone-query', ids: ['mixtral#15', 'mixtral#4', 'mixtral#2'], scores: SIM, scoreKind: similarity('score'), metadata: TITLE },
  'qdrant-points.json': { shape: 'qdrant-points', ids: [15, 4, 2], scores: SIM, scoreKind: similarity('score'), metadata: TITLE },
  'qdrant-search.json': {
    shape: 'qdrant-search',
    ids: ['5c56c793-69f3-4fbf-87e6-c4bf54c28c20', '5c56c793-69f3-4fbf-87e6-c4bf54c28c21', '5c56c793-69f3-4fbf-87e6-c4bf54c28c22'],
    metadata: { ...TITLE, chunk_id: 15 },
  },
  'weaviate-graphql.json': {
    shape: 'weaviate-graphql',
    ids: ['0e5b4b8a-5c1e-4a4b-9f7c-000000000005', '0e5b4b8a-5c1e-4a4b-9f7c-000000000004', '0e5b4b8a-5c1e-4a4b-9f7c-000000000002'],
    scoreKind: distance('_additional.distance'),
    metadata: { title: 'Mixtral of Experts', arxivId: '2401.04088' },
  },
  'elasticsearch-hits.json': { shape: 'elasticsearch-hits', ids: ['mixtral-15', 'mixtral-4', 'mixtral-2'], scores: [12.41, 9.87, 7.3], scoreKind: similarity('_score', 'format'), metadata: TITLE },
  'elasticsearch-msearch.json': { shape: 'elasticsearch-msearch', ids: ['mixtral-15', 'mixtral-4', 'mixtral-2'], sets: 2 },
  'vespa.json': { shape: 'vespa', ids: ['id:papers:chunk::mixtral-15', 'id:papers:chunk::mixtral-4', 'id:papers:chunk::mixtral-2'], scoreKind: similarity('relevance', 'format') },
  'haystack-documents.json': { shape: 'haystack-documents', ids: ['f', '4', '2'].map((h) => h.padStart(64, '0')), scores: SIM, metadata: TITLE },
  'haystack-pipeline.json': { shape: 'haystack-pipeline', ids: ['f', '4', '2'].map((h) => h.padStart(64, '0')), sets: 2, metadata: TITLE },
  'openinference-spans.json': { shape: 'openinference-spans', ids: ['mixtral-15', 'mixtral-4', 'mixtral-2'], sets: 3, query: QUERY, scoreKind: similarity('document.score'), metadata: TITLE },
  'openinference-otlp.json': { shape: 'openinference-spans', ids: ['mixtral-15', 'mixtral-4', 'mixtral-2'], scores: SIM, query: QUERY, metadata: TITLE },
  'milvus-rest.json': { shape: 'milvus-rest', ids: [15, 4, 2], scoreKind: similarity('distance'), metadata: { title: 'Mixtral of Experts' } },
  'milvus-hits.json': { shape: 'milvus-hits', ids: [15, 4, 2], scoreKind: distance('distance', 'order'), sets: 2, metadata: { title: 'Mixtral of Experts' } },
  'vector-rows.json': { shape: 'vector-rows', ids: [15, 4, 2], scoreKind: distance('_distance'), metadata: { title: 'Mixtral of Experts' } },
};

describe('result shapes, detected from the content', () => {
  const dense = JSON.parse(readFileSync(join(REPO, 'sample', 'dense_results.json'), 'utf8')) as { id: number; text: string }[];
  const textOf = (id: number) => dense.find((d) => d.id === id)!.text.split('\n')[0].slice(0, 60);

  for (const [name, want] of Object.entries(expected)) {
    it(`reads ${name} as ${want.shape}`, () => {
      const r = read(name);
      assert.equal(r.shape, want.shape);
      assert.equal(r.resultSets.length, want.sets ?? 1);
      assert.deepEqual(r.documents.map((d) => d.id), want.ids);
      assert.deepEqual(r.documents.map((d) => d.rank), want.ids.map((_, i) => i + 1));
      // The texts are the sample's Mixtral chunks, in file order, whichever field held them.
      assert.deepEqual(r.documents.map((d) => d.text.slice(0, 60)), [15, 4, 2].slice(0, want.ids.length).map(textOf));
      if (want.scores) assert.deepEqual(r.documents.map((d) => d.score), want.scores);
      if (want.scoreKind) assert.deepEqual(r.scoreKind, want.scoreKind);
      assert.equal(r.query, want.query);
      if (want.metadata) assert.deepEqual(r.documents[0].metadata, want.metadata);
      assert.ok(r.documents.every((d) => !d.idDerived));
      assert.ok(r.documents.every((d, i) => i === 0 || d.line > r.documents[i - 1].line || name.includes('otlp')), 'positions follow the file');
    });
  }

  it('does not look at the file name: a Qdrant dump reads the same whatever it is called', () => {
    assert.equal(parseResults(fixture('qdrant-points.json'), 'results.txt').shape, 'qdrant-points');
  });

  it('gives each query of a multi-query file its own result set and picks one by index', () => {
    const chroma = read('chroma-query.json', { queryIndex: 1 });
    assert.equal(chroma.selected, 1);
    assert.deepEqual(chroma.documents.map((d) => d.id), ['4', '15']);
    assert.deepEqual(chroma.resultSets.map((s) => s.label), ['query 1', 'query 2']);
    // Choosing a set (and saying which was used) is the caller's business: see core/queries.
    assert.equal(read('chroma-query.json').warnings.length, 0);
    const spans = read('openinference-spans.json');
    assert.deepEqual(spans.resultSets.map((s) => [s.label, s.query, s.documents.length]), [
      ['retrieve (retriever)', QUERY, 3],
      ['rerank (reranker input)', QUERY, 3],
      ['rerank (reranker output)', QUERY, 2],
    ]);
    const msearch = read('elasticsearch-msearch.json', { queryIndex: 1 });
    assert.deepEqual(msearch.documents.map((d) => [d.id, d.rank, d.score]), [['mixtral-4', 1, 8.2], ['mixtral-2', 2, 4.1]]);
    assert.throws(() => read('chroma-query.json', { queryIndex: 2 }), /chroma-query\.json has 2 result sets; query index 2 is out of range \(0–1\)/);
  });

  it('keeps Pinecone matches beside the deprecated empty results list', () => {
    const r = read('pinecone-query.json');
    assert.equal(r.documents.length, 3);
    assert.ok(!('text' in r.documents[0].metadata), 'the text is not repeated in the metadata');
  });

  it('reads the LangChain payload of a Qdrant point: page_content is the text, payload.metadata the metadata', () => {
    const r = read('qdrant-search.json');
    assert.deepEqual(Object.keys(r.documents[0].metadata).sort(), ['arxiv_id', 'chunk_id', 'title']);
  });

  it('reads OpenInference attributes written flat with dotted list keys', () => {
    const flat = {
      'openinference.span.kind': 'RETRIEVER',
      'input.value': 'q?',
      'retrieval.documents': [{ 'document.id': 'a', 'document.content': 'alpha', 'document.score': 0.2, 'document.metadata': '{"page": 3}' }],
    };
    const r = parseResults(JSON.stringify(flat), 'span.json');
    assert.deepEqual([r.shape, r.query, r.documents[0].id, r.documents[0].metadata], ['openinference-spans', 'q?', 'a', { page: 3 }]);
    const records = [{ name: 'retrieve', 'attributes.input.value': 'q2', 'attributes.retrieval.documents': flat['retrieval.documents'] }];
    assert.equal(parseResults(JSON.stringify(records), 'spans.json').query, 'q2');
  });
});

describe('sample/formats', () => {
  it('holds the fixtures, one example per shape, each listed in its README', () => {
    const samples = join(REPO, 'sample', 'formats');
    const readme = readFileSync(join(samples, 'README.md'), 'utf8');
    const names = readdirSync(FIXTURES).filter((f) => /\.jsonl?$/.test(f));
    assert.deepEqual(readdirSync(samples).filter((f) => /\.jsonl?$/.test(f)), names);
    for (const name of names) {
      assert.equal(readFileSync(join(samples, name), 'utf8'), fixture(name), `${name} matches its fixture`);
      assert.ok(readme.includes(`| \`${name}\` |`), `${name} is in the README`);
    }
  });
});
