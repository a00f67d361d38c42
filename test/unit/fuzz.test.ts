import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isInputError } from '../../src/core/errors';
import { parseResults } from '../../src/core/parse';
import { readResultsFile } from '../../src/core/read-results';
import { REPO, SAMPLE } from '../support/models';

/*
 * Issue 7 §5: no input crashes anything. Mutations of the sample files and of every format
 * fixture go through readResultsFile (what the CLI and the editor call) from real files; each
 * must end as a result or as an InputError whose message names the file — never a RangeError,
 * a TypeError or a stack overflow.
 */

const FIXTURES = join(REPO, 'test', 'fixtures', 'formats');
const SEEDS: { name: string; text: string }[] = [
  ...['dense_results.json', 'sparse_results.json'].map((name) => ({ name, text: readFileSync(join(SAMPLE, name), 'utf8') })),
  ...readdirSync(FIXTURES)
    .filter((f) => /\.jsonl?$/.test(f))
    .map((name) => ({ name, text: readFileSync(join(FIXTURES, name), 'utf8') })),
];

interface Mutant {
  label: string;
  bytes: Buffer;
  jsonl: boolean;
}
const utf8 = (s: string) => Buffer.from(s, 'utf8');

/** Every [path, value] of a parsed seed, without recursion. */
function nodes(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: root, path: [] }];
  while (stack.length && out.length < 5000) {
    const { value, path } = stack.pop()!;
    out.push(path);
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, Array.isArray(value) ? Number(k) : k] });
    }
  }
  return out;
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let parent = root as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
  return root;
}

const deep = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);

const REPLACEMENTS: unknown[] = [null, 0, -1, 1e308, '', 'x', [], {}, true, [[]], { a: {} }, [1, 'two', null], { text: 5 }, '9.5', 'NaN'];

const seed = fc.constantFrom(...SEEDS);

/** A counterexample prints as its label, not as megabytes of buffer. */
const printable = (m: Mutant): Mutant => Object.assign(m, { [fc.toStringMethod]: () => JSON.stringify(m.label) });

const mutants: fc.Arbitrary<Mutant>[] = [
  // Truncation anywhere, which covers every kind of token: inside strings, numbers, literals, after , : { [.
  fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true })).map(([s, f]) => ({
    label: `${s.name} cut at ${Math.floor(s.text.length * f)}`,
    bytes: utf8(s.text.slice(0, Math.floor(s.text.length * f))),
    jsonl: s.name.endsWith('.jsonl'),
  })),
  // Byte flips (which also make invalid UTF-8).
  fc.tuple(seed, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 })).map(([s, flips]) => {
    const bytes = utf8(s.text);
    for (const [at, x] of flips) bytes[Math.floor(at * (bytes.length - 1))] ^= x;
    return { label: `${s.name} with ${flips.length} byte flips`, bytes, jsonl: s.name.endsWith('.jsonl') };
  }),
  // Invalid UTF-8 sequences inserted: a lone lead byte, 0xFF, an encoded surrogate, an overlong form.
  fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom([0xc3], [0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80])).map(([s, f, bad]) => {
    const bytes = utf8(s.text);
    const at = Math.floor(f * bytes.length);
    return { label: `${s.name} with bad UTF-8 at ${at}`, bytes: Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]), jsonl: false };
  }),
  // Type swaps: any field of any item replaced by a value of another type, deep nesting or a huge string.
  fc.tuple(seed, fc.nat(), fc.oneof(fc.constantFrom(...REPLACEMENTS), fc.constant('deep'), fc.constant('huge'))).map(([s, pick, replacement]) => {
    const jsonl = s.name.endsWith('.jsonl');
    const root = jsonl ? s.text.trim().split('\n').map((l) => JSON.parse(l)) : JSON.parse(s.text);
    const all = nodes(root);
    const path = all[pick % all.length];
    const value = replacement === 'deep' ? JSON.parse(deep(300, '[', ']')) : replacement === 'huge' ? 'y'.repeat(1_000_000) : replacement;
    const mutated = setAt(root, path, value);
    const text = jsonl && Array.isArray(mutated) ? mutated.map((v) => JSON.stringify(v)).join('\n') : JSON.stringify(mutated, null, 1);
    return { label: `${s.name} with ${path.join('.') || 'the root'} = ${String(replacement).slice(0, 20)}`, bytes: utf8(text ?? 'null'), jsonl };
  }),
  // Deep nesting, balanced or cut short, of arrays and objects, at the top or inside a file.
  fc.tuple(fc.integer({ min: 100, max: 30_000 }), fc.boolean(), fc.boolean(), seed).map(([n, arrays, cut, s]) => {
    const nest = arrays ? deep(n, '[', ']') : deep(n, '{"a":', '}');
    const text = cut ? nest.slice(0, n + 1) : s.text.replace(/"metadata": \{/, `"metadata": {"deep": ${nest},`);
    return { label: `${arrays ? 'arrays' : 'objects'} ${n} deep${cut ? ', cut' : ''}`, bytes: utf8(text), jsonl: false };
  }),
  // NaN / Infinity / -Infinity where a number was.
  fc.tuple(seed, fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e999', '-0', '0x10', '.5')).map(([s, literal]) => ({
    label: `${s.name} with ${literal}`,
    bytes: utf8(s.text.replace(/(?<=: )-?\d+(\.\d+)?/, literal)),
    jsonl: s.name.endsWith('.jsonl'),
  })),
  // Duplicate keys, a BOM in the middle, comments and trailing commas.
  fc.tuple(seed, fc.constantFrom('dup', 'bom', 'comment', 'comma'), fc.double({ min: 0, max: 1, noNaN: true })).map(([s, what, f]) => {
    const at = Math.floor(f * s.text.length);
    const text =
      what === 'dup'
        ? s.text.replace(/"(id|text|score|metadata|ids|_id)": /g, '"$1": {"dup": [1]}, "$1": ')
        : what === 'bom'
          ? s.text.slice(0, at) + '\ufeff' + s.text.slice(at)
          : what === 'comment'
            ? s.text.slice(0, at) + '/* c */' + s.text.slice(at)
            : s.text.replace(/\}(\s*)\]/, '},$1]');
    return { label: `${s.name} with ${what}`, bytes: utf8(text), jsonl: s.name.endsWith('.jsonl') };
  }),
  // JSONL with one bad line among good ones.
  fc.tuple(seed, fc.nat(), fc.constantFrom('{"id": 9, "text": ', 'not json', '[1,', '{"id": 9, "text": "x"} trailing', '\u0000')).map(([s, pick, bad]) => {
    const root = s.name.endsWith('.jsonl') ? s.text.trim().split('\n').map((l) => JSON.parse(l)) : JSON.parse(s.text);
    const lines = (Array.isArray(root) ? root : [root]).map((v) => JSON.stringify(v));
    lines.splice(pick % (lines.length + 1), 0, bad);
    return { label: `${s.name} as JSONL with a bad line`, bytes: utf8(lines.join(pick % 2 ? '\r\n' : '\n')), jsonl: true };
  }),
];

