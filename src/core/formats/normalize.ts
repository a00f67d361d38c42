import { createHash } from 'node:crypto';
import type { ResultSet, RetrievedDocument, ScoreKind } from '../documents';
import { CancelledError, InputError } from '../errors';
import { DEFAULT_TEXT_FIELDS, type ParseOptions } from './options';
import { tooDeepAt, type Position } from './positions';
import type { Candidate, CandidateSet, Extraction } from './types';
import { getPath, isObject, kind, toNumber, type Json, type Path } from './values';

/*
 * The rules that make every shape one model: the text is the first present of the text fields on
 * the item, then in its payload/_source/fields/metadata/entity; the id is the item's own, else
 * metadata.id / chunk_id / doc_id, else a hash of the text (marked derived); scores keep their name
 * and direction; the rank is the position in the file.
 */

interface Context {
  file: string;
  locate: (path: Path) => Position;
  options: ParseOptions;
  textFields: readonly string[];
  warnings: string[];
}

export function toResultSets(extraction: Extraction, file: string, locate: (path: Path) => Position, options: ParseOptions): { sets: ResultSet[]; warnings: string[] } {
  const ctx: Context = {
    file,
    locate,
    options,
    textFields: options.fields?.textField ? [] : (options.fields?.textFields ?? DEFAULT_TEXT_FIELDS),
    warnings: (extraction.warnings ?? []).map((w) => `${file}: ${w}`),
  };
  const total = extraction.sets.reduce((sum, s) => sum + s.candidates.length, 0);
  const every = Math.max(1, options.progressEvery ?? 2000);
  let done = 0;
  const sets = extraction.sets.map((set): ResultSet => {
    const seen = new Set<string>();
    const documents: RetrievedDocument[] = [];
    set.candidates.forEach((candidate, index) => {
      if (++done % every === 0) {
        if (options.signal?.aborted) throw new CancelledError();
        options.onProgress?.({ done, total });
      }
      const doc = toDocument(candidate, index, set, ctx);
      const key = String(doc.id);
      if (seen.has(key)) {
        const what = doc.idDerived ? 'duplicate text' : `duplicate id ${JSON.stringify(doc.id)}`;
        ctx.warnings.push(`${file}:${doc.line}: ${what} (item ${index + 1}${inSet(set)}); kept the first.`);
        return;
      }
      seen.add(key);
      documents.push(doc);
    });
    return { label: set.label, query: readQuery(set, ctx), documents, scoreKind: scoreKind(set, documents, ctx) };
  });
  options.onProgress?.({ done, total });
  return { sets, warnings: ctx.warnings };
}

const inSet = (set: CandidateSet) => (set.label ? ` of ${set.label}` : '');

/** "file:line:col: item 3 of responses[1]", built only when a message needs it. */
class Where {
  constructor(
    private readonly ctx: Context,
    readonly pos: Position,
    private readonly index: number,
    private readonly set: CandidateSet,
    public id?: unknown,
  ) {}

  toString(): string {
    const idPart = this.id === undefined || this.id === null ? '' : ` (id ${JSON.stringify(this.id)})`;
    return `${this.ctx.file}:${this.pos.line}:${this.pos.column}: item ${this.index + 1}${inSet(this.set)}${idPart}`;
  }

  fail(message: string): InputError {
    return new InputError('wrong-shape', message, this.ctx.file, { line: this.pos.line, column: this.pos.column });
  }
}

function toDocument(c: Candidate, index: number, set: CandidateSet, ctx: Context): RetrievedDocument {
  const where = new Where(ctx, ctx.locate(c.path), index, set);
  if (!isObject(c.item)) throw where.fail(`${where} must be an object with "id" and "text", got ${kind(c.item)}.`);
  const item = c.item;
  const text = readText(c, item, where, ctx);
  const metadata = readMetadata(c, text, where, ctx);
  const { id, derived } = readId(c, item, metadata, text.text, where, ctx);
  if (!derived) where.id = id;
  const score = readScore(c, item, where, set, ctx);
  const doc: RetrievedDocument = { id, text: text.text, metadata, score, rank: index + 1, line: where.pos.line, column: where.pos.column };
  if (derived) doc.idDerived = true;
  return doc;
}

function readText(c: Candidate, item: Json, where: Where, ctx: Context): { text: string; key?: string } {
  const mapped = ctx.options.fields?.textField;
  if (mapped) {
    const found = getPath(item, mapped)?.value;
    if (typeof found === 'string') return { text: found };
    if (found === undefined || found === null) {
      throw where.fail(`${where} has no "${mapped}" (the text field you named). ${stringFields(item)}`);
    }
    throw where.fail(`${where}: "${mapped}" must be a string, got ${kind(found)}.`);
  }
  const [primary, ...rest] = c.textIn;
  if (isObject(primary)) {
    for (const key of ctx.textFields) {
      const v = primary[key];
      if (v === undefined || v === null) continue;
      if (typeof v === 'string') return { text: v, key };
      // Rerank APIs (Cohere, Jina, vLLM) answer {index, document: {text}, relevance_score}.
      if (isObject(v) && typeof v.text === 'string') return { text: v.text };
      throw where.fail(`${where}: "${key}" must be a string, got ${kind(v)}.`);
    }
  }
  for (const container of rest) {
    if (!isObject(container)) continue;
    for (const key of ctx.textFields) {
      const v = container[key];
      if (typeof v === 'string') return { text: v, key };
      // Elasticsearch `fields` hold every value in a list.
      if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return { text: v[0] };
    }
  }
  const names = ctx.textFields.map((f) => `"${f}"`);
  where.id = c.id;
  throw where.fail(
    `${where} is missing the field ${names[0] ?? '"text"'}${names.length > 1 ? ` (also looked for ${names.slice(1).join(', ')})` : ''}. ` +
      `${stringFields(item)} Name the text field with --text-field (CLI) or the rerankLens.fields setting.`,
  );
}

