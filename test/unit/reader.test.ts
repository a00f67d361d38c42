import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { ResultsFile } from '../../src/core/documents';
import { CancelledError, InputError, isInputError } from '../../src/core/errors';
import { readResultsFile } from '../../src/core/read-results';
import { readInWorker } from '../../src/core/reader/client';
import type { Progress } from '../../src/shared/worker-protocol';
import { REPO, SAMPLE } from '../support/models';

const READER = join(REPO, 'dist', 'reader.js');
const FORMATS = join(SAMPLE, 'formats');

/** Reads a file in the reader worker, recording its progress and the message types the worker posted. */
async function viaWorker(path: string, name: string, options: Parameters<typeof readInWorker>[1] | object = {}) {
  const progress: number[] = [];
  const posted: string[] = [];
  const file = await readInWorker(
    { path, name },
    {
      workerPath: READER,
      onProgress: (p: Progress) => p.phase === 'read' && progress.push(p.percent ?? -1),
      onWorker: (w: Worker) => w.on('message', (m: { type: string }) => posted.push(m.type)),
      ...options,
    },
  );
  return { file, progress, posted };
}

/** The error a read rejects with, whichever thread it ran on. */
async function failure(read: Promise<ResultsFile>): Promise<InputError> {
  try {
    await read;
  } catch (err) {
    assert.ok(isInputError(err), `an InputError, got ${String(err)}`);
    return err;
  }
  throw new Error('the read succeeded');
}

