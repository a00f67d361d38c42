/**
 * Deterministic benchmark documents: English-ish sentences sampled (seeded) from the words of the
 * sample retrieval results, each sized to a target pair length measured with the model's tokenizer.
 */
import { AutoTokenizer, env } from '@huggingface/transformers';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrossEncoder } from '../src/core/scoring/cross-encoder';
import { CACHE_DIR, CASES, MODEL_DIR, QUERY, ROOT, modelSpec, prng, tokenStats, type BenchData } from './common';

const SEED = 20240108;

/** Words (with repetition, so frequent words stay frequent) from sample/*.json texts. */
export function sampleWords(): string[] {
  const dir = join(ROOT, 'sample');
  const words: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const items = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { text?: unknown }[];
    for (const item of items) {
      if (typeof item.text !== 'string') continue;
      for (const raw of item.text.split(/\s+/)) {
        const word = raw.replace(/^[("'“‘]+|[)"'”’.,;:!?]+$/g, '');
        if (/^[A-Za-z][A-Za-z-]*$/.test(word) || /^\d+(\.\d+)?%?$/.test(word)) words.push(word);
      }
    }
  }
  if (words.length < 100) throw new Error(`too few words in ${dir} to build benchmark documents`);
  return words;
}

/** Builds every case's documents and encodes them with the engine's own CrossEncoder.encode. */
export async function buildData(): Promise<{ data: BenchData; words: number }> {
  env.allowRemoteModels = false;
  env.cacheDir = CACHE_DIR;
  const tokenizer = await AutoTokenizer.from_pretrained(MODEL_DIR, { local_files_only: true });
  const words = sampleWords();
  const wordTokens = new Map<string, number>();
  const tokensOf = (word: string): number => {
    let n = wordTokens.get(word);
    if (n === undefined) {
      n = tokenizer.encode(word, { add_special_tokens: false }).length;
      wordTokens.set(word, n);
    }
    return n;
  };
  // [CLS] query [SEP] document [SEP]
  const overhead = tokenizer.encode(QUERY, { add_special_tokens: false }).length + 3;
  const random = prng(SEED);
  const pick = () => words[Math.floor(random() * words.length)];

  const makeDoc = (target: number): string => {
    const budget = target - overhead;
    const out: string[] = [];
    let used = 0;
    let sentence = 0;
    let sentenceLength = 8 + Math.floor(random() * 14);
    while (used < budget) {
      let word = pick();
      if (sentence === 0) word = word[0].toUpperCase() + word.slice(1);
      used += tokensOf(word);
      sentence++;
      // Punctuation is one token of its own for a BERT tokenizer.
      if (sentence >= sentenceLength || used + 1 >= budget) {
        word += '.';
        used++;
        sentence = 0;
        sentenceLength = 8 + Math.floor(random() * 14);
      } else if (random() < 0.07 && used + 1 < budget) {
        word += ',';
        used++;
      }
      out.push(word);
    }
    return out.join(' ');
  };

  const encoder = await CrossEncoder.load(modelSpec('fp32'));
  try {
    const data: BenchData = { query: QUERY, cases: [] };
    for (const c of CASES) {
      const documents = Array.from({ length: c.pairs }, () =>
        makeDoc(c.minTokens + Math.floor(random() * (c.maxTokens - c.minTokens + 1))),
      );
      const encoded = encoder.encode(QUERY, documents);
      data.cases.push({ name: c.name, documents, encoded, tokens: tokenStats(encoded.map((p) => p.inputIds.length)) });
    }
    return { data, words: words.length };
  } finally {
    await encoder.dispose();
  }
}
