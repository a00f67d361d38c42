/**
 * What the tree shows of one query's relevance labels, computed from the judgments already loaded (no
 * I/O): each document's label and where it was read, the query's metrics before and after reranking,
 * and the relevant documents that crossed the top-k cut. Pure (no `vscode` values).
 */
import { labelSummary, mergeLabels, type Label, type LabelLayer, type LabelSummary, type QueryId } from '../../core/eval/query-labels';
import type { RankedDocument } from '../../core/rerank';
import type { CutMove } from './grades';

export interface LabelInputs {
  queryId: QueryId;
  /** Where labels come from, lowest precedence first: a later layer wins for the same document. */
  layers: readonly LabelLayer[];
  /** The labels file "Mark relevance" writes (its marks can be cleared), by display name. */
  own: string;
  /** Cut-off of the metrics (rerankLens.eval.k) and the top-k cut of the tree (rerankLens.topK). */
  k: number;
  cut: number;
  /** What could not be read (a broken labels file, a bad label field), said in the query row's tooltip. */
  problems: readonly string[];
}

export interface TreeLabels {
  queryId: QueryId;
  /** Every judgment of the query (also of documents not in the list), by document id. */
  labels: ReadonlyMap<string, Label>;
  own: string;
  /** The layers that judged this query, in precedence order (lowest first). */
  sources: string[];
  /** Undefined when no judgment is relevant (grade > 0). */
  summary: LabelSummary | undefined;
  /** Relevant documents that crossed the top-k cut, by document id. */
  moves: ReadonlyMap<string, CutMove>;
  problems: readonly string[];
}

/**
 * The labels of a result's documents; undefined when nothing judges this query and nothing failed to
 * load (the tree then looks exactly as without labels).
 */
export function treeLabels(docs: readonly Pick<RankedDocument, 'id' | 'rank' | 'originalRank'>[], inputs: LabelInputs): TreeLabels | undefined {
  const labels = mergeLabels(inputs.layers);
  if (labels.size === 0 && inputs.problems.length === 0) return undefined;
  const judged = new Map([...labels].map(([id, label]) => [id, label.grade]));
  const byRank = [...docs].sort((a, b) => a.rank - b.rank).map((d) => String(d.id));
  const byInput = [...docs].sort((a, b) => a.originalRank - b.originalRank).map((d) => String(d.id));
  const summary = labelSummary({ input: byInput, reranked: byRank }, judged, { k: inputs.k, cut: inputs.cut });
  const moves = new Map<string, CutMove>([
    ...(summary?.movedAbove ?? []).map((id) => [id, 'above'] as const),
    ...(summary?.movedBelow ?? []).map((id) => [id, 'below'] as const),
  ]);
  const sources = inputs.layers.filter((l) => l.judged && l.judged.size > 0).map((l) => l.source);
  return { queryId: inputs.queryId, labels, own: inputs.own, sources, summary, moves, problems: inputs.problems };
}
