import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { CancelledError, InputError } from '../errors';
import { DEFAULT_MAX_BYTES, firstInvalidUtf8 } from '../read-results';

/** One line of a text file: its text without the line break, and its 1-based number. */
export interface Line {
  text: string;
  line: number;
}

export interface FileOptions {
  /** The name used in messages (defaults to the path). */
  displayName?: string;
  /** Checked between chunks, so a huge corpus stops reading when the user cancels. */
  signal?: AbortSignal;
}

/** The lines of a text, numbered from 1, without `\n` / `\r\n` and without a leading BOM. */
export function* splitLines(text: string): Generator<Line> {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let start = 0;
  let line = 1;
  while (start < body.length) {
    const end = body.indexOf('\n', start);
    const stop = end < 0 ? body.length : end;
    yield { text: stripCr(body.slice(start, stop)), line };
    line++;
    start = stop + 1;
  }
}

/**
 * Streams the lines of a UTF-8 file without holding it whole, so corpora of any size can be read.
 * Bytes are split on `\n` before decoding, which keeps line numbers exact even when a line is not UTF-8.
 */
export async function* readLines(path: string, options: FileOptions = {}): AsyncGenerator<Line> {
  const name = options.displayName ?? path;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes: Buffer, line: number): string => {
    try {
      const text = stripCr(decoder.decode(bytes));
      return line === 1 && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      const column = bytes.subarray(0, firstInvalidUtf8(bytes)).toString('utf8').length + 1;
      throw new InputError('not-utf8', `${name}:${line}:${column}: the line is not valid UTF-8. Save the file as UTF-8.`, name, {
        line,
        column,
      });
    }
  };
  let rest: Buffer = Buffer.alloc(0);
  let line = 1;
  try {
    for await (const chunk of createReadStream(path)) {
      if (options.signal?.aborted) throw new CancelledError();
      let data = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let newline = data.indexOf(10);
      while (newline >= 0) {
        yield { text: decode(data.subarray(0, newline), line), line };
        line++;
        data = data.subarray(newline + 1);
        newline = data.indexOf(10);
      }
      rest = Buffer.from(data);
    }
  } catch (err) {
    throw fileError(err, name);
  }
  if (rest.length) yield { text: decode(rest, line), line };
}

/** Reads a whole UTF-8 text file (qrels, runs), refusing files over the size limit with a message. */
export async function readTextFile(path: string, options: FileOptions & { maxBytes?: number } = {}): Promise<string> {
  const name = options.displayName ?? path;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError('is-directory', `${name} is a directory, not a file.`, name);
    if (info.size > maxBytes) {
      const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);
      throw new InputError('too-large', `${name} is ${mb(info.size)} MB; the limit is ${mb(maxBytes)} MB.`, name);
    }
    bytes = await readFile(path);
  } catch (err) {
    throw fileError(err, name);
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad < bytes.length) {
    const before = bytes.subarray(0, bad).toString('utf8');
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    throw new InputError('not-utf8', `${name}:${line}:${column}: the file is not valid UTF-8. Save it as UTF-8.`, name, {
      line,
      column,
    });
  }
  return bytes.toString('utf8');
}

/** Turns a file-system error into a message naming the file; input and cancellation errors pass through. */
export function fileError(err: unknown, name: string): Error {
  if (err instanceof InputError || err instanceof CancelledError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError('not-found', `${name} was not found.`, name);
  if (code === 'EISDIR') return new InputError('is-directory', `${name} is a directory, not a file.`, name);
  if (code === 'EACCES' || code === 'EPERM') return new InputError('unreadable', `${name} cannot be read: permission denied.`, name);
  return new InputError('unreadable', `${name} cannot be read: ${(err as Error).message}`, name);
}

/** `file:line: message`, as every eval reader reports a bad line. */
export function lineError(code: 'wrong-shape' | 'wrong-format' | 'invalid-json' | 'unknown-id', file: string, line: number, message: string): InputError {
  return new InputError(code, `${file}:${line}: ${message}`, file, { line, column: 1 });
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
