import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { parseResults } from '../../src/core/parse';
import { REPO } from '../support/models';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const load = (name: string): any => JSON.parse(readFileSync(join(REPO, 'test', 'fixtures', 'formats', name), 'utf8')); // eslint-disable-line @typescript-eslint/no-explicit-any

function fails(value: unknown, file: string): InputError {
  try {
    parseResults(JSON.stringify(value, null, 2), file);
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.ok(err.message.startsWith(file), `the message names the file: ${err.message}`);
    assert.equal(err.file, file);
    return err;
  }
  assert.fail(`expected ${file} to fail`);
}

/** A broken variant of each shape, and what its message must say. */
const variants: [string, string, (f: Json) => unknown, RegExp][] = [
  ['wrapper.json', 'a result without text', (f) => (delete f.results[1].text, f), /:\d+:5: item 2 \(id 4\) is missing the field "text" .*Its string fields: "metadata\.title", "metadata\.arxiv_id"\. Name the text field with --text-field/],
  ['langchain-documents.json', 'page_content that is a list', (f) => ((f[0].page_content = ['a']), f), /item 1: "page_content" must be a string, got an array/],
  ['langchain-serialized.json', 'kwargs without page_content', (f) => (delete f[2].kwargs.page_content, f), /item 3 \(id "chunk-2"\) is missing the field "text"/],
  ['langchain-scored.json', 'a pair whose score is text', (f) => ((f[1] = [f[1][0], 'high']), f), /item 2 \(id 4\) is missing|must be/],
  ['llamaindex-nodes.json', 'a node without its node', (f) => (delete f[0].node, f), /item 1 is missing the field "text"/],
  ['llamaindex-response.json', 'a string score', (f) => ((f.source_nodes[2].score = 'x'), f), /item 3 \(id "node-2"\): "score" must be a number, got a string/],
  ['chroma-query.json', 'documents left out of include', (f) => ((f.documents = null), f), /item 1 of query 1 \(id "15"\) is missing the field "text".*"metadata\.title"/],
  ['chroma-get.json', 'a metadata that is a list', (f) => ((f.metadatas[1] = [1]), f), /item 2: "metadata" must be an object, got an array/],
  ['pinecone-query.json', 'the text under another metadata key', (f) => (f.matches.forEach((m: Json) => ((m.metadata.chunk_text = m.metadata.text), delete m.metadata.text)), f), /is missing the field "text".*"metadata\.chunk_text"/],
  ['qdrant-points.json', 'a payload without text', (f) => (delete f.result.points[0].payload.text, f), /item 1 \(id 15\) is missing the field "text".*Its string fields: "payload\.title"/],
  ['qdrant-search.json', 'a point that is a number', (f) => ((f.result[0] = 7), f), /item 1 must be an object with "id" and "text", got a number \(7\)/],
  ['weaviate-graphql.json', 'a GraphQL error', () => ({ data: { Get: { PaperChunk: null } }, errors: [{ message: 'no such class' }] }), /data\.Get\.PaperChunk is null; the response has errors: no such class/],
  ['elasticsearch-hits.json', 'an object _id', (f) => ((f.hits.hits[0]._id = { a: 1 }), f), /item 1: "id" must be a string or a number, got an object/],
  ['elasticsearch-msearch.json', 'a _source without text', (f) => (delete f.responses[0].hits.hits[1]._source.chunk, f), /item 2 of responses\[0\] \(id "mixtral-4"\) is missing the field "text"/],
  ['vespa.json', 'an error answer', () => ({ root: { id: 'toplevel', errors: [{ code: 4, summary: 'Invalid query parameter', message: 'bad yql' }] } }), /Vespa answered with errors: bad yql/],
  ['haystack-documents.json', 'content that is a number', (f) => ((f[0].content = 3), f), /item 1: "content" must be a string, got a number \(3\)/],
  ['haystack-pipeline.json', 'meta that is a string', (f) => ((f.ranker.documents[0].meta = 'm'), f), /item 1 of ranker: "meta" must be an object, got a string/],
  ['openinference-spans.json', 'spans without documents', (f) => f.map((s: Json) => ({ name: s.name, attributes: { 'openinference.span.kind': 'LLM' } })), /none of its 2 spans is a retriever or reranker span with documents/],
  ['openinference-otlp.json', 'a number as input.value', (f) => ((f.resourceSpans[0].scopeSpans[0].spans[0].attributes[1].value = { doubleValue: 3 }), f), /"input\.value" of BaseRetriever\.retrieve \(retriever\) must be a string, got a number/],
  ['milvus-rest.json', 'an error code', () => ({ code: 1100, message: 'collection not found', data: [] }), /Milvus answered code 1100: collection not found/],
  ['milvus-hits.json', 'an entity without text', (f) => (delete f[0][2].entity.text, f), /item 3 of query 1 \(id 2\) is missing the field "text".*"entity\.title"/],
  ['vector-rows.json', 'a _distance that is not a number', (f) => ((f[1]._distance = 'far'), f), /item 2 \(id 4\): "_distance" must be a number, got a string/],
];

describe('a bad variant of each shape fails with a clear message naming the file', () => {
  for (const [name, what, mutate, pattern] of variants) {
    it(`${name}: ${what}`, () => {
      const err = fails(mutate(load(name)), name);
      assert.match(err.message, pattern);
      assert.equal(err.code, 'wrong-shape');
    });
  }

  it('names the known shapes and the mapping when nothing matches', () => {
    const err = fails({ took: 3, items: [] }, 'odd.json');
    assert.match(err.message, /^odd\.json: expected a JSON array of documents.*Qdrant.*got an object with "took", "items".*--results-path/);
  });
});
