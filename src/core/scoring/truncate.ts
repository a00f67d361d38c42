/**
 * Query/document pair encoding with Hugging Face's default truncation.
 *
 * transformers.js truncates the already-joined pair and loses the final [SEP]; the Python tokenizers
 * (and so sentence-transformers' CrossEncoder) use `longest_first` on the two texts and keep
 * `[CLS] query [SEP] doc [SEP]` intact. Scores only match Python on long chunks if we do the same.
 */

/** How a tokenizer wraps a pair: the special tokens around and between the two texts. */
export interface PairTemplate {
  prefix: number[];
  middle: number[];
  suffix: number[];
  prefixTypes: number[];
  firstType: number;
  middleTypes: number[];
  secondType: number;
  suffixTypes: number[];
}

export interface EncodedPair {
  inputIds: number[];
  typeIds: number[];
}

export function specialTokenCount(t: PairTemplate): number {
  return t.prefix.length + t.middle.length + t.suffix.length;
}

/**
 * The lengths both texts keep so that the pair fits `budget` tokens (special tokens excluded).
 * Port of `truncate_encodings` with `LongestFirst` from the Rust tokenizers crate.
 */
export function longestFirstLengths(firstLen: number, secondLen: number, budget: number): [number, number] {
  if (firstLen + secondLen <= budget) return [firstLen, secondLen];
  let n1 = firstLen;
  let n2 = secondLen;
  const swap = n1 > n2;
  if (swap) [n1, n2] = [n2, n1];
  // n1 is now the shorter one: keep it whole if the longer one can take the rest.
  n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  return swap ? [n2, n1] : [n1, n2];
}

export function encodePair(query: number[], doc: number[], template: PairTemplate, maxLength: number): EncodedPair {
  const budget = Math.max(0, maxLength - specialTokenCount(template));
  const [qLen, dLen] = longestFirstLengths(query.length, doc.length, budget);
  const q = qLen === query.length ? query : query.slice(0, qLen);
  const d = dLen === doc.length ? doc : doc.slice(0, dLen);
  return {
    inputIds: [...template.prefix, ...q, ...template.middle, ...d, ...template.suffix],
    typeIds: [
      ...template.prefixTypes,
      ...q.map(() => template.firstType),
      ...template.middleTypes,
      ...d.map(() => template.secondType),
      ...template.suffixTypes,
    ],
  };
}

/**
 * Learns the template from how the tokenizer encodes a probe pair whose two texts are known tokens,
 * so it works for BERT (`[CLS] a [SEP] b [SEP]`) and RoBERTa-style (`<s> a </s></s> b </s>`) alike.
 */
export function templateFromProbe(
  first: number[],
  second: number[],
  pairIds: number[],
  pairTypes: number[] | undefined,
): PairTemplate {
  const i = indexOfRun(pairIds, first, 0);
  const j = i < 0 ? -1 : indexOfRun(pairIds, second, i + first.length);
  if (i < 0 || j < 0) throw new Error('Cannot work out how this tokenizer joins a query and a document.');
  const types = pairTypes ?? pairIds.map(() => 0);
  return {
    prefix: pairIds.slice(0, i),
    middle: pairIds.slice(i + first.length, j),
    suffix: pairIds.slice(j + second.length),
    prefixTypes: types.slice(0, i),
    firstType: types[i],
    middleTypes: types.slice(i + first.length, j),
    secondType: types[j],
    suffixTypes: types.slice(j + second.length),
  };
}

function indexOfRun(haystack: number[], run: number[], from: number): number {
  outer: for (let i = from; i + run.length <= haystack.length; i++) {
    for (let k = 0; k < run.length; k++) if (haystack[i + k] !== run[k]) continue outer;
    return i;
  }
  return -1;
}
