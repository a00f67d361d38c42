/**
 * One score-cache shard on disk: every cached score of one (reranker, model, revision, dtype, max length,
 * query), so re-ranking a query reads one small file. Binary, little-endian, loaded with a single read:
 *
 *   "RLSC" | version u32 | count u32 | context bytes u32 | context (UTF-8 JSON) | zero padding to 8 bytes
 *   count x 32-byte sha256 of a document's text
 *   count x float64 score (the exact value scored, float32 logits included)
 *   count x float64 last use (ms since epoch), for trimming a shard that outgrows the cache on its own
 *   sha256 of everything above (a torn or corrupted file is detected, never half-read)
 */
import { createHash } from 'node:crypto';

const MAGIC = 0x43534c52; // "RLSC" read as a little-endian u32
export const SHARD_VERSION = 1;
const HEADER = 16;
const HASH = 32;
const CHECKSUM = 32;
/** Bytes per entry; also used to estimate a shard's entries from its size without opening it. */
export const ENTRY_BYTES = HASH + 8 + 8;

export interface ShardEntries {
  /** Document hashes as 32-character latin1 strings (cheap Map keys), in file order. */
  hashes: string[];
  scores: Float64Array;
  lastUsed: Float64Array;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

export function encodeShard(context: string, entries: ShardEntries): Buffer {
  const n = entries.hashes.length;
  const contextBytes = Buffer.from(context, 'utf8');
  const start = HEADER + contextBytes.length + pad8(HEADER + contextBytes.length);
  const body = start + n * ENTRY_BYTES;
  const buf = Buffer.alloc(body + CHECKSUM);
  buf.writeUInt32LE(MAGIC, 0);
  buf.writeUInt32LE(SHARD_VERSION, 4);
  buf.writeUInt32LE(n, 8);
  buf.writeUInt32LE(contextBytes.length, 12);
  contextBytes.copy(buf, HEADER);
  entries.hashes.forEach((h, i) => buf.write(h, start + i * HASH, HASH, 'latin1'));
  const floats = start + n * HASH;
  for (let i = 0; i < n; i++) {
    buf.writeDoubleLE(entries.scores[i], floats + i * 8);
    buf.writeDoubleLE(entries.lastUsed[i], floats + (n + i) * 8);
  }
  createHash('sha256').update(buf.subarray(0, body)).digest().copy(buf, body);
  return buf;
}

/** Reads a shard written for `context`; returns why not when the file is not one (the caller warns and ignores it). */
export function decodeShard(buf: Buffer, context: string): ShardEntries | { problem: string } {
  if (buf.length < HEADER + CHECKSUM || buf.readUInt32LE(0) !== MAGIC) return { problem: 'not a score cache file' };
  const version = buf.readUInt32LE(4);
  if (version !== SHARD_VERSION) return { problem: `format version ${version}, expected ${SHARD_VERSION}` };
  const n = buf.readUInt32LE(8);
  const contextLength = buf.readUInt32LE(12);
  const start = HEADER + contextLength + pad8(HEADER + contextLength);
  const body = start + n * ENTRY_BYTES;
  if (buf.length !== body + CHECKSUM) return { problem: `${buf.length} bytes where ${body + CHECKSUM} were expected (truncated?)` };
  const digest = createHash('sha256').update(buf.subarray(0, body)).digest();
  if (!digest.equals(buf.subarray(body))) return { problem: 'checksum mismatch (corrupted)' };
  // Shard names are hashes of the context; a different context means a collision or a foreign file.
  if (buf.toString('utf8', HEADER, HEADER + contextLength) !== context) return { problem: 'written for another query or model' };
  const hashes = new Array<string>(n);
  for (let i = 0; i < n; i++) hashes[i] = buf.toString('latin1', start + i * HASH, start + (i + 1) * HASH);
  const floats = start + n * HASH;
  // Copy out (the file buffer's offset need not be 8-byte aligned for a Float64Array view).
  const scores = new Float64Array(n);
  const lastUsed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    scores[i] = buf.readDoubleLE(floats + i * 8);
    lastUsed[i] = buf.readDoubleLE(floats + (n + i) * 8);
  }
  return { hashes, scores, lastUsed };
}

/** sha256 of a document's text as a 32-character latin1 string: the key of its score within a shard. */
export function documentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('binary');
}
