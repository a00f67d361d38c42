import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ResultsFile } from '../../src/core/documents';
import { parseResults } from '../../src/core/parse';
import { loadResults } from '../../src/core/pipeline';
import { everyQuery, firstQueryWarnings, queryChoices, selectQuery } from '../../src/core/queries';
import { SAMPLE } from '../support/models';

const docs = (...ids: number[]) => ids.map((id) => ({ id, text: `text ${id}` }));
const chroma = (file: string, ...sets: number[][]): ResultsFile =>
  parseResults(JSON.stringify({ ids: sets.map((s) => s.map(String)), documents: sets.map((s) => s.map((id) => `text ${id}`)) }), file);
const plain = (file: string, ...ids: number[]) => parseResults(JSON.stringify(docs(...ids)), file);
const ids = (files: ResultsFile[]) => files.map((f) => f.documents.map((d) => String(d.id)));

describe('choosing the query of multi-query files', () => {
  const a = chroma('a.json', [1, 2], [3]);
  const b = chroma('b.json', [4], [5, 6]);
  const single = plain('s.json', 7);

  it('selects set i of every multi-query file; a single-set file takes part with its only set', () => {
    const second = selectQuery([a, single, b], 1);
    assert.deepEqual(ids(second.files), [['3'], ['7'], ['5', '6']]);
    assert.deepEqual([second.index, second.of, second.label], [1, 2, 'query 2']);
    assert.deepEqual(second.files.map((f) => f.selected), [1, 0, 1]);
    assert.deepEqual(selectQuery([single], 0), { files: [single] });
  });

  it('names the range when the index is out of it, for multi-query and single-set files alike', () => {
    assert.throws(() => selectQuery([a], 2), /a\.json has 2 result sets; query index 2 is out of range \(0–1\)/);
    assert.throws(() => selectQuery([single, plain('t.json', 8)], 1), /s\.json, t\.json hold one result set; query index 1 is out of range \(0–0\)/);
  });

  it('gives one selection per query to rerank them all, and refuses files with different numbers of queries', () => {
    assert.deepEqual(everyQuery([a, b]).map((s) => ids(s.files)), [[['1', '2'], ['4']], [['3'], ['5', '6']]]);
    assert.deepEqual(everyQuery([single]).map((s) => s.index), [undefined]);
    const c = chroma('c.json', [1], [2], [3]);
    assert.throws(() => everyQuery([a, c]), /a\.json holds 2 queries but c\.json holds 3, so they are not one search per query; rerank one query at a time by its index/);
  });

  it('offers the sets of the first multi-query file, with their stored queries and sizes', () => {
    const spans = parseResults(
      JSON.stringify([
        { name: 'retrieve', attributes: { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'q one', 'retrieval.documents': [{ 'document.id': 'x', 'document.content': 'X' }] } },
        { name: 'retrieve', attributes: { 'openinference.span.kind': 'RETRIEVER', 'input.value': 'q two', 'retrieval.documents': [{ 'document.id': 'y', 'document.content': 'Y' }, { 'document.id': 'z', 'document.content': 'Z' }] } },
      ]),
      'spans.json',
    );
    const choices = queryChoices([single, spans]);
    assert.deepEqual(choices.map((c) => [c.index, c.query, c.documents, c.file]), [[0, 'q one', 1, 'spans.json'], [1, 'q two', 2, 'spans.json']]);
    assert.deepEqual(queryChoices([single]), []);
  });

  it('says when the first set was used because the caller did not pick one', async () => {
    assert.deepEqual(firstQueryWarnings([single, a]), ['a.json holds 2 queries (0: query 1, 1: query 2); using the first. Pick another by its index.']);
    const file = { path: join(SAMPLE, 'formats', 'chroma-query.json'), name: 'chroma-query.json' };
    const implicit = await loadResults([file], { onFileError: 'fail' });
    assert.match(implicit.merged.warnings[0], /chroma-query\.json holds 2 queries .*using the first/);
    const picked = await loadResults([file], { onFileError: 'fail', queryIndex: 1 });
    assert.deepEqual(picked.merged.warnings, []);
    assert.deepEqual(picked.merged.documents.map((d) => d.id), ['4', '15']);
    assert.equal(picked.selection.label, 'query 2');
  });
});
