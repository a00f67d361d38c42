import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors';
import { readBeirCorpus, readBeirQueries } from '../../src/core/eval/beir';
import { checkRunIds, compareBytes, orderByScore, parseTrecRun, readTrecRunFile, type TrecRun } from '../../src/core/eval/run';

function fails(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InputError');
}

const order = (run: TrecRun, qid: string) => run.queries.get(qid)?.map((e) => e.docId);

describe('eval: TREC run reader', () => {
  it('orders by score descending whatever the rank column says, and keeps queries in file order', () => {
    const run = parseTrecRun('q2 Q0 a 1 0.5 t\nq1 Q0 x 3 1.0 t\nq1 Q0 y 1 3.0 t\nq1 Q0 z 2 2.0 t\n', 'run.txt');
    assert.deepEqual([...run.queries.keys()], ['q2', 'q1']);
    assert.deepEqual(order(run, 'q1'), ['y', 'z', 'x']);
    assert.equal(run.tag, 't');
    assert.deepEqual(run.queries.get('q1')?.[0], { docId: 'y', score: 3, line: 3 });
  });

  it('breaks score ties by document id descending, byte by byte, as trec_eval does', () => {
    // strcmp order: "D" (0x44) < "a" (0x61) < "b" < "é" (0xC3 0xA9) < "😀" (0xF0…) even though "😀" < "" in UTF-16 units.
    const run = parseTrecRun(['a', 'D', '\uff5e', 'b', '😀', 'é', 'c'].map((d, i) => `q Q0 ${d} ${i + 1} ${d === 'c' ? 2 : 1} t`).join('\n'), 'r');
    assert.deepEqual(order(run, 'q'), ['c', '😀', '\uff5e', 'é', 'b', 'a', 'D']);
    assert.ok(compareBytes('😀', '\uff5e') > 0 && '😀' < '\uff5e');
    assert.equal(compareBytes('ab', 'abc'), -1);
    assert.equal(compareBytes('ab', 'ab'), 0);
  });

  it('skips blank and # comment lines, accepts CRLF, exponents and extra fields', () => {
    const run = parseTrecRun('# made by hand\r\n\r\nq1 Q0 d1 1 1e-3 tag extra\r\nq1 Q0 d2 2 -2.5 tag\r\n', 'r');
    assert.deepEqual(run.queries.get('q1')?.map((e) => [e.docId, e.score, e.line]), [['d1', 0.001, 3], ['d2', -2.5, 4]]);
  });

  it('says so when qrels are given as the run', () => {
    const trec = fails(() => parseTrecRun('q1 0 d1 1\n', 'qrels.txt'));
    assert.equal(trec.code, 'wrong-format');
    assert.match(trec.message, /^qrels\.txt:1: this looks like a TREC qrels line \(qid 0 docid grade\), not a run line/);
    const beir = fails(() => parseTrecRun('query-id\tcorpus-id\tscore\nq1\td1\t1\n', 'test.tsv'));
    assert.match(beir.message, /^test\.tsv:1: this is a BEIR qrels header/);
  });

  it('names the line of a bad score, a short line and a repeated document', () => {
    assert.equal(fails(() => parseTrecRun('q1 Q0 d1 1 1.0 t\nq1 Q0 d2 2 high t\n', 'r')).message, 'r:2: the score "high" is not a number (fields: qid Q0 docid rank score tag).');
    assert.match(fails(() => parseTrecRun('q1 Q0 d1 1 nan t\n', 'r')).message, /^r:1: the score "nan"/);
    assert.equal(fails(() => parseTrecRun('q1 Q0 d1 1 2.0\n', 'r')).message, 'r:1: expected 6 fields (qid Q0 docid rank score tag), got 5.');
    const twice = fails(() => parseTrecRun('q1 Q0 d1 1 2 t\nq2 Q0 d1 1 2 t\nq1 Q0 d1 2 1 t\n', 'r'));
    assert.equal(twice.message, 'r:3: document d1 is listed twice for query q1 (first on line 1); trec_eval refuses such runs.');
    assert.equal(fails(() => parseTrecRun('# only a comment\n', 'r')).code, 'empty');
  });

  it('orders scored documents as trec_eval would read them back', () => {
    assert.deepEqual(orderByScore([{ docId: 'a', score: 1 }, { docId: 'b', score: 3 }, { docId: 'c', score: 1 }]), ['b', 'c', 'a']);
  });

  it('names the run line of a query missing from the queries and of a document missing from the corpus', () => {
    const run = parseTrecRun('q1 Q0 d1 1 3 t\nq2 Q0 d9 1 1 t\nq2 Q0 d8 2 2 t\n', 'run.txt');
    const docs = new Set(['d1', 'd8', 'd9']);
    assert.doesNotThrow(() => checkRunIds(run, new Set(['q1', 'q2']), 'queries.jsonl', docs, 'corpus.jsonl'));
    const noQuery = fails(() => checkRunIds(run, new Set(['q1']), 'queries.jsonl', docs, 'corpus.jsonl'));
    assert.equal(noQuery.code, 'unknown-id');
    assert.match(noQuery.message, /^run\.txt:2: query q2 is not in queries\.jsonl\./);
    // d8 ranks first (score 2) but d9 comes first in the file: the earlier line is named.
    const noDoc = fails(() => checkRunIds(run, new Set(['q1', 'q2']), 'queries.jsonl', new Set(['d1']), 'corpus.jsonl'));
    assert.match(noDoc.message, /^run\.txt:2: document d9 \(query q2\) is not in corpus\.jsonl\./);
  });

  it('streams a run file from disk with the same result as parsing its text', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-run-'));
    const path = join(dir, 'run.txt');
    const text = Array.from({ length: 3000 }, (_, i) => `q${i % 7} Q0 doc${i} ${i} ${(i * 37) % 101} run`).join('\n');
    await writeFile(path, text);
    const streamed = await readTrecRunFile(path, { displayName: 'run.txt' });
    assert.deepEqual(streamed, parseTrecRun(text, 'run.txt'));
    await writeFile(path, 'q1 Q0 d1 1 1 t\nq1 Q0 d2 2 x t\n');
    await assert.rejects(readTrecRunFile(path, { displayName: 'run.txt' }), { code: 'wrong-shape', message: /^run\.txt:2: / });
  });
});

