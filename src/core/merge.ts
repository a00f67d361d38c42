import type { MergedDocument, MergedResults, ResultsFile } from './documents';
import { InputError } from './errors';

/**
 * Merges results files by id like the notebook's dict update: a document keeps the position of its
 * first appearance, a later file's text and metadata win, and every file it came from is kept.
 */
export function mergeResults(files: readonly ResultsFile[]): MergedResults {
  const byId = new Map<string, MergedDocument>();
  for (const file of files) {
    for (const doc of file.documents) {
      const key = String(doc.id);
      const source = { file: file.file, rank: doc.rank, score: doc.score, line: doc.line, column: doc.column };
      const existing = byId.get(key);
      if (existing) {
        existing.text = doc.text;
        existing.metadata = doc.metadata;
        existing.sources.push(source);
      } else {
        byId.set(key, {
          id: doc.id,
          text: doc.text,
          metadata: doc.metadata,
          originalRank: byId.size + 1,
          sources: [source],
        });
      }
    }
  }
  if (byId.size === 0) {
    const names = files.map((f) => f.file).join(', ');
    throw new InputError('no-documents', `No documents found in ${names || 'the given files'}.`, files[0]?.file);
  }
  return {
    documents: [...byId.values()],
    query: files.find((f) => f.query !== undefined)?.query,
    warnings: files.flatMap((f) => f.warnings),
  };
}
