import type * as vscode from 'vscode';
import type { ChunkDocuments } from '../chunks';
import type { CurrentFiles } from '../current-files';
import type { RerankEngine } from '../engine';
import type { RerankSession } from '../session';
import type { StatusItem } from '../status';

/** What the `@rerank` participant works with: the same engine, tree and chunk documents as the commands. */
export interface ChatDeps {
  engine: RerankEngine;
  log: vscode.LogOutputChannel;
  status: StatusItem;
  chunks: ChunkDocuments;
  files: CurrentFiles;
  current: () => RerankSession | undefined;
  /** Puts a result in the Reranked Results view, leaving the focus in the chat. */
  show: (session: RerankSession) => void;
}

/** What every response of the participant returns as its result's metadata (tests read it; follow-ups use it). */
export interface RerankChatMetadata {
  command: 'answer' | 'rerank' | 'files' | 'ask' | 'help';
  outcome: 'answered' | 'reranked' | 'files-chosen' | 'cancelled' | 'failed' | 'help';
  query?: string;
  /** The top documents' ids, best first. */
  documents?: (string | number)[];
  /** How far scoring got (the last progress the worker reported). */
  scored?: { done: number; total: number };
  /** The model that answered (vendor/id). */
  model?: string;
  error?: string;
}

export type ChatOutcome = vscode.ChatResult & { metadata: RerankChatMetadata };
