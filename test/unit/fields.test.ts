import assert from 'node:assert/strict';
import { InputError } from '../../src/core/errors';
import { mergeResults } from '../../src/core/merge';
import { parseResults, type ParseOptions } from '../../src/core/parse';
import { describeRead, selectResultSet } from '../../src/core/read-results';

const parse = (value: unknown, file = 'r.json', options: ParseOptions = {}) => parseResults(JSON.stringify(value), file, options);

function fails(value: unknown, options: ParseOptions, pattern: RegExp): void {
  assert.throws(
    () => parse(value, 'm.json', options),
    (err: unknown) => err instanceof InputError && err.message.startsWith('m.json') && pattern.test(err.message),
  );
}

describe('ids', () => {
  it('falls back to metadata.id, chunk_id and doc_id, then to a hash of the text marked as derived', () => {
    const r = parse([
      { text: 'a', metadata: { id: 'm1' } },
      { text: 'b', chunk_id: 7 },
      { text: 'c', metadata: { doc_id: 'd3' } },
      { id: null, text: 'd' },
      { id: '', text: 'e' },
    ]);
    assert.deepEqual(r.documents.slice(0, 3).map((d) => [d.id, d.idDerived]), [['m1', undefined], [7, undefined], ['d3', undefined]]);
    assert.match(String(r.documents[3].id), /^sha1:[0-9a-f]{16}$/);
    assert.equal(r.documents[3].idDerived, true);
    assert.equal(r.documents[4].idDerived, true);
  });

  it('derives the same id from the same text in two files, so they merge', () => {
    const a = parse([{ text: 'same chunk' }, { text: 'only in a' }], 'a.json');
    const b = parse([{ page_content: 'same chunk' }], 'b.json');
    assert.equal(a.documents[0].id, b.documents[0].id);
    const merged = mergeResults([a, b]);
    assert.equal(merged.documents.length, 2);
    assert.deepEqual(merged.documents[0].sources.map((s) => s.file), ['a.json', 'b.json']);
    assert.equal(merged.documents[0].idDerived, true);
  });

  it('warns about duplicate texts without ids in one file', () => {
    const r = parse([{ text: 'x' }, { text: 'x' }]);
    assert.equal(r.documents.length, 1);
    assert.match(r.warnings[0], /r\.json:1: duplicate text \(item 2\); kept the first/);
  });
});

