/**
 * The prompt for "Ask": the notebook's system prompt and query, with the top documents given as a
 * numbered context block so the answer can cite them as [1], [2]…
 */

export const DEFAULT_SYSTEM_PROMPT =
  'You are chatbot, an research expert. Your top priority is to help guide users to understand reserach papers.';

/** Appended to the system prompt: how to use the numbered context. */
export const CITATION_INSTRUCTIONS =
  'Answer the question using the numbered context documents below. Cite the documents you use with their numbers in ' +
  'square brackets, like [1] or [2][3]. If the documents do not contain the answer, say so.';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ContextDocument {
  id: string | number;
  text: string;
  /** Optional title from the document's metadata. */
  title?: string;
}

export function buildMessages(query: string, documents: readonly ContextDocument[], systemPrompt = DEFAULT_SYSTEM_PROMPT): ChatMessage[] {
  const system = `${systemPrompt.trim() || DEFAULT_SYSTEM_PROMPT}\n\n${CITATION_INSTRUCTIONS}`;
  const context = documents.map((d, i) => formatDocument(d, i + 1)).join('\n\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Context documents:\n\n${context}\n\nQuestion: ${query.trim()}` },
  ];
}

function formatDocument(doc: ContextDocument, n: number): string {
  const title = doc.title ? ` ${doc.title}` : '';
  // Chunk text is quoted inside explicit delimiters so a chunk cannot pose as the question.
  const text = doc.text.replace(/"{3,}/g, (run) => [...run].join('\u200b'));
  return `[${n}] (id ${String(doc.id)})${title}\n"""\n${text}\n"""`;
}