/** "Its string fields: "title", "payload.url"." — what the user could name as the text field. */
function stringFields(item: Json): string {
  const names: string[] = [];
  for (const [key, v] of Object.entries(item)) {
    if (typeof v === 'string') names.push(key);
    else if (isObject(v)) for (const [inner, w] of Object.entries(v)) if (typeof w === 'string') names.push(`${key}.${inner}`);
    if (names.length >= 8) break;
  }
  return names.length ? `Its string fields: ${names.slice(0, 8).map((n) => JSON.stringify(n)).join(', ')}.` : 'It has no string fields.';
}

const FALLBACK_IDS = [['item', 'chunk_id'], ['item', 'doc_id'], ['metadata', 'id'], ['metadata', 'chunk_id'], ['metadata', 'doc_id']] as const;

function readId(
  c: Candidate,
  item: Json,
  metadata: Json,
  text: string,
  where: Where,
  ctx: Context,
): { id: string | number; derived: boolean } {
  const mapped = ctx.options.fields?.idField;
  let raw: unknown;
  let name = 'id';
  if (mapped) {
    raw = getPath(item, mapped)?.value;
    name = mapped;
    if (raw === undefined || raw === null) throw where.fail(`${where} has no "${mapped}" (the id field you named).`);
  } else {
    raw = c.id;
    if (raw === undefined || raw === null || raw === '') {
      for (const [source, key] of FALLBACK_IDS) {
        raw = (source === 'item' ? item : metadata)[key];
        name = source === 'item' ? key : `metadata.${key}`;
        if (raw !== undefined && raw !== null && raw !== '') break;
      }
    }
  }
  if (raw === undefined || raw === null || raw === '') {
    return { id: `sha1:${createHash('sha1').update(text).digest('hex').slice(0, 16)}`, derived: true };
  }
  if (typeof raw === 'string' || (typeof raw === 'number' && Number.isFinite(raw))) return { id: raw, derived: false };
  throw where.fail(`${where}: "${name}" must be a string or a number, got ${kind(raw)}.`);
}

function readScore(c: Candidate, item: Json, where: Where, set: CandidateSet, ctx: Context): number | undefined {
  const mapped = ctx.options.fields?.scoreField;
  const raw = mapped ? getPath(item, mapped)?.value : c.score;
  if (raw === undefined || raw === null) return undefined;
  const n = toNumber(raw);
  if (n === undefined) throw where.fail(`${where}: "${mapped ?? set.score?.name ?? 'score'}" must be a number, got ${kind(raw)}.`);
  return n;
}

/** The item's metadata, less the text field when it holds the text too (Qdrant payloads, Weaviate properties, Milvus rows). */
function readMetadata(c: Candidate, text: { text: string; key?: string }, where: Where, ctx: Context): Json {
  let m = c.metadata;
  const name = c.metadataName ?? 'metadata';
  if (typeof m === 'string' && c.metadataIsJson) {
    // OpenInference stores metadata as a JSON string.
    try {
      m = tooDeepAt(m) < 0 ? JSON.parse(m) : undefined;
    } catch {
      m = undefined;
    }
    if (!isObject(m)) {
      ctx.warnings.push(`${where}: "${name}" is not a JSON object; ignored it.`);
      return {};
    }
  }
  if (m === undefined || m === null) return {};
  if (!isObject(m)) throw where.fail(`${where}: "${name}" must be an object, got ${kind(m)}.`);
  const key = text.key;
  return key !== undefined && m[key] === text.text ? Object.fromEntries(Object.entries(m).filter(([k]) => k !== key)) : { ...m };
}

function readQuery(set: CandidateSet, ctx: Context): string | undefined {
  const q = set.query;
  if (q === undefined || q === null) return undefined;
  if (typeof q !== 'string') {
    throw new InputError('wrong-shape', `${ctx.file}: "${set.queryName ?? 'query'}"${inSet(set)} must be a string, got ${kind(q)}.`, ctx.file);
  }
  return q.trim() || undefined;
}

/** The set's score kind: fixed by the format or the mapping, else read from the order (best first). */
function scoreKind(set: CandidateSet, documents: readonly RetrievedDocument[], ctx: Context): ScoreKind | undefined {
  const scores = documents.map((d) => d.score).filter((s): s is number => s !== undefined);
  if (scores.length === 0) return undefined;
  const fields = ctx.options.fields;
  const name = fields?.scoreField ?? set.score?.name ?? 'score';
  if (fields?.scoreDirection) return { name, direction: fields.scoreDirection, basis: 'mapping' };
  if (set.score?.direction && !fields?.scoreField) return { name, direction: set.score.direction, basis: 'format' };
  let down = 0;
  let up = 0;
  for (let i = 1; i < scores.length; i++) {
    if (scores[i] < scores[i - 1]) down++;
    else if (scores[i] > scores[i - 1]) up++;
  }
  if (up === down) return { name, direction: 'similarity', basis: 'assumed' };
  return { name, direction: up > down ? 'distance' : 'similarity', basis: 'order' };
}