describe('reading results in the reader worker', function () {
  this.timeout(120_000);
  let tmp: string;

  before(async () => {
    assert.ok(readdirSync(join(REPO, 'dist')).includes('reader.js'), 'dist/reader.js is missing: run `npm run build` first');
    tmp = await mkdtemp(join(tmpdir(), 'rl-reader-'));
  });

  for (const name of readdirSync(FORMATS).filter((f) => /\.jsonl?$/.test(f))) {
    it(`reads ${name} exactly as on this thread, across chunks of two documents`, async () => {
      const here = await readResultsFile(join(FORMATS, name), { displayName: name });
      const { file, progress } = await viaWorker(join(FORMATS, name), name, { chunk: { chars: 1 << 20, documents: 2 } });
      assert.deepEqual(file, here);
      assert.equal(file.documents, file.resultSets[file.selected].documents, 'documents is the selected set, as parse returns it');
      assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress only grows');
      assert.equal(progress.at(-1), 100);
    });
  }

  it('hands texts back in chunks of at most the limit, and reports progress on the way', async () => {
    const docs = Array.from({ length: 300 }, (_, i) => ({ id: i, text: `chunk ${i} `.repeat(40 + (i % 7)), metadata: { page: i } }));
    const path = join(tmp, 'many.json');
    await writeFile(path, JSON.stringify(docs));
    const chunks: number[] = [];
    const { file, progress } = await viaWorker(path, 'many.json', {
      chunk: { chars: 4000, documents: 1000 },
      onWorker: (w: Worker) => w.on('message', (m: { result?: { texts?: string } }) => m.result?.texts !== undefined && chunks.push(m.result.texts.length)),
    });
    assert.deepEqual(file.documents.map((d) => [d.id, d.text, d.metadata]), docs.map((d) => [d.id, d.text, d.metadata]));
    const total = docs.reduce((n, d) => n + d.text.length, 0);
    assert.equal(chunks.reduce((a, b) => a + b, 0), total, 'every text came back once');
    assert.ok(chunks.every((n) => n <= 4000), 'no chunk over the limit');
    assert.ok(chunks.length >= total / 4000 && chunks.length <= (2 * total) / 4000 + 1, `${chunks.length} chunks`);
    assert.ok(progress.length > 10, 'the transfer reports progress');
  });

  it('keeps the file, line, column and code of a malformed file across the worker boundary', async () => {
    const path = join(tmp, 'broken.json');
    await writeFile(path, '[\n  {"id": 1, "text": "a"}\n  {"id": 2, "text": "b"}\n]\n');
    const here = await failure(readResultsFile(path, { displayName: 'broken.json' }));
    const there = await failure(readInWorker({ path, name: 'broken.json' }, { workerPath: READER }));
    assert.equal(there.message, 'broken.json:3:3: invalid JSON: expected \',\' (a comma between items)');
    assert.deepEqual([there.code, there.file, there.position?.line, there.position?.column], ['invalid-json', 'broken.json', 3, 3]);
    assert.deepEqual([there.message, there.code, there.file, there.position], [here.message, here.code, here.file, here.position]);
    assert.ok(there instanceof InputError, 'an InputError on this side, not a plain Error');
  });

  it('says which item lacks a text, with its position, and what a too large or missing file is', async () => {
    const path = join(tmp, 'shape.json');
    await writeFile(path, '{"result": {"points": [\n  {"id": 7, "score": 0.5, "payload": {"title": "t"}}\n]}}');
    const shape = await failure(readInWorker({ path, name: 'shape.json' }, { workerPath: READER }));
    assert.match(shape.message, /^shape\.json:2:3: item 1 \(id 7\) is missing the field "text"/);
    assert.deepEqual([shape.code, shape.position], ['wrong-shape', { line: 2, column: 3 }]);
    const big = await failure(readInWorker({ path, name: 'shape.json' }, { workerPath: READER, maxBytes: 10 }));
    assert.equal(big.code, 'too-large');
    const missing = await failure(readInWorker({ path: join(tmp, 'nope.json'), name: 'nope.json' }, { workerPath: READER }));
    assert.equal(missing.message, 'nope.json was not found.');
  });

  it('applies the field mapping in the worker', async () => {
    const path = join(tmp, 'mapped.json');
    await writeFile(path, JSON.stringify({ response: { docs: [{ doc_id: 'a', body: { content: 'alpha' }, rel: 3 }] } }));
    const fields = { resultsPath: 'response.docs', idField: 'doc_id', textField: 'body.content', scoreField: 'rel' };
    const { file } = await viaWorker(path, 'mapped.json', { fields });
    assert.deepEqual([file.shape, file.documents[0].id, file.documents[0].text, file.scoreKind?.name], ['mapped', 'a', 'alpha', 'rel']);
  });

  it('stops parsing when cancelled: the worker is terminated before it answers, and the next read works', async () => {
    const path = join(tmp, 'big.json');
    const text = 'Mixtral is a sparse mixture of experts with a context size of 32k tokens. '.repeat(30);
    await writeFile(path, JSON.stringify(Array.from({ length: 8000 }, (_, i) => ({ id: i, text: `${i} ${text}`, metadata: { page: i } }))));
    const abort = new AbortController();
    let exited = false;
    const { progress, posted, outcome } = await (async () => {
      const progress: number[] = [];
      const posted: string[] = [];
      const outcome = await readInWorker(
        { path, name: 'big.json' },
        {
          workerPath: READER,
          signal: abort.signal,
          // The first progress is sent as the read starts, before the file is parsed.
          onProgress: (p) => p.phase === 'read' && (progress.push(p.percent ?? -1), abort.abort()),
          onWorker: (w) => {
            w.on('message', (m: { type: string }) => posted.push(m.type));
            w.on('exit', () => (exited = true));
          },
        },
      ).then(
        () => 'finished',
        (err: unknown) => err,
      );
      return { progress, posted, outcome };
    })();
    assert.ok(outcome instanceof CancelledError, `cancelled, got ${String(outcome)}`);
    assert.ok(exited, 'the reader worker is gone');
    assert.deepEqual(posted.filter((t) => t !== 'progress'), [], 'it never answered the read: the parse was stopped');
    assert.ok(Math.max(...progress) < 100);
    const again = await viaWorker(path, 'big.json');
    assert.equal(again.file.documents.length, 8000);
  });

  it('does not start a worker for an already cancelled read', async () => {
    const abort = new AbortController();
    abort.abort();
    let started = false;
    await assert.rejects(
      readInWorker({ path: join(FORMATS, 'qdrant-points.json'), name: 'q.json' }, { workerPath: READER, signal: abort.signal, onWorker: () => (started = true) }),
      CancelledError,
    );
    assert.equal(started, false);
  });
});
