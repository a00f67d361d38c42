import assert from 'node:assert/strict';
import { mkdtemp, readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { mergeResults } from '../../src/core/merge';
import { parseResults } from '../../src/core/parse';
import { readResultsFile } from '../../src/core/read-results';
import { SAMPLE } from '../support/models';

function fails(text: string, file = 'r.json'): InputError {
  try {
    parseResults(text, file);
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the parse to fail');
}

describe('reading results files', () => {
  it('reads the seed shape: an array of {id, text, metadata} with optional score', () => {
    const r = parseResults('[{"id": 15, "text": "a", "metadata": {"title": "T"}, "score": 0.8},\n {"id": "x", "text": "b"}]', 'd.json');
    assert.equal(r.documents.length, 2);
    assert.deepEqual(r.documents[0], { id: 15, text: 'a', metadata: { title: 'T' }, score: 0.8, rank: 1, line: 1, column: 2 });
    assert.deepEqual(r.documents[1].metadata, {});
    assert.equal(r.documents[1].score, undefined);
    assert.equal(r.documents[1].line, 2);
    assert.equal(r.query, undefined);
  });

  it('reads a {query, results} wrapper and keeps its query', () => {
    const r = parseResults('{\n  "query": " What is context size? ",\n  "results": [\n    {"id": 1, "text": "a"}\n  ]\n}', 'w.json');
    assert.equal(r.query, 'What is context size?');
    assert.equal(r.documents[0].line, 4);
    assert.equal(r.documents[0].column, 5);
  });

  it('reads JSONL with blank lines, CRLF and a UTF-8 BOM', () => {
    const r = parseResults('\ufeff{"id": 1, "text": "a"}\r\n\r\n{"id": 2, "text": "b"}\r\n', 'r.jsonl');
    assert.deepEqual(r.documents.map((d) => [d.id, d.text, d.line]), [[1, 'a', 1], [2, 'b', 3]]);
  });

  it('detects JSONL by content when the extension is .json', () => {
    const r = parseResults('{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n', 'r.json');
    assert.equal(r.documents.length, 2);
  });

  it('reads a BOM-prefixed JSON array', () => {
    assert.equal(parseResults('\ufeff[{"id": 1, "text": "a"}]', 'r.json').documents.length, 1);
  });

  it('keeps the first of duplicate ids in one file and warns', () => {
    const r = parseResults('[{"id": 1, "text": "first"}, {"id": "1", "text": "second"}]', 'd.json');
    assert.deepEqual(r.documents.map((d) => d.text), ['first']);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /d\.json.*duplicate id "1"/);
  });

  it('names line and column of a JSON syntax error', () => {
    const err = fails('[\n  {"id": 1, "text": "a"},\n  {"id": 2 "text": "b"}\n]', 'dense.json');
    assert.equal(err.code, 'invalid-json');
    assert.equal(err.message, "dense.json:3:12: invalid JSON: expected ',' (a comma between items)");
    assert.deepEqual(err.position, { line: 3, column: 12, offset: 39 });
  });

  it('names the line of a bad JSONL line', () => {
    const err = fails('{"id": 1, "text": "a"}\n{"id": 2, "text": "b"\n', 'r.jsonl');
    assert.equal(err.code, 'invalid-json');
    assert.match(err.message, /^r\.jsonl:2:\d+: invalid JSON/);
  });

  it('reports a truncated file', () => {
    const err = fails('[{"id": 1, "text": "a"}', 'cut.json');
    assert.match(err.message, /^cut\.json:1:\d+: invalid JSON: expected '\]'/);
  });

  it('rejects comments and trailing commas like JSON does', () => {
    assert.equal(fails('[{"id": 1, "text": "a"},]').code, 'invalid-json');
    assert.equal(fails('// hi\n[{"id": 1, "text": "a"}]').code, 'invalid-json');
  });

  const shapes: [string, string, RegExp][] = [
    ['{"foo": 1}', 'an object without results', /expected a JSON array of documents.*got an object with "foo"/],
    ['42', 'a number', /expected a JSON array.*got a number \(42\)/],
    ['[1]', 'a non-object item', /r\.json:1:2: item 1 must be an object/],
    ['[{"id": {"n": 1}, "text": "a"}]', 'an object id', /item 1: "id" must be a string or a number, got an object/],
    ['[{"id": true, "text": "a"}]', 'a boolean id', /"id" must be a string or a number, got a boolean/],
    ['[{"id": 1}]', 'a missing text', /item 1 \(id 1\) is missing the field "text"/],
    ['[{"id": 1, "text": ["a"]}]', 'a non-string text', /"text" must be a string, got an array/],
    ['[{"id": 1, "text": "a", "metadata": "m"}]', 'a string metadata', /"metadata" must be an object, got a string/],
    ['[{"id": 1, "text": "a", "score": "high"}]', 'a string score', /"score" must be a number/],
    ['{"query": 3, "results": []}', 'a numeric query', /"query" must be a string/],
  ];
  for (const [text, what, pattern] of shapes) {
    it(`rejects ${what} with a message naming the file`, () => {
      const err = fails(text);
      assert.equal(err.code, 'wrong-shape');
      assert.match(err.message, /^r\.json/);
      assert.match(err.message, pattern);
    });
  }

  it('reports the position of a bad item', () => {
    const err = fails('[\n  {"id": 1, "text": "a"},\n  {"id": 2}\n]');
    assert.deepEqual(err.position, { line: 3, column: 3 });
  });

  it('ends [[[[… nested 20,000 deep as an InputError naming the file, cut short or balanced', () => {
    const open = '['.repeat(20_000);
    const cut = fails(open, 'deep.json');
    assert.match(cut.message, /^deep\.json:1:20001: invalid JSON: expected a value/);
    const balanced = fails(open + ']'.repeat(20_000), 'deep.json');
    assert.equal(balanced.message, 'deep.json:1:257: the JSON is nested more than 256 levels deep; results files are not that deep.');
    const inMetadata = fails(`[{"id": 1, "text": "a", "metadata": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]`, 'meta.jsonl');
    assert.match(inMetadata.message, /^meta\.jsonl:1:\d+: the JSON is nested more than 256 levels deep/);
  });

  it('finds the line and column of items in a large file', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => `  {"id": ${i}, "text": "chunk \\" ${i}", "metadata": {"k": [${i}, {"x": "]}"}]}}`);
    const r = parseResults(`[\n${items.join(',\n')}\n]`, 'big.json');
    assert.equal(r.documents.length, 20_000);
    assert.deepEqual([r.documents[19_999].line, r.documents[19_999].column], [20_001, 3]);
  });

  it('rejects empty and whitespace-only files', () => {
    assert.equal(fails('').code, 'empty');
    assert.equal(fails(' \n\t\n').code, 'empty');
  });
});

