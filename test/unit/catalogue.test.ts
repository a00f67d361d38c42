import assert from 'node:assert/strict';
import { DEFAULT_RERANKER, KNOWN_RERANKERS, describeReranker, findKnownReranker } from '../../src/core/rerankers/catalogue';
import { DEFAULT_MODEL } from '../../src/shared/model-spec';

describe('the known rerankers catalogue', () => {
  it('starts with the default model and lists each hub id once', () => {
    assert.equal(KNOWN_RERANKERS[0].hubId, DEFAULT_MODEL);
    assert.equal(DEFAULT_RERANKER.hubId, DEFAULT_MODEL);
    assert.equal(new Set(KNOWN_RERANKERS.map((r) => r.hubId)).size, KNOWN_RERANKERS.length);
  });

  it('has complete, plausible entries', () => {
    for (const r of KNOWN_RERANKERS) {
      assert.match(r.hubId, /^[\w.-]+\/[\w.-]+$/, r.hubId);
      assert.ok(r.sizeMB.q8 > 0 && r.sizeMB.q8 < r.sizeMB.fp32, `${r.hubId}: q8 smaller than fp32`);
      assert.ok(r.languages.length > 0 && r.languages.every((l) => /^[a-z]{2}$/.test(l)), r.hubId);
      assert.ok([512, 8192].includes(r.maxLength), r.hubId);
      assert.match(r.licence, /^(Apache-2\.0|MIT)$/, r.hubId);
    }
  });

  it('finds entries by hub id and describes them in one line', () => {
    const bge = findKnownReranker('Xenova/bge-reranker-base');
    assert.ok(bge);
    assert.equal(describeReranker(bge), 'English, Chinese · 512 tokens · 279 MB q8 / 1110 MB fp32 · MIT');
    assert.equal(findKnownReranker('someone/else'), undefined);
  });
});
