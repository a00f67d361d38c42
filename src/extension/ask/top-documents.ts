import type { ContextDocument } from '../../core/ask/prompt';
import type { RankedDocument } from '../../core/rerank';
import { applyCut, describeThreshold } from '../../core/threshold';
import type { RerankSession } from '../session';

/**
 * What "Ask" and the `@rerank` participant answer from: what clears every cut (the top k, and of those the
 * ones above the threshold settings), as the tree stars them. Empty when nothing clears the threshold.
 */
export function answerDocuments(session: RerankSession): RankedDocument[] {
  return applyCut(session.documents, { topK: session.topK, ...session.threshold }).kept;
}

/** Why there is nothing to answer from (answerDocuments is empty), and what to change. */
export function nothingToAsk(session: RerankSession): string {
  return (
    `no document is above the threshold (${describeThreshold(session.threshold)}), so there is nothing to ask about. ` +
    'Lower rerankLens.minScore or rerankLens.minProbability.'
  );
}

/** The documents as the prompt numbers them ([1] is the first). */
export function contextDocuments(documents: readonly RankedDocument[]): ContextDocument[] {
  return documents.map((d) => ({ id: d.id, text: d.text, title: typeof d.metadata.title === 'string' ? d.metadata.title : undefined }));
}