describe('no input crashes the parser (fast-check)', function () {
  this.timeout(120_000);
  let dir: string;
  let runs = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rl-fuzz-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ends every mutation of the samples and fixtures as a result or an InputError naming the file', async () => {
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.oneof(...mutants).map(printable), fc.option(fc.integer({ min: 0, max: 3 })), async (mutant, queryIndex) => {
        runs++;

        const name = `case-${runs}.${mutant.jsonl ? 'jsonl' : 'json'}`;
        const path = join(dir, name);
        await writeFile(path, mutant.bytes);
        try {
          const r = await readResultsFile(path, { displayName: name, queryIndex: queryIndex ?? undefined });
          assert.ok(r.documents.every((d) => typeof d.text === 'string' && (typeof d.id === 'string' || Number.isFinite(d.id))), mutant.label);
          assert.ok(r.selected < r.resultSets.length);
        } catch (err) {
          if (!isInputError(err)) throw new Error(`${mutant.label}: not an InputError: ${(err as Error)?.stack ?? String(err)}`);
          assert.ok(err.message.includes(name), `${mutant.label}: "${err.message}" does not name ${name}`);
        }
      }),
      { numRuns: 1500 },
    );
    const seconds = (performance.now() - started) / 1000;
    assert.ok(runs >= 1500);
    console.log(`      ${runs} generated files in ${seconds.toFixed(1)} s`);
  });

  it('ends every known envelope filled with random JSON as a result or an InputError naming the file', () => {
    const any = fc.jsonValue({ maxDepth: 4 });
    const envelopes: fc.Arbitrary<unknown>[] = [
      fc.array(any),
      fc.array(fc.tuple(any, any)),
      fc.array(fc.array(any)),
      fc.record({ query: any, results: any }),
      fc.record({ matches: any, results: any }),
      fc.record({ result: fc.oneof(any, fc.record({ points: any, hits: any })) }),
      fc.record({ points: any }),
      fc.record({ data: fc.oneof(any, fc.record({ Get: fc.dictionary(fc.string(), any) })), errors: any }),
      fc.record({ hits: fc.oneof(any, fc.record({ hits: any })) }),
      fc.record({ responses: fc.array(fc.oneof(any, fc.record({ hits: fc.record({ hits: any }) }))) }),
      fc.record({ root: fc.record({ children: any, errors: any, fields: any }) }),
      fc.record({ ids: any, documents: any, metadatas: any, distances: any }),
      fc.record({ source_nodes: any }),
      fc.record({ code: any, data: any, message: any }),
      fc.record({ documents: any }),
      fc.dictionary(fc.string(), fc.record({ documents: any })),
      fc.record({ attributes: fc.oneof(any, fc.dictionary(fc.constantFrom('retrieval.documents', 'input.value', 'retrieval.documents.0.document.id', 'reranker.query'), any)) }),
      fc.record({ resourceSpans: any }),
    ];
    fc.assert(
      fc.property(fc.oneof(...envelopes), fc.constantFrom('e.json', 'e.jsonl'), (value, name) => {
        try {
          parseResults(JSON.stringify(value) ?? 'null', name);
        } catch (err) {
          if (!isInputError(err)) throw new Error(`not an InputError: ${(err as Error)?.stack ?? String(err)}`);
          assert.ok(err.message.includes(name), err.message);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
