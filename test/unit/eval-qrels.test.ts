import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { labelsToJudgments } from '../../src/core/eval/labels';
import { parseGrade, parseQrels, readQrelsFile, type Qrels } from '../../src/core/eval/qrels';
import { parseResults } from '../../src/core/parse';

function fails(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InputError');
}

const plain = (qrels: Qrels) => Object.fromEntries([...qrels].map(([q, m]) => [q, Object.fromEntries(m)]));

describe('eval: qrels readers', () => {
  it('reads TREC qrels (qid 0 docid grade), tabs or spaces', () => {
    const r = parseQrels('q1 0 d1 2\nq1 0 d2 0\nq2\t0\td1\t1\n', 'q.txt');
    assert.equal(r.format, 'trec');
    assert.deepEqual(plain(r.qrels), { q1: { d1: 2, d2: 0 }, q2: { d1: 1 } });
    assert.deepEqual(r.warnings, []);
  });

  it('reads BEIR qrels with the header, CRLF and a BOM', () => {
    const r = parseQrels('\ufeffquery-id\tcorpus-id\tscore\r\nq1\tdoc 1\t1\r\n\r\nq1\td2\t3\r\n', 'test.tsv');
    assert.equal(r.format, 'beir');
    // Tab-separated lines may hold ids with spaces.
    assert.deepEqual(plain(r.qrels), { q1: { 'doc 1': 1, d2: 3 } });
  });

  it('reads BEIR qrels without a header', () => {
    assert.deepEqual(plain(parseQrels('q1\td1\t1\n', 'x.tsv').qrels), { q1: { d1: 1 } });
  });

  it('reads JSON qrels {qid: {docid: grade}}', () => {
    const r = parseQrels('{"q1": {"d1": 1, "d2": 0}, "q2": {}}', 'q.json');
    assert.equal(r.format, 'json');
    assert.deepEqual(plain(r.qrels), { q1: { d1: 1, d2: 0 }, q2: {} });
  });

  it('accepts an integral grade written 2.0 and refuses 0.5, naming file and line', () => {
    assert.equal(parseQrels('q1 0 d1 2.0\n', 'q').qrels.get('q1')?.get('d1'), 2);
    const err = fails(() => parseQrels('query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0.5\n', 'qrels/test.tsv'));
    assert.equal(err.code, 'wrong-shape');
    assert.match(err.message, /^qrels\/test\.tsv:3: the grade "0\.5" is not an integer/);
    assert.deepEqual(err.position, { line: 3, column: 1 });
    assert.match(fails(() => parseQrels('q1 0 d1 yes\n', 'q')).message, /^q:1: the grade "yes"/);
  });

  it('says so when a TREC run is given as qrels', () => {
    const err = fails(() => parseQrels('q1 Q0 d1 1 12.5 bm25\nq1 Q0 d2 2 11.0 bm25\n', 'run.txt'));
    assert.equal(err.code, 'wrong-format');
    assert.match(err.message, /^run\.txt:1: this looks like a TREC run line \(qid Q0 docid rank score tag\).*Is this file a run\?/);
    // Also when the run lines start after some qrels lines.
    assert.equal(fails(() => parseQrels('q1 0 d1 1\nq1 Q0 d2 2 11.0 bm25\n', 'mixed')).code, 'wrong-format');
  });

  it('names the line whose field count differs from the first', () => {
    const err = fails(() => parseQrels('q1 0 d1 1\nq1 0 d2\n', 'q.txt'));
    assert.equal(err.message, 'q.txt:2: expected 4 fields (qid 0 docid grade), got 3 fields.');
    assert.match(fails(() => parseQrels('q1 d1 1 2 3\n', 'q')).message, /^q:1: expected `qid 0 docid grade` \(TREC qrels\).*got 5 fields/);
  });

  it('warns on a repeated judgment (the later grade wins) and on negative grades (counted as 0)', () => {
    const r = parseQrels('q1 0 d1 1\nq1 0 d1 3\nq1 0 d2 -2\n', 'q');
    assert.deepEqual(plain(r.qrels), { q1: { d1: 3, d2: 0 } });
    assert.equal(r.warnings.length, 2);
    assert.match(r.warnings[0], /^q:2: query q1 judges d1 again \(first on line 1\)/);
    assert.match(r.warnings[1], /^q:3: negative grade -2/);
  });

  it('refuses empty files and a header alone', () => {
    assert.equal(fails(() => parseQrels(' \n', 'e.tsv')).code, 'empty');
    assert.equal(fails(() => parseQrels('query-id\tcorpus-id\tscore\n', 'h.tsv')).code, 'empty');
    assert.equal(fails(() => parseQrels('{}', 'e.json')).code, 'empty');
  });

  it('names line and column of a bad JSON grade and of a JSON syntax error', () => {
    const err = fails(() => parseQrels('{\n  "q1": {\n    "d1": 1,\n    "d2": "yes"\n  }\n}', 'q.json'));
    assert.equal(err.message, 'q.json:4:11: the grade of "d2" for query "q1" is a string ("yes"); grades are integers ≥ 0 (0 = not relevant).');
    assert.match(fails(() => parseQrels('{"q1": {"d1": 0.5}}', 'q.json')).message, /^q\.json:1:15: .* is 0\.5/);
    assert.match(fails(() => parseQrels('{"q1": ["d1"]}', 'q.json')).message, /^q\.json:1:8: query "q1" must map to an object/);
    assert.equal(fails(() => parseQrels('{"q1": {"d1": 1,}}', 'q.json')).code, 'invalid-json');
    assert.equal(fails(() => parseQrels('[{"id": 1, "text": "a"}]', 'dense.json')).message, 'dense.json:1:1: expected an object { "<query id>": { "<doc id>": grade } }, got an array.');
  });

  it('reads a qrels file from disk and names it in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-qrels-'));
    const path = join(dir, 'test.tsv');
    await writeFile(path, 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
    assert.equal((await readQrelsFile(path)).qrels.get('q1')?.get('d1'), 1);
    await assert.rejects(readQrelsFile(join(dir, 'missing.tsv'), { displayName: 'missing.tsv' }), { code: 'not-found', message: 'missing.tsv was not found.' });
    await writeFile(path, Buffer.from([0x71, 0x31, 0x09, 0x64, 0x09, 0xff, 0x0a]));
    await assert.rejects(readQrelsFile(path, { displayName: 'bad.tsv' }), { code: 'not-utf8', message: /^bad\.tsv:1:6:/ });
  });

  it('parses grades as integers only', () => {
    assert.deepEqual(['0', '3', '+1', '-1', '2.0', '1e1'].map(parseGrade), [0, 3, 1, -1, 2, 10]);
    assert.deepEqual(['0.5', '', 'x', '0x10', 'Infinity', ' 1'].map(parseGrade), [undefined, undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('eval: labels from a results field', () => {
  const docs = [
    { id: 1, metadata: { relevant: true } },
    { id: 'b', metadata: { relevant: false } },
    { id: 3, metadata: { relevant: 2 } },
    { id: 4, metadata: {} },
    { id: 5, metadata: { relevant: null } },
    { id: 6, metadata: { relevant: ' 3 ' } },
  ];

  it('maps true/false to 1/0, keeps integer grades, leaves missing and null unjudged', () => {
    assert.deepEqual(Object.fromEntries(labelsToJudgments(docs, 'metadata.relevant')), { 1: 1, b: 0, 3: 2, 6: 3 });
  });

  it('reads a top-level field, and falls back to metadata for a path without "metadata."', () => {
    assert.deepEqual(Object.fromEntries(labelsToJudgments([{ id: 1, label: 2 }, { id: 2, metadata: { label: 1 } }], 'label')), { 1: 2, 2: 1 });
    assert.deepEqual(Object.fromEntries(labelsToJudgments([{ id: 1, metadata: { judge: { grade: 3 } } }], 'metadata.judge.grade')), { 1: 3 });
  });

  it('works on documents read from a results file and names the position of a bad label', () => {
    const file = parseResults('[\n  {"id": 1, "text": "a", "metadata": {"relevant": 1}},\n  {"id": 2, "text": "b", "metadata": {"relevant": 0.5}}\n]', 'r.json');
    const err = fails(() => labelsToJudgments(file.documents, 'metadata.relevant', 'r.json'));
    assert.equal(err.message, 'r.json:3:3: document 2: the label metadata.relevant is 0.5; expected true/false or an integer grade ≥ 0.');
    assert.match(fails(() => labelsToJudgments([{ id: 1, metadata: { relevant: 'yes' } }], 'metadata.relevant')).message, /is "yes"/);
    assert.match(fails(() => labelsToJudgments([{ id: 1, metadata: { relevant: -1 } }], 'metadata.relevant')).message, /is -1/);
    assert.equal(fails(() => labelsToJudgments(docs, ' . ')).code, 'wrong-shape');
  });

  it('does not read inherited properties as labels', () => {
    assert.equal(labelsToJudgments([{ id: 1, metadata: {} }], 'metadata.constructor').size, 0);
  });
});
