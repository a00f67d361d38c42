import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isChatError, type ChatError } from '../../core/ask/chat';
import { buildMessages, type ContextDocument } from '../../core/ask/prompt';
import { applyCut, describeThreshold } from '../../core/threshold';
import type { ErrorAction, Turn } from '../../shared/answer-protocol';
import { documentLabels } from '../labels';
import type { RerankSession } from '../session';
import { readAskConfig, needsKey } from './ask-config';
import { MAX_TURNS, type AnswerPanel, type PanelRequest } from './answer-panel';
import type { ApiKeys } from './api-key';

export interface AskDeps {
  panel: AnswerPanel;
  keys: ApiKeys;
  log: vscode.LogOutputChannel;
  current: () => RerankSession | undefined;
  /** Reveals a document of the current results in the tree and opens its chunk. */
  revealDocument: (id: string | number) => Promise<boolean>;
}

interface AskContext {
  query: string;
  documents: ContextDocument[];
}

const ACTIONS: Partial<Record<ChatError['kind'], ErrorAction>> = {
  auth: 'setKey',
  'model-not-found': 'openSettings',
  network: 'openSettings',
  'bad-request': 'openSettings',
  'rate-limit': 'retry',
  server: 'retry',
  timeout: 'retry',
  'stream-cut': 'retry',
};

/**
 * "Ask": sends the query and the top-k reranked documents to the chat model and streams the reply
 * into the answer panel. The openai SDK is only loaded on the first question.
 */