describe('reading files from disk', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rerank-lens-read-'));
  });

  it('reports a missing file, a directory, a non-UTF-8 file and a file over the size limit', async () => {
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'latin1.json'), Buffer.from('[{"id": 1, "text": "caf\xe9"}]', 'latin1'));
    await writeFile(join(dir, 'big.json'), '[' + ' '.repeat(2048) + ']');
    const cases: [string, string, RegExp, number?][] = [
      ['nope.json', 'not-found', /nope\.json was not found/],
      ['sub', 'is-directory', /sub is a directory/],
      ['latin1.json', 'not-utf8', /latin1\.json:1:24: the file is not valid UTF-8 \(byte 23\)/],
      ['big.json', 'too-large', /big\.json is 0\.0 MB; the limit is 0\.0 MB/, 1024],
    ];
    for (const [name, code, pattern, maxBytes] of cases) {
      await assert.rejects(readResultsFile(join(dir, name), { displayName: name, maxBytes }), (err: InputError) => {
        assert.equal(err.code, code);
        assert.match(err.message, pattern);
        return true;
      });
    }
  });

  it('never modifies an input file, even one that fails', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, '[{"id": 1 "text": "a"}]');
    const before = await stat(file);
    await assert.rejects(readResultsFile(file));
    const after = await stat(file);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.equal(await readFile(file, 'utf8'), '[{"id": 1 "text": "a"}]');
  });
});

describe('merging by id', () => {
  it('merges the sample files like the notebook: 16 documents, first-appearance order, later file wins', async () => {
    const dense = await readResultsFile(join(SAMPLE, 'dense_results.json'), { displayName: 'dense_results.json' });
    const sparse = await readResultsFile(join(SAMPLE, 'sparse_results.json'), { displayName: 'sparse_results.json' });
    const merged = mergeResults([dense, sparse]);
    assert.equal(merged.documents.length, 16);
    // The notebook's dict: keys in first-insertion order.
    const expected = [...new Set([...dense.documents, ...sparse.documents].map((d) => String(d.id)))];
    assert.deepEqual(merged.documents.map((d) => String(d.id)), expected);
    assert.deepEqual(merged.documents.map((d) => d.originalRank), expected.map((_, i) => i + 1));
    const four = merged.documents.find((d) => d.id === 4)!;
    const sparseFour = sparse.documents.find((d) => d.id === 4)!;
    assert.deepEqual(four.metadata, sparseFour.metadata, 'the later file\'s metadata wins');
    assert.deepEqual(
      four.sources.map((s) => [s.file, s.rank, s.score]),
      [
        ['dense_results.json', dense.documents.findIndex((d) => d.id === 4) + 1, dense.documents.find((d) => d.id === 4)!.score],
        ['sparse_results.json', sparse.documents.findIndex((d) => d.id === 4) + 1, sparseFour.score],
      ],
    );
  });

  it('treats 15 and "15" as one document and keeps the query of a wrapper', () => {
    const a = parseResults('[{"id": 15, "text": "old"}, {"id": 2, "text": "b"}]', 'a.json');
    const b = parseResults('{"query": "q?", "results": [{"id": "15", "text": "new", "score": 3}]}', 'b.json');
    const merged = mergeResults([a, b]);
    assert.equal(merged.query, 'q?');
    assert.equal(merged.documents.length, 2);
    assert.equal(merged.documents[0].text, 'new');
    assert.deepEqual(merged.documents[0].sources.map((s) => [s.file, s.rank, s.score]), [['a.json', 1, undefined], ['b.json', 1, 3]]);
  });

  it('fails clearly when no file has a document', () => {
    assert.throws(() => mergeResults([parseResults('[]', 'a.json'), parseResults('[]', 'b.json')]), /No documents found in a\.json, b\.json/);
  });
});
