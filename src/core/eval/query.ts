import { InputError } from '../errors';
import type { CandidateDocument, EvalFiles, EvalSettings } from '../../shared/eval-types';
import type { RerankScoreKind } from '../../shared/reranker-spec';
import type { ScoreTimings } from '../../shared/worker-protocol';
import { documentText, loadEvalData } from './inputs';
import { buildCandidates, type BatchScorer, type EvaluationOptions } from './pipeline';

export interface QueryRerank {
  query: string;
  documents: CandidateDocument[];
  /** The reranker's scores, one per document, the same as the evaluation's for this query. */
  scores: number[];
  scoreKind: RerankScoreKind;
  timings: ScoreTimings;
}

/**
 * One query of an evaluation, reranked on its own: the same candidates (each run's top n, merged in run
 * order) and the same texts as `runEvaluation`, so its scores are the ones the report was computed from.
 */
export async function rerankQuery(
  files: EvalFiles,
  settings: EvalSettings,
  queryId: string,
  scorer: BatchScorer,
  options: Omit<EvaluationOptions, 'scorer'> = {},
): Promise<QueryRerank> {
  const data = await loadEvalData(files, options);
  const candidates = buildCandidates(data, settings.topN).find((c) => c.queryId === queryId);
  if (!candidates) {
    throw new InputError('unknown-id', `Query ${queryId} is not in any of the runs (${files.runs.map((r) => r.name).join(', ')}).`);
  }
  const documents: CandidateDocument[] = candidates.docIds.map((id) => {
    const doc = data.corpus.get(id)!;
    const sources = data.runs.flatMap((run) => {
      const list = run.rankings.get(queryId) ?? [];
      const index = list.findIndex((d) => d.docId === id);
      if (index < 0) return [];
      const { score, line, column } = list[index];
      return [{ file: run.name, rank: index + 1, score, line, column }];
    });
    return { id, title: doc.title, text: doc.text, sources };
  });
  const { scores, timings, scoreKind } = await scorer([{ query: candidates.query, documents: documents.map(documentText) }], options);
  return {
    query: candidates.query,
    documents,
    scores: scores[0],
    scoreKind: scoreKind ?? 'logit',
    timings: timings ?? { loadMs: 0, tokenizeMs: 0, inferenceMs: 0 },
  };
}