export class AskController implements vscode.Disposable {
  private readonly running = new Map<string, AbortController>();
  private readonly contexts = new Map<string, AskContext>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly deps: AskDeps) {
    this.subscription = deps.panel.onMessage((m) => void this.onWebviewMessage(m));
  }

  async ask(query?: string): Promise<Turn | undefined> {
    const session = this.deps.current();
    if (!session) {
      const rerank = 'Rerank results';
      const answer = await vscode.window.showInformationMessage('Rerank Lens: rerank some results first; Ask uses the top documents.', rerank);
      if (answer === rerank) await vscode.commands.executeCommand('rerankLens.rerank');
      return undefined;
    }
    // Only what clears every cut: the top k, and of those the ones above the threshold settings.
    const top = applyCut(session.documents, { topK: session.topK, ...session.threshold }).kept;
    if (top.length === 0) {
      const open = 'Open Settings';
      void vscode.window
        .showWarningMessage(
          `Rerank Lens: no document is above the threshold (${describeThreshold(session.threshold)}), so there is nothing to ask about. ` +
            'Lower rerankLens.minScore or rerankLens.minProbability.',
          open,
        )
        .then((answer) => answer === open && vscode.commands.executeCommand('workbench.action.openSettings', 'rerankLens.min'));
      return undefined;
    }
    const labels = documentLabels(session.documents);
    const documents: ContextDocument[] = top.map((d) => ({
      id: d.id,
      text: d.text,
      title: typeof d.metadata.title === 'string' ? d.metadata.title : undefined,
    }));
    const turn: Turn = {
      id: randomUUID(),
      query: (query ?? session.query).trim() || session.query,
      model: readAskConfig().model,
      documents: top.map((d, i) => ({ n: i + 1, id: d.id, label: labels.get(d) ?? String(d.id), score: d.score })),
      answer: '',
      status: 'streaming',
      startedAt: Date.now(),
    };
    this.remember(turn.id, { query: turn.query, documents });
    return this.run(turn, documents);
  }

  private async run(turn: Turn, documents: ContextDocument[]): Promise<Turn> {
    const { panel, keys, log } = this.deps;
    const config = readAskConfig();
    panel.show();
    await panel.startTurn(turn);
    const key = await keys.get();
    if (!key && needsKey(config.baseURL)) {
      return this.finish(turn, '', 'error', {
        message: `No API key for ${config.baseURL}. Set one with "Rerank Lens: Set API Key" (or OPENAI_API_KEY in the environment).`,
        action: 'setKey',
      });
    }
    const abort = new AbortController();
    this.running.set(turn.id, abort);
    void vscode.commands.executeCommand('setContext', 'rerankLens.asking', true);
    let answer = '';
    log.info(`Asking ${config.model} at ${config.baseURL} with ${documents.length} documents (key from ${key?.from ?? 'nowhere'})`);
    try {
      const { streamChat } = await import('../../core/ask/chat');
      const result = await streamChat(
        { baseURL: config.baseURL, model: config.model, apiKey: key?.key, temperature: config.temperature, maxTokens: config.maxTokens },
        buildMessages(turn.query, documents, config.systemPrompt),
        {
          signal: abort.signal,
          onDelta: (text) => {
            answer += text;
            panel.delta(turn.id, text);
          },
        },
      );
      log.info(`Answer: ${result.text.length} characters, finish reason ${result.finishReason ?? 'unknown'}`);
      return await this.finish(turn, result.text, 'done');
    } catch (err) {
      if (!isChatError(err)) {
        log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        return await this.finish(turn, answer, 'error', { message: `Ask failed: ${err instanceof Error ? err.message : String(err)}` });
      }
      if (err.kind === 'cancelled') {
        log.info('Ask stopped.');
        return await this.finish(turn, answer, 'stopped');
      }
      log.warn(`Ask failed (${err.kind}): ${err.message}`);
      return await this.finish(turn, err.partial || answer, 'error', { message: err.message, action: ACTIONS[err.kind] });
    } finally {
      this.running.delete(turn.id);
      if (this.running.size === 0) void vscode.commands.executeCommand('setContext', 'rerankLens.asking', false);
    }
  }

  /** Stops every answer still streaming; true if there was one. */
  stopAll(): boolean {
    const any = this.running.size > 0;
    for (const abort of this.running.values()) abort.abort();
    return any;
  }

  private async finish(turn: Turn, answer: string, status: Turn['status'], error?: Turn['error']): Promise<Turn> {
    await this.deps.panel.endTurn(turn.id, answer, status, error);
    return { ...turn, answer, status, error };
  }

  private async onWebviewMessage(message: PanelRequest): Promise<void> {
    const turn = this.deps.panel.turns.find((t) => t.id === message.turnId);
    switch (message.type) {
      case 'stop':
        this.running.get(message.turnId)?.abort();
        return;
      case 'copy':
        if (turn) await vscode.env.clipboard.writeText(turn.answer);
        vscode.window.setStatusBarMessage('$(copy) Answer copied', 2000);
        return;
      case 'regenerate':
        await this.regenerate(message.turnId);
        return;
      case 'cite': {
        const doc = turn?.documents.find((d) => d.n === message.n);
        if (doc && !(await this.deps.panel.keepVisibleWhile(() => this.deps.revealDocument(doc.id)))) {
          void vscode.window.showInformationMessage(`Rerank Lens: document ${String(doc.id)} is not in the current results any more.`);
        }
        return;
      }
      case 'action':
        if (message.action === 'setKey') await vscode.commands.executeCommand('rerankLens.setApiKey');
        else if (message.action === 'openSettings') await vscode.commands.executeCommand('workbench.action.openSettings', 'rerankLens.ask');
        else await this.regenerate(message.turnId);
        return;
    }
  }

  /** Asks again with the same query and documents (after a reload, with the current results). */
  async regenerate(turnId: string): Promise<Turn | undefined> {
    const context = this.contexts.get(turnId);
    const previous = this.deps.panel.turns.find((t) => t.id === turnId);
    if (!context || !previous) return this.ask(previous?.query);
    const turn: Turn = { ...previous, id: randomUUID(), answer: '', status: 'streaming', error: undefined, startedAt: Date.now(), model: readAskConfig().model };
    this.remember(turn.id, context);
    return this.run(turn, context.documents);
  }

  /** Keeps the context of the latest turns only (as many as the panel's history holds): the map stays bounded. */
  private remember(turnId: string, context: AskContext): void {
    this.contexts.set(turnId, context);
    for (const oldest of this.contexts.keys()) {
      if (this.contexts.size <= MAX_TURNS) break;
      this.contexts.delete(oldest);
    }
  }

  dispose(): void {
    for (const abort of this.running.values()) abort.abort();
    this.subscription.dispose();
  }
}
