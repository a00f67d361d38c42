/**
 * What a chunk's virtual document holds: a short header (rank, score and probability, id, movement,
 * standing, each source with its rank and score, metadata, the query), a rule, then the chunk's text
 * exactly as read. Pure (no `vscode`).
 */
import { movement, type RankedDocument } from '../core/rerank';
import { sourceMarkers } from '../core/source-markers';
import { describeThreshold, standing, type Cut } from '../core/threshold';

export const HEADER_RULE = '─'.repeat(48);

export interface ChunkContext {
  query: string;
  fileNames: readonly string[];
  documentCount: number;
  cut: Cut;
}

export interface RenderedChunk {
  content: string;
  /** Where the chunk's own text starts in `content` (after the header and the rule). */
  bodyOffset: number;
  headerLines: number;
}

export function renderChunk(doc: RankedDocument, ctx: ChunkContext): RenderedChunk {
  const header = chunkHeader(doc, ctx);
  const head = `${[...header, HEADER_RULE].join('\n')}\n`;
  return { content: head + doc.text, bodyOffset: head.length, headerLines: header.length + 1 };
}

export function chunkHeader(doc: RankedDocument, ctx: ChunkContext): string[] {
  const markers = sourceMarkers(ctx.fileNames);
  const where = standing(doc, ctx.cut);
  const cutWords =
    where === 'top'
      ? `in the top ${ctx.cut.topK}${ctx.cut.minScore !== null || ctx.cut.minProbability !== null ? ' and above the threshold' : ''}: sent to Ask`
      : where === 'below-top-k'
        ? `below the top ${ctx.cut.topK}`
        : `below the threshold (${describeThreshold(ctx.cut)}): not sent to Ask`;
  const lines = [
    ctx.cut.scoreKind === 'probability'
      ? `#${doc.rank} of ${ctx.documentCount} · probability ${doc.score.toFixed(4)} (the reranker's 0–1 relevance score) · id ${String(doc.id)}`
      : `#${doc.rank} of ${ctx.documentCount} · score ${doc.score.toFixed(4)} (raw logit) · probability ${doc.probability.toFixed(4)} · id ${String(doc.id)}`,
    `${moved(doc)} · ${cutWords}`,
    ...doc.sources.map((s) => {
      const marker = markers.get(s.file);
      return `${marker ? `${marker} ` : ''}${s.file}: rank ${s.rank}${s.score === undefined ? '' : `, score ${s.score}`}`;
    }),
  ];
  const metadata = Object.entries(doc.metadata).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  if (metadata.length) lines.push(metadata.join(' · '));
  lines.push(`Query: ${ctx.query}`);
  return lines.map((l) => l.replace(/[\r\n]+/g, ' '));
}

function moved(doc: RankedDocument): string {
  const m = movement(doc.originalRank, doc.rank);
  return m === '=' ? `Same place as in the merged input (#${doc.originalRank})` : `Moved ${m} from #${doc.originalRank} in the merged input`;
}
