import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { MergedDocument } from '../../src/core/documents';
import { firstWords } from '../../src/extension/labels';
import { readSettings } from '../../src/extension/settings';
import { conflictMarks, fileLine, markConflict, sourceLine, sourceScore } from '../../src/extension/tree-notes';

describe('what the tree says about sources', () => {
  it('says each score with its kind and which way is better', () => {
    assert.equal(sourceScore({ score: 0.21, scoreKind: { name: 'distance', direction: 'distance', basis: 'format' } }), 'distance 0.21 (lower is better)');
    assert.equal(sourceScore({ score: 12.4, scoreKind: { name: '_score', direction: 'similarity', basis: 'format' } }), '_score 12.4 (higher is better)');
    assert.equal(sourceScore({ score: 0.86, scoreKind: { name: 'score', direction: 'similarity', basis: 'order' } }), 'score 0.86 (higher is better, judged from their order)');
    assert.equal(sourceScore({ score: 3 }), 'score 3');
    assert.equal(sourceScore({}), undefined);
    assert.equal(
      sourceLine({ file: 'c.json', rank: 2, score: 0.35, scoreKind: { name: 'distance', direction: 'distance', basis: 'format' }, line: 1, column: 1 }),
      'c.json: rank 2, distance 0.35 (lower is better)',
    );
    assert.equal(sourceLine({ file: 'g.json', rank: 1, line: 1, column: 1 }), 'g.json: rank 1');
  });

  it('lists each file with its detected shape, and the set used of a multi-query file', () => {
    assert.equal(fileLine({ file: 'hits.json', shape: 'Qdrant points', sets: [120], selected: 0 }), 'hits.json: Qdrant points, 120 documents');
    assert.equal(
      fileLine({ file: 'c.json', shape: 'Chroma query results', sets: [3, 2], selected: 1 }, { index: 1, of: 2, label: 'query 2' }),
      'c.json: Chroma query results, set 2 of 2 (query 2), 2 documents',
    );
  });

  it('marks a document whose files disagree about its text, naming the files', () => {
    const appended: string[] = [];
    const item = {
      description: '7.10  ↑2',
      tooltip: { appendMarkdown: (s: string) => appended.push(s) },
      accessibilityInformation: { label: 'rank 1' },
    } as unknown as vscode.TreeItem;
    const doc = {
      id: 1, text: 'b', metadata: {}, originalRank: 1, sources: [],
      conflicts: [{ file: 'dense.json', text: 'a' }, { file: 'sparse.json', text: 'b' }],
    } as MergedDocument;
    assert.deepEqual(conflictMarks(doc), ['⚠']);
    markConflict(item, doc);
    assert.equal(item.description, '7.10  ↑2', 'the mark is in the label (conflictMarks), not the description');
    // File names are escaped for Markdown; compare unescaped.
    assert.equal(appended.join('').replace(/\\(.)/g, '$1'), '\n\n**⚠ Texts differ** for this id in dense.json, sparse.json; the text from sparse.json is shown (the later file wins).');
    assert.equal(item.accessibilityInformation?.label, 'rank 1; texts differ in dense.json, sparse.json');
    const plain = { description: 'x', accessibilityInformation: { label: 'rank 2' } } as vscode.TreeItem;
    markConflict(plain, { ...doc, conflicts: undefined });
    assert.deepEqual([plain.description, plain.accessibilityInformation?.label], ['x', 'rank 2']);
    assert.deepEqual(conflictMarks({ ...doc, conflicts: undefined }), []);
  });
});

describe('the rerankLens.fields and maxFileSizeMB settings', () => {
  const read = (raw: Record<string, unknown>) => readSettings((key) => raw[key]);

  it('keep the dot paths that are non-empty strings and the text fields that are strings', () => {
    const s = read({ fields: { resultsPath: ' response.docs ', idField: '', textField: 7, scoreField: 'rel', textFields: ['body', 3, ' '] } });
    assert.deepEqual(s.fields, { resultsPath: 'response.docs', scoreField: 'rel', textFields: ['body'] });
    assert.deepEqual(read({ fields: ['text'] }).fields, {});
    assert.deepEqual(read({}).fields, {});
  });

  it('clamp the size cap to 1–500 MB', () => {
    assert.equal(read({}).maxFileSizeMB, 64);
    assert.equal(read({ maxFileSizeMB: 100000 }).maxFileSizeMB, 500);
    assert.equal(read({ maxFileSizeMB: 0 }).maxFileSizeMB, 1);
  });
});

describe('tree labels of long texts', () => {
  /** The definition firstWords keeps: flatten all whitespace, trim, cut at a word boundary. */
  const flattened = (text: string, max: number) => {
    const flat = text.replace(/\s+/g, ' ').trim();
    if (flat.length <= max) return flat || '(empty text)';
    const cut = flat.slice(0, max);
    const space = cut.lastIndexOf(' ');
    return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
  };

  it('equal flattening the whole text, on 20,000 random texts with every kind of whitespace', () => {
    let seed = 3;
    const random = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const pieces = ['a', 'bc', ' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\u2003', '\u3000', '\ufeff', 'é', '😀'];
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      for (let i = Math.floor(random() * 80); i > 0; i--) text += pieces[Math.floor(random() * pieces.length)];
      const max = 1 + Math.floor(random() * 50);
      assert.equal(firstWords(text, max), flattened(text, max), JSON.stringify([text, max]));
    }
  });
});
