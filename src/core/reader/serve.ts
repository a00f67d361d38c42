/**
 * The reader worker's side: reads and parses one results file, keeps it, and hands its documents out
 * in chunks of about a megabyte of text. Plain core code; src/worker/reader.ts wires it to the port.
 */
import type { ResultsFile } from '../documents';
import { readResultsFile } from '../read-results';
import { CHUNK_LIMITS, READ_PERCENT, type ChunkLimits, type DocumentChunk, type ReaderHandlers } from './protocol';

interface Span {
  set: number;
  start: number;
  end: number;
}

/** Splits each result set into spans within the limits (a span holds at least one document, however long). */
export function chunkSpans(file: ResultsFile, limits: ChunkLimits = CHUNK_LIMITS): Span[] {
  const { chars, documents: docs } = limits;
  const spans: Span[] = [];
  file.resultSets.forEach((set, index) => {
    let start = 0;
    let size = 0;
    set.documents.forEach((doc, i) => {
      if (i > start && (size + doc.text.length > chars || i - start >= docs)) {
        spans.push({ set: index, start, end: i });
        start = i;
        size = 0;
      }
      size += doc.text.length;
    });
    if (start < set.documents.length) spans.push({ set: index, start, end: set.documents.length });
  });
  return spans;
}

export function readerHandlers(): ReaderHandlers {
  let file: ResultsFile | undefined;
  let spans: Span[] = [];
  return {
    read: async ({ path, name, maxBytes, fields, chunk }, { progress }) => {
      let last = -1;
      const report = (percent: number) => {
        const step = Math.floor(percent);
        if (step > last) progress({ phase: 'read', file: name, percent: (last = step) });
      };
      report(0);
      const { parsed, checked } = READ_PERCENT;
      file = await readResultsFile(path, {
        displayName: name,
        maxBytes,
        fields,
        onProgress: ({ done, total }) => report(parsed + ((checked - parsed) * done) / Math.max(total, 1)),
      });
      spans = chunkSpans(file, chunk);
      const header: ResultsFile = { ...file, documents: [], resultSets: file.resultSets.map((s) => ({ ...s, documents: [] })) };
      return { file: header, chunks: spans.length };
    },
    take: async ({ chunk }) => {
      const span = spans[chunk];
      if (!file || !span) throw new Error(`no chunk ${chunk} to take`);
      const part = file.resultSets[span.set].documents.slice(span.start, span.end);
      const ends: number[] = [];
      const documents: DocumentChunk['documents'] = [];
      let at = 0;
      for (const { text, ...rest } of part) {
        at += text.length;
        ends.push(at);
        documents.push(rest);
      }
      return { set: span.set, documents, texts: part.map((d) => d.text).join(''), ends };
    },
  };
}
