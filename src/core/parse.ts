import { visit } from 'jsonc-parser';
import type { ResultsFile, RetrievedDocument } from './documents';
import { InputError } from './errors';
import { jsonSyntaxError } from './json-errors';

interface Located {
  value: unknown;
  /** 1-based line and column of the item's first character. */
  line: number;
  column: number;
}

/**
 * Parses the text of one results file: a JSON array of documents, a `{ "query", "results" }`
 * wrapper, or JSONL (one document per line). `file` is only used in messages.
 */
export function parseResults(text: string, file: string): ResultsFile {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const shift = body.length === text.length ? 0 : 1;
  if (body.trim() === '') {
    throw new InputError('empty', `${file}: the file is empty. Expected a JSON array of documents or JSONL.`, file);
  }
  const { items, query } = looksLikeJsonl(body, file) ? parseJsonl(body, file) : parseJson(body, file, shift);
  const warnings: string[] = [];
  const seen = new Set<string>();
  const documents: RetrievedDocument[] = [];
  items.forEach((item, index) => {
    const doc = toDocument(item, index, file);
    const key = String(doc.id);
    if (seen.has(key)) {
      warnings.push(`${file}:${item.line}: duplicate id ${JSON.stringify(doc.id)} (item ${index + 1}); kept the first.`);
      return;
    }
    seen.add(key);
    documents.push(doc);
  });
  return { file, query, documents, warnings };
}

function looksLikeJsonl(body: string, file: string): boolean {
  if (/\.(jsonl|ndjson)$/i.test(file)) return true;
  if (body.trimStart()[0] !== '{') return false;
  // A single object spread over many lines is JSON; several lines each holding a whole object is JSONL.
  try {
    JSON.parse(body);
    return false;
  } catch {
    const firstLine = body.trimStart().split('\n', 1)[0];
    try {
      return typeof JSON.parse(firstLine) === 'object';
    } catch {
      return false;
    }
  }
}

function parseJson(body: string, file: string, shift: number): { items: Located[]; query?: string } {
  let root: unknown;
  try {
    root = JSON.parse(body);
  } catch (err) {
    throw jsonSyntaxError(body, file, (err as Error).message);
  }
  let path: (string | number)[];
  let list: unknown;
  let query: string | undefined;
  if (Array.isArray(root)) {
    list = root;
    path = [];
  } else if (isObject(root) && Array.isArray(root.results)) {
    list = root.results;
    path = ['results'];
    if (root.query !== undefined && root.query !== null) {
      if (typeof root.query !== 'string') {
        throw new InputError('wrong-shape', `${file}: "query" must be a string, got ${kind(root.query)}.`, file);
      }
      query = root.query.trim() || undefined;
    }
  } else {
    throw new InputError(
      'wrong-shape',
      `${file}: expected a JSON array of documents, or an object with a "results" array; got ${describeRoot(root)}.`,
      file,
    );
  }
  const positions = itemPositions(body, path);
  const items = (list as unknown[]).map((value, i) => ({
    value,
    line: positions[i]?.line ?? 1,
    column: (positions[i]?.column ?? 1) + (positions[i]?.line === 1 ? shift : 0),
  }));
  return { items, query };
}

/** Where each element of the array at `path` starts, from one pass of VS Code's JSON scanner. */
function itemPositions(body: string, path: (string | number)[]): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  // Nesting level of an item: the root is level 1, so the array's items sit one below the path.
  const itemLevel = path.length + 2;
  let level = 0;
  const atItem = (line: number, character: number, pathSupplier: () => (string | number)[]) => {
    if (level !== itemLevel) return;
    const p = pathSupplier();
    if (path.every((part, i) => p[i] === part)) out.push({ line: line + 1, column: character + 1 });
  };
  visit(body, {
    onObjectBegin: (_o, _l, line, ch, ps) => {
      level++;
      atItem(line, ch, ps);
    },
    onObjectEnd: () => void level--,
    onArrayBegin: (_o, _l, line, ch, ps) => {
      level++;
      atItem(line, ch, ps);
    },
    onArrayEnd: () => void level--,
    onLiteralValue: (_v, _o, _l, line, ch, ps) => {
      level++;
      atItem(line, ch, ps);
      level--;
    },
  });
  return out;
}

function parseJsonl(body: string, file: string): { items: Located[]; query?: string } {
  const items: Located[] = [];
  let offset = 0;
  const lines = body.split('\n');
  lines.forEach((raw, i) => {
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineText.trim() !== '') {
      let value: unknown;
      try {
        value = JSON.parse(lineText);
      } catch (err) {
        throw jsonSyntaxError(lineText, file, (err as Error).message, { lines: i, offset });
      }
      const column = lineText.length - lineText.trimStart().length + 1;
      items.push({ value, line: i + 1, column });
    }
    offset += raw.length + 1;
  });
  return { items };
}

function toDocument(item: Located, index: number, file: string): RetrievedDocument {
  const where = `${file}:${item.line}:${item.column}: item ${index + 1}`;
  const v = item.value;
  if (!isObject(v)) {
    throw shapeError(file, item, `${where} must be an object with "id" and "text", got ${kind(v)}.`);
  }
  const id = v.id;
  if (id === undefined || id === null) {
    throw shapeError(file, item, `${where} is missing the field "id".`);
  }
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)))) {
    throw shapeError(file, item, `${where}: "id" must be a string or a number, got ${kind(id)}.`);
  }
  const textField = ['text', 'page_content', 'content'].find((k) => v[k] !== undefined);
  if (textField === undefined) {
    throw shapeError(file, item, `${where} (id ${JSON.stringify(id)}) is missing the field "text".`);
  }
  const text = v[textField];
  if (typeof text !== 'string') {
    throw shapeError(file, item, `${where} (id ${JSON.stringify(id)}): "${textField}" must be a string, got ${kind(text)}.`);
  }
  const metadata = v.metadata ?? {};
  if (!isObject(metadata)) {
    throw shapeError(file, item, `${where} (id ${JSON.stringify(id)}): "metadata" must be an object, got ${kind(metadata)}.`);
  }
  const score = v.score ?? undefined;
  if (score !== undefined && !(typeof score === 'number' && Number.isFinite(score))) {
    throw shapeError(file, item, `${where} (id ${JSON.stringify(id)}): "score" must be a number, got ${kind(score)}.`);
  }
  return { id, text, metadata, score, rank: index + 1, line: item.line, column: item.column };
}

function shapeError(file: string, item: Located, message: string): InputError {
  return new InputError('wrong-shape', message, file, { line: item.line, column: item.column });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)})`;
  return `${typeof v === 'number' ? 'a number' : `a ${typeof v}`} (${String(v)})`;
}

function describeRoot(root: unknown): string {
  if (isObject(root)) {
    const keys = Object.keys(root).slice(0, 5).map((k) => `"${k}"`);
    return keys.length ? `an object with ${keys.join(', ')}` : 'an empty object';
  }
  return kind(root);
}
