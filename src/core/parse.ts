import type { ResultsFile } from './documents';
import { CancelledError, InputError } from './errors';
import { detect } from './formats/detect';
import { toResultSets } from './formats/normalize';
import type { ParseOptions } from './formats/options';
import { lineStarts, locate, MAX_DEPTH, positionIn, tooDeepAt, TooDeep, type Position } from './formats/positions';
import { shapeLabel } from './formats/shapes';
import { ShapeProblem, type Extraction } from './formats/types';
import type { Path } from './formats/values';
import { jsonSyntaxError } from './json-errors';

export { DEFAULT_TEXT_FIELDS, type FieldMapping, type ParseOptions, type ParseProgress } from './formats/options';

const JSONL_CHECK_EVERY = 4 * 1024 * 1024;

/**
 * Parses the text of one results file: a JSON array of documents, a `{ "query", "results" }`
 * wrapper, JSONL, or the output of one of the retrievers in formats/ (recognised from the content,
 * never the name). A pure function of its arguments, so a worker can run it; `file` is only used in
 * messages. Every failure is an InputError naming the file.
 */
export function parseResults(text: string, file: string, options: ParseOptions = {}): ResultsFile {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = body.length === text.length ? 0 : 1;
  if (!/\S/.test(body)) {
    throw new InputError('empty', `${file}: the file is empty. Expected a JSON array of documents or JSONL.`, file);
  }
  let root: unknown;
  let jsonl = /\.(jsonl|ndjson)$/i.test(file);
  if (!jsonl) {
    try {
      root = JSON.parse(body);
    } catch (err) {
      jsonl = looksLikeJsonl(body);
      if (!jsonl) throw jsonSyntaxError(body, file, (err as Error).message);
    }
  }
  let where: (path: Path) => Position;
  let extraction: Extraction;
  if (jsonl) {
    const lines = parseJsonl(body, file, options.signal);
    refuseDeep(body, file, tooDeepAt(body));
    extraction = recognise(lines.values, file, options);
    where = (path) => lines.positions[typeof path[0] === 'number' ? path[0] : 0] ?? { line: 1, column: 1 };
  } else {
    extraction = recognise(root, file, options);
    try {
      where = locate(body, extraction.sets.flatMap((s) => s.candidates.map((c) => c.path)));
    } catch (err) {
      if (err instanceof TooDeep) refuseDeep(body, file, err.offset);
      throw err;
    }
  }
  const located = (path: Path): Position => {
    const pos = where(path);
    return pos.line === 1 ? { line: 1, column: pos.column + shift } : pos;
  };
  const { sets, warnings } = toResultSets(extraction, file, located, options);
  // Weaviate's `Get: {}` or an empty `_msearch`: one empty set, so "no documents" is said once, by the merge.
  if (sets.length === 0) sets.push({ documents: [] });
  const selected = options.queryIndex ?? 0;
  if (!Number.isInteger(selected) || selected < 0 || selected >= sets.length) {
    throw new InputError(
      'bad-query',
      `${file} has ${sets.length} result set${sets.length === 1 ? '' : 's'}; query index ${selected} is out of range (0–${sets.length - 1}).`,
      file,
    );
  }
  const set = sets[selected];
  return {
    file,
    shape: extraction.shape,
    label: shapeLabel(extraction.shape, jsonl),
    query: set.query,
    documents: set.documents,
    scoreKind: set.scoreKind,
    resultSets: sets,
    selected,
    warnings,
  };
}

function recognise(root: unknown, file: string, options: ParseOptions): Extraction {
  try {
    return detect(root, options.fields?.resultsPath);
  } catch (err) {
    if (err instanceof ShapeProblem) throw new InputError('wrong-shape', `${file}: ${err.message}`, file);
    throw err;
  }
}

function refuseDeep(body: string, file: string, offset: number): void {
  if (offset < 0) return;
  const pos = positionIn(lineStarts(body), offset);
  throw new InputError(
    'wrong-shape',
    `${file}:${pos.line}:${pos.column}: the JSON is nested more than ${MAX_DEPTH} levels deep; results files are not that deep.`,
    file,
    pos,
  );
}

function looksLikeJsonl(body: string): boolean {
  const start = body.search(/\S/);
  if (body[start] !== '{') return false;
  // A single object spread over many lines is JSON; several lines each holding a whole object is JSONL.
  const end = body.indexOf('\n', start);
  try {
    return typeof JSON.parse(body.slice(start, end < 0 ? undefined : end)) === 'object';
  } catch {
    return false;
  }
}

function parseJsonl(body: string, file: string, signal?: AbortSignal): { values: unknown[]; positions: Position[] } {
  const values: unknown[] = [];
  const positions: Position[] = [];
  let offset = 0;
  let checked = 0;
  const lines = body.split('\n');
  lines.forEach((raw, i) => {
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (/\S/.test(lineText)) {
      try {
        values.push(JSON.parse(lineText));
      } catch (err) {
        throw jsonSyntaxError(lineText, file, (err as Error).message, { lines: i, offset });
      }
      positions.push({ line: i + 1, column: lineText.length - lineText.trimStart().length + 1 });
    }
    offset += raw.length + 1;
    if (offset - checked > JSONL_CHECK_EVERY) {
      checked = offset;
      if (signal?.aborted) throw new CancelledError();
    }
  });
  return { values, positions };
}