describe('eval: BEIR corpus and queries', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rl-beir-'));
  });

  async function file(name: string, text: string | Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('reads corpus.jsonl (_id, title optional, text) and queries.jsonl, numeric ids as strings', async () => {
    const corpus = await readBeirCorpus(await file('corpus.jsonl', '\ufeff{"_id": "d1", "title": "T", "text": "a"}\r\n\n{"_id": 2, "text": "b", "metadata": {}}\n'));
    assert.deepEqual([...corpus.entries.values()], [
      { id: 'd1', title: 'T', text: 'a', line: 1 },
      { id: '2', title: '', text: 'b', line: 3 },
    ]);
    const queries = await readBeirQueries(await file('queries.jsonl', '{"_id": "q1", "text": "what?"}'));
    assert.deepEqual(queries.entries.get('q1'), { id: 'q1', text: 'what?', line: 1 });
  });

  it('keeps the first of duplicate ids and warns', async () => {
    const r = await readBeirQueries(await file('dup.jsonl', '{"_id": "q1", "text": "a"}\n{"_id": "q1", "text": "b"}\n'), { displayName: 'queries.jsonl' });
    assert.equal(r.entries.get('q1')?.text, 'a');
    assert.deepEqual(r.warnings, ['queries.jsonl:2: duplicate _id "q1" (first on line 1); kept the first.']);
  });

  it('names file and line of bad JSON, a missing _id or text, a non-object line and invalid UTF-8', async () => {
    const name = { displayName: 'corpus.jsonl' };
    await assert.rejects(readBeirCorpus(await file('c1.jsonl', '{"_id": "d1", "text": "a"}\n{"_id": "d2", "text": "b"\n'), name), {
      code: 'invalid-json',
      message: /^corpus\.jsonl:2:\d+: invalid JSON/,
    });
    await assert.rejects(readBeirCorpus(await file('c2.jsonl', '{"_id": "d1", "text": "a"}\n{"text": "b"}\n'), name), {
      message: 'corpus.jsonl:2: "_id" must be a non-empty string or a number; it is missing.',
    });
    await assert.rejects(readBeirCorpus(await file('c3.jsonl', '{"_id": "d1", "title": "t"}\n'), name), {
      message: 'corpus.jsonl:1: _id "d1": "text" must be a string; it is missing.',
    });
    await assert.rejects(readBeirQueries(await file('q3.jsonl', '["q1", "text"]\n'), { displayName: 'queries.jsonl' }), {
      message: /^queries\.jsonl:1: expected one JSON object per line/,
    });
    const bytes = Buffer.concat([Buffer.from('{"_id": "d1", "text": "a"}\n{"_id": "d2", "text": "b'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
    await assert.rejects(readBeirCorpus(await file('c4.jsonl', bytes), name), { code: 'not-utf8', message: /^corpus\.jsonl:2:25: / });
    await assert.rejects(readBeirCorpus(await file('c5.jsonl', '\n\n'), name), { code: 'empty' });
    await assert.rejects(readBeirCorpus(join(dir, 'nope.jsonl'), name), { code: 'not-found' });
  });

  it('stops reading when the signal is aborted', async () => {
    const path = await file('big.jsonl', Array.from({ length: 20000 }, (_, i) => JSON.stringify({ _id: i, text: 'x'.repeat(50) })).join('\n'));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(readBeirCorpus(path, { signal: controller.signal }), { name: 'CancelledError' });
  });
});