describe('text fields', () => {
  it('takes the first present of text, page_content, content, chunk, body, passage, document, on the item first', () => {
    const r = parse([
      { id: 1, passage: 'p', body: 'b' },
      { id: 2, document: 'd' },
      { id: 3, metadata: { chunk: 'in metadata' } },
      { id: 4, content: 'c', metadata: { text: 'not this' } },
    ]);
    assert.deepEqual(r.documents.map((d) => d.text), ['b', 'd', 'in metadata', 'c']);
    assert.deepEqual(r.documents[2].metadata, {}, 'the text is not kept twice');
  });

  it('reads a named text field (a dot path) and a custom list of field names', () => {
    const value = [{ id: 1, fields: { abstract: 'abs' }, text: 'ignored' }];
    assert.equal(parse(value, 'r.json', { fields: { textField: 'fields.abstract' } }).documents[0].text, 'abs');
    const custom = parse([{ id: 1, summary: 's', text: 't' }], 'r.json', { fields: { textFields: ['summary'] } });
    assert.equal(custom.documents[0].text, 's');
  });

  it('says which string fields an item has when none is a text field', () => {
    fails([{ id: 1, title: 'T', meta: { url: 'u' } }], {}, /item 1 \(id 1\) is missing the field "text" \(also looked for "page_content".*Its string fields: "title", "meta\.url"\. Name the text field with --text-field \(CLI\) or the rerankLens\.fields setting/);
  });
});

describe('score kinds', () => {
  it('reads the direction from the order of the scores when the format does not fix it', () => {
    const up = parse({ matches: [{ id: 'a', score: 0.1, metadata: { text: 'a' } }, { id: 'b', score: 0.4, metadata: { text: 'b' } }] });
    assert.deepEqual(up.scoreKind, { name: 'score', direction: 'distance', basis: 'order' });
    const one = parse({ matches: [{ id: 'a', score: 0.1, metadata: { text: 'a' } }] });
    assert.deepEqual(one.scoreKind, { name: 'score', direction: 'similarity', basis: 'assumed' });
    assert.equal(parse([{ id: 1, text: 'a' }]).scoreKind, undefined, 'no scores, no kind');
  });

  it('keeps the format\'s direction whatever the order (Chroma distances) unless the mapping says otherwise', () => {
    const chroma = { ids: [['a', 'b']], documents: [['x', 'y']], distances: [[0.9, 0.1]] };
    assert.deepEqual(parse(chroma).scoreKind, { name: 'distance', direction: 'distance', basis: 'format' });
    const mapped = parse(chroma, 'r.json', { fields: { scoreDirection: 'similarity' } });
    assert.deepEqual(mapped.scoreKind, { name: 'distance', direction: 'similarity', basis: 'mapping' });
  });

  it('reads Weaviate BM25 scores written as strings', () => {
    const r = parse({ data: { Get: { Doc: [{ text: 'a', _additional: { id: 'u1', score: '0.53' } }] } } });
    assert.equal(r.documents[0].score, 0.53);
    assert.deepEqual(r.scoreKind, { name: '_additional.score', direction: 'similarity', basis: 'format' });
  });
});

describe('a field mapping', () => {
  const custom = { response: { docs: [{ key: 'k1', body_text: 'one', rel: 3 }, { key: 'k2', body_text: 'two', rel: 1 }] } };
  const fields = { resultsPath: 'response.docs', idField: 'key', textField: 'body_text', scoreField: 'rel' };

  it('reads a shape nothing else recognises', () => {
    const r = parse(custom, 'r.json', { fields });
    assert.equal(r.shape, 'mapped');
    assert.deepEqual(r.documents.map((d) => [d.id, d.text, d.score]), [['k1', 'one', 3], ['k2', 'two', 1]]);
    assert.deepEqual(r.scoreKind, { name: 'rel', direction: 'similarity', basis: 'order' });
  });

  it('overrides detection (a Pinecone file read from its legacy results path)', () => {
    const r = parse({ matches: [], results: [{ id: 'x', text: 't' }] }, 'r.json', { fields: { resultsPath: 'results' } });
    assert.deepEqual(r.documents.map((d) => d.id), ['x']);
  });

  it('fails clearly when a mapped path matches nothing', () => {
    fails(custom, { fields: { ...fields, resultsPath: 'response.items' } }, /the results path "response\.items" matches nothing; the file holds an object with "response"/);
    fails(custom, { fields: { resultsPath: 'response' } }, /the results path "response" is an object, not a list of documents/);
    fails(custom, { fields: { ...fields, idField: 'uid' } }, /item 1 has no "uid" \(the id field you named\)/);
    fails(custom, { fields: { ...fields, textField: 'text' } }, /item 1 has no "text" \(the text field you named\)\. Its string fields: "key", "body_text"/);
    fails(custom, { fields: { ...fields, scoreField: 'key' } }, /"key" must be a number, got a string/);
  });
});

describe('conflicts between files', () => {
  it('warns naming the id and both files, flags the document, and lets the later file win', () => {
    const a = parse([{ id: 4, text: 'old text' }, { id: 5, text: 'same' }], 'dense.json');
    const b = parse({ matches: [{ id: '4', score: 0.9, metadata: { text: 'new text' } }, { id: 5, score: 0.8, metadata: { text: 'same' } }] }, 'pinecone.json');
    const merged = mergeResults([a, b]);
    const four = merged.documents[0];
    assert.equal(four.text, 'new text');
    assert.deepEqual(four.conflicts, [{ file: 'dense.json', text: 'old text' }, { file: 'pinecone.json', text: 'new text' }]);
    assert.equal(merged.documents[1].conflicts, undefined);
    assert.deepEqual(merged.warnings, ['id "4" has a different text in dense.json and pinecone.json; kept the text from pinecone.json (the later file).']);
    assert.deepEqual(four.sources.map((s) => s.scoreKind), [undefined, { name: 'score', direction: 'similarity', basis: 'order' }]);
  });
});

describe('parsing as a worker would run it', () => {
  const many = Array.from({ length: 5000 }, (_, i) => ({ id: i, text: `chunk ${i}` }));

  it('reports progress every N documents and once at the end', () => {
    const seen: [number, number][] = [];
    parse(many, 'r.json', { progressEvery: 1000, onProgress: (p) => seen.push([p.done, p.total]) });
    assert.deepEqual(seen, [[1000, 5000], [2000, 5000], [3000, 5000], [4000, 5000], [5000, 5000], [5000, 5000]]);
  });

  it('stops with CancelledError when its signal is aborted', () => {
    const abort = new AbortController();
    let calls = 0;
    const onProgress = () => {
      if (++calls === 2) abort.abort();
    };
    assert.throws(() => parse(many, 'r.json', { progressEvery: 1000, onProgress, signal: abort.signal }), (err: Error) => err.name === 'CancelledError');
    assert.equal(calls, 2, 'it stopped at the next check');
    const jsonl = Array.from({ length: 60_000 }, (_, i) => JSON.stringify({ id: i, text: 'x'.repeat(100) })).join('\n');
    const aborted = new AbortController();
    aborted.abort();
    assert.throws(() => parseResults(jsonl, 'big.jsonl', { signal: aborted.signal }), (err: Error) => err.name === 'CancelledError');
  });

  it('says what it read, and switches result sets without parsing again', () => {
    const chroma = parse({ ids: [['a', 'b'], ['c']], documents: [['x', 'y'], ['z']] }, 'c.json');
    assert.equal(describeRead(chroma), 'read c.json as Chroma query results (2 queries: 2 + 1 documents)');
    const second = selectResultSet(chroma, 1);
    assert.deepEqual([second.selected, second.documents.map((d) => d.id)], [1, ['c']]);
    assert.equal(describeRead(parse({ result: { points: [{ id: 1, score: 1, payload: { text: 't' } }] } }, 'hits.json')), 'read hits.json as Qdrant points (1 document)');
    assert.throws(() => selectResultSet(chroma, 2), /c\.json has 2 result sets; query index 2 is out of range/);
  });
});

describe('other lists of documents', () => {
  it('reads a rerank API answer ({results: [{index, document: {text}, relevance_score}]}) and {documents: [...]} of plain rows', () => {
    const jina = parse({ results: [{ index: 2, document: { text: 'b' }, relevance_score: 0.9 }, { index: 0, document: { text: 'a' }, relevance_score: 0.1 }] });
    assert.deepEqual(jina.documents.map((d) => [d.text, d.score, d.idDerived]), [['b', 0.9, true], ['a', 0.1, true]]);
    assert.deepEqual(jina.scoreKind, { name: 'relevance_score', direction: 'similarity', basis: 'order' });
    const rows = parse({ query: 'q', documents: [{ id: 1, text: 'a', metadata: { page: 2 } }] });
    assert.deepEqual([rows.shape, rows.query, rows.documents[0].metadata], ['wrapper', 'q', { page: 2 }]);
  });
});

describe('empty answers', () => {
  it('reads a shape with no result sets as one empty set', () => {
    for (const value of [{ data: { Get: {} } }, { responses: [] }, { ids: [], documents: [] }, { matches: [] }]) {
      const r = parse(value);
      assert.deepEqual([r.resultSets.length, r.documents.length], [1, 0], JSON.stringify(value));
    }
    assert.throws(() => mergeResults([parse({ data: { Get: {} } }, 'w.json')]), /No documents found in w\.json/);
  });
});
