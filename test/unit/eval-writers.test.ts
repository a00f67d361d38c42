import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { updateQrelsFile } from '../../src/core/eval/qrels-file';
import { parseQrels } from '../../src/core/eval/qrels';
import { parseTrecRun } from '../../src/core/eval/run';
import { formatBeirQrels, formatTrecRun, setQrelsGrade } from '../../src/core/eval/writers';

describe('eval: TREC run writer', () => {
  it('writes lines in trec_eval order with matching ranks, and reads back the same', () => {
    const text = formatTrecRun(
      [
        ['q1', [{ docId: 'a', score: 1.5 }, { docId: 'b', score: 2.25 }, { docId: 'c', score: 1.5 }]],
        ['q2', [{ docId: 'x', score: -3.0000000000000004 }]],
      ],
      'my run',
    );
    assert.equal(text, 'q1 Q0 b 1 2.25 my_run\nq1 Q0 c 2 1.5 my_run\nq1 Q0 a 3 1.5 my_run\nq2 Q0 x 1 -3.0000000000000004 my_run\n');
    const back = parseTrecRun(text, 'out.run');
    assert.deepEqual(back.queries.get('q1')?.map((e) => e.docId), ['b', 'c', 'a']);
    assert.equal(back.queries.get('q2')?.[0].score, -3.0000000000000004);
  });

  it('refuses ids a TREC run cannot hold and non-finite scores', () => {
    assert.throws(() => formatTrecRun([['q 1', [{ docId: 'a', score: 1 }]]], 't'), { code: 'wrong-shape', message: /query id "q 1"/ });
    assert.throws(() => formatTrecRun([['q1', [{ docId: '', score: 1 }]]], 't'), { code: 'wrong-shape' });
    assert.throws(() => formatTrecRun([['q1', [{ docId: 'a', score: NaN }]]], 't'), /finite/);
  });
});

describe('eval: qrels writer and updater', () => {
  it('writes BEIR qrels that read back the same', () => {
    const qrels = new Map([['q1', new Map([['doc 1', 2], ['d2', 0]])], ['q2', new Map([['d1', 1]])]]);
    const text = formatBeirQrels(qrels);
    assert.equal(text, 'query-id\tcorpus-id\tscore\nq1\tdoc 1\t2\nq1\td2\t0\nq2\td1\t1\n');
    assert.deepEqual(parseQrels(text, 'x.tsv').qrels, qrels);
  });

  it('starts a new BEIR file from empty text', () => {
    assert.equal(setQrelsGrade('', 'q.tsv', { queryId: 'q1', docId: '7', grade: 3 }), 'query-id\tcorpus-id\tscore\nq1\t7\t3\n');
  });

  it('changes one line in place and keeps every other byte', () => {
    const before = 'query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq1\td2\t0\r\n\r\nq2\td1\t2\r\n';
    const after = setQrelsGrade(before, 'q.tsv', { queryId: 'q1', docId: 'd2', grade: 3 });
    assert.equal(after, before.replace('q1\td2\t0', 'q1\td2\t3'));
  });

  it('matches a first line behind a BOM and keeps the BOM', () => {
    assert.equal(setQrelsGrade('\ufeffq1\td1\t1\nq1\td2\t1\n', 'q.tsv', { queryId: 'q1', docId: 'd1', grade: 2 }), '\ufeffq1\td1\t2\nq1\td2\t1\n');
  });

  it('appends a new judgment with the file line ending, adding a missing final newline', () => {
    assert.equal(setQrelsGrade('query-id\tcorpus-id\tscore\nq1\td1\t1', 'q.tsv', { queryId: 'q1', docId: 'd2', grade: 0 }), 'query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t0\n');
    assert.equal(setQrelsGrade('q1\td1\t1\r\n', 'q.tsv', { queryId: 'q 2', docId: 'd1', grade: 2 }), 'q1\td1\t1\r\nq 2\td1\t2\r\n');
  });

  it('drops later duplicates of the changed pair so the file says one thing', () => {
    const after = setQrelsGrade('q1\td1\t1\nq1\td2\t1\nq1\td1\t2\n', 'q.tsv', { queryId: 'q1', docId: 'd1', grade: 0 });
    assert.equal(after, 'q1\td1\t0\nq1\td2\t1\n');
    assert.deepEqual(parseQrels(after, 'q.tsv').warnings, []);
  });

  it('updates TREC qrels in their own format, keeping the iteration field and separator', () => {
    assert.equal(setQrelsGrade('q1 0 d1 1\nq1 0 d2 0\n', 'q.txt', { queryId: 'q1', docId: 'd2', grade: 2 }), 'q1 0 d1 1\nq1 0 d2 2\n');
    assert.equal(setQrelsGrade('q1 0 d1 1\n', 'q.txt', { queryId: 'q1', docId: 'd3', grade: 1 }), 'q1 0 d1 1\nq1 0 d3 1\n');
    assert.throws(() => setQrelsGrade('q1 0 d1 1\n', 'q.txt', { queryId: 'q1', docId: 'd 3', grade: 1 }), { code: 'wrong-shape' });
  });

  it('refuses JSON qrels, a broken file (naming its line), bad grades and ids with tabs', () => {
    assert.throws(() => setQrelsGrade('{"q1": {"d1": 1}}', 'q.json', { queryId: 'q1', docId: 'd1', grade: 0 }), { code: 'wrong-format' });
    assert.throws(() => setQrelsGrade('q1\td1\t1\nq1\td2\tx\n', 'q.tsv', { queryId: 'q1', docId: 'd1', grade: 0 }), { message: /^q\.tsv:2: / });
    assert.throws(() => setQrelsGrade('', 'q.tsv', { queryId: 'q1', docId: 'd1', grade: 1.5 }), RangeError);
    assert.throws(() => setQrelsGrade('', 'q.tsv', { queryId: 'q1', docId: 'd\t1', grade: 1 }), { code: 'wrong-shape' });
  });
});

describe('eval: qrels file updates', () => {
  it('creates the file and its folder, then keeps every one of many quick updates', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-labels-'));
    const path = join(dir, '.rerank-lens', 'qrels.tsv');
    await Promise.all(Array.from({ length: 20 }, (_, i) => updateQrelsFile(path, { queryId: 'q1', docId: `d${i}`, grade: i % 4 })));
    await updateQrelsFile(path, { queryId: 'q1', docId: 'd3', grade: 0 });
    const text = await readFile(path, 'utf8');
    assert.ok(text.startsWith('query-id\tcorpus-id\tscore\n'));
    const judged = parseQrels(text, 'qrels.tsv').qrels.get('q1')!;
    assert.equal(judged.size, 20);
    assert.equal(judged.get('d3'), 0);
    assert.equal(judged.get('d7'), 3);
    assert.deepEqual((await readdir(dirname(path))).sort(), ['qrels.tsv']);
  });

  it('leaves a file it cannot update untouched', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rl-labels-'));
    const path = join(dir, 'qrels.json');
    await writeFile(path, '{"q1": {"d1": 1}}');
    await assert.rejects(updateQrelsFile(path, { queryId: 'q1', docId: 'd1', grade: 0 }, 'qrels.json'), { code: 'wrong-format' });
    assert.equal(await readFile(path, 'utf8'), '{"q1": {"d1": 1}}');
  });
});
