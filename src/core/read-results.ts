import { readFile, stat } from 'node:fs/promises';
import type { ResultsFile } from './documents';
import { InputError, positionAt } from './errors';
import { parseResults, type ParseOptions } from './parse';

/** Results files larger than this are refused with a message instead of exhausting memory (the CLI's --max-file-mb, rerankLens.maxFileSizeMB). */
export const DEFAULT_MAX_MB = 64;
/** V8 strings hold at most 2^29 - 24 characters, so a larger file could not be decoded anyway. */
export const LARGEST_MAX_MB = 500;
export const DEFAULT_MAX_BYTES = DEFAULT_MAX_MB * 1024 * 1024;

export interface ReadOptions extends ParseOptions {
  /** The name used in messages (defaults to the path). */
  displayName?: string;
  /** Files larger than this are refused before reading (default DEFAULT_MAX_BYTES). */
  maxBytes?: number;
}

/** "read hits.json as Qdrant points (120 documents)", or per query for a multi-query file. */
export function describeRead(r: ResultsFile): string {
  const count = (n: number) => `${n} document${n === 1 ? '' : 's'}`;
  if (r.resultSets.length === 1) return `read ${r.file} as ${r.label} (${count(r.documents.length)})`;
  const sizes = r.resultSets.map((s) => s.documents.length).join(' + ');
  return `read ${r.file} as ${r.label} (${r.resultSets.length} queries: ${sizes} documents)`;
}

/** The same file with another of its result sets selected (0-based), without parsing it again. */
export function selectResultSet(r: ResultsFile, index: number): ResultsFile {
  const set = r.resultSets[index];
  if (!set) {
    throw new InputError('bad-query', `${r.file} has ${r.resultSets.length} result sets; query index ${index} is out of range (0–${r.resultSets.length - 1}).`, r.file);
  }
  return { ...r, selected: index, query: set.query, documents: set.documents, scoreKind: set.scoreKind };
}

/** Reads and parses one results file. Never writes to it. */
export async function readResultsFile(path: string, options: ReadOptions = {}): Promise<ResultsFile> {
  const name = options.displayName ?? path;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      throw new InputError('is-directory', `${name} is a directory, not a results file.`, name);
    }
    size = info.size;
  } catch (err) {
    throw fsError(err, name);
  }
  if (size > maxBytes) {
    throw new InputError(
      'too-large',
      `${name} is ${mb(size)} MB; the limit is ${mb(maxBytes)} MB. Split it, or keep only the candidates you want to rerank.`,
      name,
    );
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw fsError(err, name);
  }
  return parseResults(decodeUtf8(bytes, name), name, options);
}

function decodeUtf8(bytes: Buffer, name: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const pos = positionAt(bytes.subarray(0, bad).toString('utf8'), Number.MAX_SAFE_INTEGER);
    throw new InputError(
      'not-utf8',
      `${name}:${pos.line}:${pos.column}: the file is not valid UTF-8 (byte ${bad}). Save it as UTF-8.`,
      name,
      { line: pos.line, column: pos.column },
    );
  }
}

/** Byte offset of the first byte that breaks UTF-8. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}

function fsError(err: unknown, name: string): InputError {
  if (err instanceof InputError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError('not-found', `${name} was not found.`, name);
  if (code === 'EISDIR') return new InputError('is-directory', `${name} is a directory, not a results file.`, name);
  if (code === 'EACCES' || code === 'EPERM') {
    return new InputError('unreadable', `${name} cannot be read: permission denied.`, name);
  }
  return new InputError('unreadable', `${name} cannot be read: ${(err as Error).message}`, name);
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
