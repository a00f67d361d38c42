import assert from 'node:assert/strict';
import type { RankedDocument } from '../../src/core/rerank';
import { documentLabels, escapeMarkdown, firstWords } from '../../src/extension/labels';

const doc = (id: number, text: string, metadata: Record<string, unknown> = {}, rank = id, originalRank = id): RankedDocument => ({
  id, text, metadata, rank, originalRank, score: 7.10483, probability: 0.99, sources: [],
});

describe('tree labels', () => {
  it('cuts the first words at a word boundary', () => {
    assert.equal(firstWords('Mixtral is   pretrained\nwith multilingual data using a context size of 32k tokens.', 40), 'Mixtral is pretrained with multilingual…');
    assert.equal(firstWords('   '), '(empty text)');
  });

  it('uses titles only when they tell documents apart', () => {
    const same = [doc(1, 'alpha text', { title: 'Mixtral of Experts' }), doc(2, 'beta text', { title: 'Mixtral of Experts' })];
    assert.deepEqual([...documentLabels(same).values()], ['alpha text', 'beta text']);
    const distinct = [doc(1, 'alpha', { title: 'Intro' }), doc(2, 'beta', { title: 'Results' })];
    assert.deepEqual([...documentLabels(distinct).values()], ['Intro', 'Results']);
  });

  it('escapes hostile chunk text so Markdown cannot turn it into links, images or HTML', () => {
    const hostile = '<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![i](http://x/y.png) <script>x</script> **b**';
    const escaped = escapeMarkdown(hostile);
    // Every Markdown/HTML-significant character is preceded by a backslash.
    assert.doesNotMatch(escaped, /(^|[^\\])[<>[\]()!*]/);
    assert.equal(escaped.replace(/\\(.)/g, '$1'), hostile, 'only escapes are added');
  });
});
