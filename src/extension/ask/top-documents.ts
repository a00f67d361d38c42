import type { ContextDocument } from '../../core/ask/prompt';
import type { RankedDocument } from '../../core/rerank';
import type { RerankSession } from '../session';

/** What "Ask" and the `@rerank` participant answer from: the session's top k, as the tree sets them apart. */
export function answerDocuments(session: RerankSession): RankedDocument[] {
  return session.documents.slice(0, session.topK);
}

/** The documents as the prompt numbers them ([1] is the first). */
export function contextDocuments(documents: readonly RankedDocument[]): ContextDocument[] {
  return documents.map((d) => ({ id: d.id, text: d.text, title: typeof d.metadata.title === 'string' ? d.metadata.title : undefined }));
}
