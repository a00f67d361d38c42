/**
 * Splits documents into requests that respect a server's limits: at most `maxTexts` texts and, where it
 * can, at most `maxBytes` of JSON body. A single document larger than `maxBytes` still goes alone (the
 * server may allow more than we assume; if not, its 413 names that document).
 */

/** The JSON bytes each text adds to a request body: its encoded string plus the comma before it. */
export function textBytes(texts: readonly string[]): number[] {
  return texts.map((t) => Buffer.byteLength(JSON.stringify(t)) + 1);
}

/**
 * Consecutive runs of document indices. `baseBytes` is the body with no texts; the order is kept so the
 * first requests hold the first documents (highest fused rank first, for progressive results).
 */
export function splitByLimits(sizes: readonly number[], baseBytes: number, maxTexts: number, maxBytes: number): number[][] {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = baseBytes;
  sizes.forEach((size, i) => {
    if (current.length > 0 && (current.length >= maxTexts || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = baseBytes;
    }
    current.push(i);
    bytes += size;
  });
  if (current.length) batches.push(current);
  return batches;
}
