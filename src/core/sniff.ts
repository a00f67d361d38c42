/**
 * Cheap looks at the start of a file: is it worth offering as retrieval results, and does it store a
 * query? Only the first few KB are ever read, so a workspace with large JSON files stays fast to scan.
 */
import { open as openFile } from 'node:fs/promises';

export const SNIFF_BYTES = 4096;

type Open = (path: string, flags: 'r') => Promise<{
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}>;

/** The first `bytes` bytes of a file as text (a character cut at the end is dropped). */
export async function readHead(path: string, bytes = SNIFF_BYTES, open: Open = openFile): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(bytes);
    let filled = 0;
    while (filled < bytes) {
      const { bytesRead } = await handle.read(buffer, filled, bytes - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return new TextDecoder().decode(buffer.subarray(0, filled), { stream: true }).replace(/^\ufeff/, '');
  } finally {
    await handle.close();
  }
}

/** Keys that only retrieval output has: an id beside a text field, or a known engine's envelope. */
const ID_KEY = /"(id|_id|id_|document\.id|chunk_id|doc_id)"\s*:/;
const TEXT_KEY = /"(text|page_content|content|chunk|body|passage|document|document\.content)"\s*:/;
const ENVELOPE =
  /"(hits|matches|points|source_nodes|retrieval\.documents(\.\d+)?|reranker\.(input|output)_documents|distances|metadatas|children|_additional|_distance|Get|resourceSpans)"\s*:|"ids"\s*:\s*\[/;

/** Whether the start of a JSON/JSONL file looks like retrieval results (any shape Rerank Lens reads). */
export function looksLikeResults(head: string): boolean {
  const start = head.trimStart();
  if (!start.startsWith('[') && !start.startsWith('{')) return false;
  return (ID_KEY.test(head) && TEXT_KEY.test(head)) || ENVELOPE.test(head);
}

/** The query stored at the top of a `{ "query": "…", "results": […] }` file, if its head shows one. */
export function storedQueryIn(head: string): string | undefined {
  const match = /^\s*\{\s*"query"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(head);
  if (!match) return undefined;
  try {
    return (JSON.parse(match[1]) as string).trim() || undefined;
  } catch {
    return undefined;
  }
}
