import type { DocumentSource, MergedDocument, MergedResults, ResultsFile } from './documents';
import { InputError } from './errors';

/**
 * Merges results files by id like the notebook's dict update: a document keeps the position of its
 * first appearance, a later file's text and metadata win, and every file it came from is kept. When
 * two files give one id different texts, the document records every version (`conflicts`) and a
 * warning names the id and both files, since the later text silently replacing the earlier one is
 * usually a sign of two different corpora sharing ids.
 */
export function mergeResults(files: readonly ResultsFile[]): MergedResults {
  const byId = new Map<string, MergedDocument>();
  const conflictWarnings: string[] = [];
  for (const file of files) {
    for (const doc of file.documents) {
      const key = String(doc.id);
      const source: DocumentSource = { file: file.file, rank: doc.rank, score: doc.score, line: doc.line, column: doc.column };
      if (doc.score !== undefined && file.scoreKind) source.scoreKind = file.scoreKind;
      const existing = byId.get(key);
      if (existing) {
        if (existing.text !== doc.text) {
          const previous = existing.sources[existing.sources.length - 1].file;
          existing.conflicts ??= [{ file: previous, text: existing.text }];
          existing.conflicts.push({ file: file.file, text: doc.text });
          conflictWarnings.push(
            `id ${JSON.stringify(doc.id)} has a different text in ${previous} and ${file.file}; kept the text from ${file.file} (the later file).`,
          );
        }
        existing.text = doc.text;
        existing.metadata = doc.metadata;
        existing.sources.push(source);
      } else {
        const merged: MergedDocument = {
          id: doc.id,
          text: doc.text,
          metadata: doc.metadata,
          originalRank: byId.size + 1,
          sources: [source],
        };
        if (doc.idDerived) merged.idDerived = true;
        byId.set(key, merged);
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
    warnings: [...files.flatMap((f) => f.warnings), ...conflictWarnings],
  };
}
