/**
 * Relevance labels for one reranked query, as the editor's tree shows them: which query id the labels
 * are filed under, the judgments merged from every place they come from, the query's metrics in the
 * input order and in the reranked order, and which relevant documents the reranker moved across the
 * top-k cut. Pure: the tree calls it whenever a label, the results or a setting changes.
 */
import { createHash } from 'node:crypto';
import { queryMetrics, type Judgments, type Metrics } from './metrics';

export interface QueryId {
  id: string;
  /** `evaluation`: the id of the same query text in the open evaluation's queries; `derived`: made from the text. */
  from: 'evaluation' | 'derived';
}

/** What counts as the same query: Unicode-normalized, trimmed, whitespace runs as one space, case ignored. */
export function normalizeQueryText(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().toLowerCase();
}

/**
 * A stable id for a query that no evaluation names: `q-` and the first 12 hex digits of the SHA-256 of
 * its normalized text. The same text gives the same id in every session and on every machine, and it
 * holds no tab, space or newline, so both BEIR and TREC qrels can store it.
 */
export function derivedQueryId(text: string): string {
  return `q-${createHash('sha256').update(normalizeQueryText(text)).digest('hex').slice(0, 12)}`;
}

/**
 * The id to file a query's labels under: the id the evaluation's queries give the same text (the first
 * one, in their order), else the derived id.
 */
export function queryIdFor(text: string, known: Iterable<readonly [id: string, text: string]> = []): QueryId {
  const wanted = normalizeQueryText(text);
  for (const [id, other] of known) if (normalizeQueryText(other) === wanted) return { id, from: 'evaluation' };
  return { id: derivedQueryId(text), from: 'derived' };
}

/** A judgment and where it was read. */
export interface Label {
  grade: number;
  source: string;
}

/** One place labels come from: its name (a file, or a field of the results) and its judgments of this query. */
export interface LabelLayer {
  source: string;
  judged: Judgments | undefined;
}

/** The judgments of every layer in one map; a later layer wins over an earlier one for the same document. */
export function mergeLabels(layers: readonly LabelLayer[]): Map<string, Label> {
  const out = new Map<string, Label>();
  for (const { source, judged } of layers) for (const [docId, grade] of judged ?? []) out.set(docId, { grade, source });
  return out;
}

export interface LabelSummary {
  /** Cut-off of the @k metrics. */
  k: number;
  /** Metrics of the input order (what the reranker was given) and of the reranked order. */
  input: Metrics;
  reranked: Metrics;
  /** Judged documents of the query (also those not in the list), and how many of them are relevant (grade > 0). */
  judged: number;
  relevant: number;
  /** The top-k cut the moves are measured against (the tree's top k). */
  cut: number;
  /** Relevant documents in the reranked top `cut` that were below it in the input order, in reranked order. */
  movedAbove: string[];
  /** Relevant documents in the input's top `cut` that the reranker put below it, in reranked order. */
  movedBelow: string[];
}

/**
 * The metrics of one query before and after reranking, and the relevant documents that crossed the
 * top-`cut` line. `input` and `reranked` are the same document ids in two orders. Undefined when the
 * query has no relevant judgment (it would be skipped in an evaluation, and its metrics are all 0).
 */
export function labelSummary(
  orders: { input: readonly string[]; reranked: readonly string[] },
  judged: Judgments,
  options: { k: number; cut: number },
): LabelSummary | undefined {
  let relevant = 0;
  for (const grade of judged.values()) if (grade > 0) relevant++;
  if (relevant === 0) return undefined;
  const before = positions(orders.input);
  const movedAbove: string[] = [];
  const movedBelow: string[] = [];
  for (const [id, i] of positions(orders.reranked)) {
    if ((judged.get(id) ?? 0) <= 0) continue;
    const was = before.get(id);
    const wasIn = was !== undefined && was < options.cut;
    const isIn = i < options.cut;
    if (isIn && !wasIn) movedAbove.push(id);
    if (wasIn && !isIn) movedBelow.push(id);
  }
  return {
    k: options.k,
    input: queryMetrics(orders.input, judged, options.k),
    reranked: queryMetrics(orders.reranked, judged, options.k),
    judged: judged.size,
    relevant,
    cut: options.cut,
    movedAbove,
    movedBelow,
  };
}

/** Each id's first position (a list naming an id twice counts it once, as the metrics do), in list order. */
function positions(ids: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!out.has(id)) out.set(id, i);
  });
  return out;
}
