import { InputError } from '../errors';
import { jsonSyntaxError } from '../json-errors';
import { lineError, readLines, type FileOptions, type Line } from './lines';

/** A line of BEIR `corpus.jsonl`: `{"_id", "title"?, "text"}`. */
export interface CorpusDocument {
  id: string;
  title: string;
  text: string;
  line: number;
}

/** A line of BEIR `queries.jsonl`: `{"_id", "text"}`. */
export interface BeirQuery {
  id: string;
  text: string;
  line: number;
}

export interface BeirEntries<T> {
  /** By id, in file order. */
  entries: Map<string, T>;
  /** Duplicate ids (the first is kept). */
  warnings: string[];
}

/** Streams BEIR `corpus.jsonl` line by line; never holds the raw file. */
export function readBeirCorpus(path: string, options: FileOptions = {}): Promise<BeirEntries<CorpusDocument>> {
  const file = options.displayName ?? path;
  return collect(readLines(path, options), file, 'documents', (l) => parseCorpusLine(l, file));
}

/** Streams BEIR `queries.jsonl` line by line. */
export function readBeirQueries(path: string, options: FileOptions = {}): Promise<BeirEntries<BeirQuery>> {
  const file = options.displayName ?? path;
  return collect(readLines(path, options), file, 'queries', (l) => parseQueryLine(l, file));
}

/** One corpus line, or undefined for a blank line. */
export function parseCorpusLine(line: Line, file: string): CorpusDocument | undefined {
  const object = parseObject(line, file, '{"_id": "doc1", "title": "…", "text": "…"}');
  if (!object) return undefined;
  const id = idOf(object, line, file);
  const text = stringField(object, 'text', line, file, id);
  const title = object.title === undefined || object.title === null ? '' : stringField(object, 'title', line, file, id);
  return { id, title, text, line: line.line };
}

/** One queries line, or undefined for a blank line. */
export function parseQueryLine(line: Line, file: string): BeirQuery | undefined {
  const object = parseObject(line, file, '{"_id": "q1", "text": "…"}');
  if (!object) return undefined;
  const id = idOf(object, line, file);
  return { id, text: stringField(object, 'text', line, file, id), line: line.line };
}

async function collect<T extends { id: string; line: number }>(
  lines: AsyncIterable<Line>,
  file: string,
  what: string,
  parse: (line: Line) => T | undefined,
): Promise<BeirEntries<T>> {
  const entries = new Map<string, T>();
  const warnings: string[] = [];
  for await (const line of lines) {
    const entry = parse(line);
    if (!entry) continue;
    const first = entries.get(entry.id);
    if (first) warnings.push(`${file}:${entry.line}: duplicate _id ${JSON.stringify(entry.id)} (first on line ${first.line}); kept the first.`);
    else entries.set(entry.id, entry);
  }
  if (entries.size === 0) throw new InputError('empty', `${file}: no ${what} found. Expected one JSON object per line.`, file);
  return { entries, warnings };
}

function parseObject({ text, line }: Line, file: string, example: string): Record<string, unknown> | undefined {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw jsonSyntaxError(text, file, (err as Error).message, { lines: line - 1, offset: 0 });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw lineError('wrong-shape', file, line, `expected one JSON object per line, such as ${example}.`);
  }
  return value as Record<string, unknown>;
}

function idOf(object: Record<string, unknown>, { line }: Line, file: string): string {
  const id = object._id;
  if (typeof id === 'string' && id !== '') return id;
  if (typeof id === 'number' && Number.isFinite(id)) return String(id);
  const got = id === undefined ? 'it is missing' : `got ${JSON.stringify(id)}`;
  throw lineError('wrong-shape', file, line, `"_id" must be a non-empty string or a number; ${got}.`);
}

function stringField(object: Record<string, unknown>, field: string, { line }: Line, file: string, id: string): string {
  const value = object[field];
  if (typeof value === 'string') return value;
  const got = value === undefined ? 'it is missing' : `got ${value === null ? 'null' : typeof value}`;
  throw lineError('wrong-shape', file, line, `_id ${JSON.stringify(id)}: "${field}" must be a string; ${got}.`);
}
