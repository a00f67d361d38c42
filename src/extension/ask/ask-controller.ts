import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { isChatError } from '../../core/ask/chat';
import { buildMessages, type ContextDocument } from '../../core/ask/prompt';
import type { Turn } from '../../shared/answer-protocol';
import { Commands } from '../commands';
import { SECTION } from '../config';
import { documentLabels } from '../labels';
import type { RerankSession } from '../session';
import { needsKey, readAskConfig } from './ask-config';
import { MAX_TURNS, type AnswerPanel, type PanelRequest } from './answer-panel';
import type { ApiKeys } from './api-key';
import type { ChatStream } from './chat-stream';
import { languageModelChatStream } from './lm-stream';
import type { LanguageModelChooser } from './lm-models';
import { openAIChatStream } from './openai-stream';
import { answerDocuments, contextDocuments, nothingToAsk } from './top-documents';

export interface AskDeps {
  panel: AnswerPanel;
  keys: ApiKeys;
  models: LanguageModelChooser;
  log: vscode.LogOutputChannel;
  current: () => RerankSession | undefined;
  /** Reveals a document of the current results in the tree and opens its chunk. */
  revealDocument: (id: string | number) => Promise<boolean>;
}

interface AskContext {
  query: string;
  documents: ContextDocument[];
}

/** Who answers: a chat stream, or why none can (shown as the turn's error, with the next step as its button). */
type Route = { stream: ChatStream } | { model: string; error: NonNullable<Turn['error']> };

/**
 * "Ask": sends the query and the top-k reranked documents to the chat model and streams the reply into the
 * answer panel. The model is an OpenAI-compatible API or a VS Code language model (`rerankLens.ask.provider`),
 * both behind the same ChatStream, so citations, Stop, errors and history work the same for both.
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
      if (answer === rerank) await vscode.commands.executeCommand(Commands.rerank);
      return undefined;
    }
    // Only what clears every cut: the top k, and of those the ones above the threshold settings.
    const top = answerDocuments(session);
    if (top.length === 0) {
      const open = 'Open Settings';
      void vscode.window.showWarningMessage(`Rerank Lens: ${nothingToAsk(session)}`, open).then(async (answer) => {
        if (answer === open) await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.min`);
      });
      return undefined;
    }
    const route = await this.route();
    if (!route) return undefined; // the model pick was dismissed
    const labels = documentLabels(session.documents);
    const documents = contextDocuments(top);
    const turn: Turn = {
      id: randomUUID(),
      query: (query ?? session.query).trim() || session.query,
      model: 'stream' in route ? route.stream.model : route.model,
      documents: top.map((d, i) => ({ n: i + 1, id: d.id, label: labels.get(d) ?? String(d.id), score: d.score })),
      answer: '',
      status: 'streaming',
      startedAt: Date.now(),
    };
    this.remember(turn.id, { query: turn.query, documents });
    return this.run(turn, documents, route);
  }

  /** Who answers, by `rerankLens.ask.provider`; undefined when the user dismissed the model pick. */
  private async route(): Promise<Route | undefined> {
    const config = readAskConfig();
    if (config.provider === 'vscode-lm') {
      const pick = await this.deps.models.choose();
      if (!pick) return undefined;
      if ('error' in pick) return { model: 'VS Code language model', error: { message: pick.error.message, action: 'useOpenAI' } };
      return { stream: languageModelChatStream(pick.model) };
    }
    const key = await this.deps.keys.get();
    if (!key && needsKey(config.baseURL)) {
      return {
        model: config.model,
        error: { message: `No API key for ${config.baseURL}. Set one with "Rerank Lens: Set API Key" (or OPENAI_API_KEY in the environment).`, action: 'setKey' },
      };
    }
    return { stream: openAIChatStream(config, key) };
  }

  private async run(turn: Turn, documents: ContextDocument[], route: Route): Promise<Turn> {
    const { panel, log } = this.deps;
    panel.show();
    await panel.startTurn(turn);
    if ('error' in route) {
      log.warn(`Ask cannot start: ${route.error.message}`);
      return this.finish(turn, '', 'error', route.error);
    }
    const { stream } = route;
    const abort = new AbortController();
    this.running.set(turn.id, abort);
    void vscode.commands.executeCommand('setContext', 'rerankLens.asking', true);
    let answer = '';
    log.info(`Asking ${stream.description} with ${documents.length} documents`);
    try {
      const result = await stream.send(buildMessages(turn.query, documents, readAskConfig().systemPrompt), {
        signal: abort.signal,
        onDelta: (text) => {
          answer += text;
          panel.delta(turn.id, text);
        },
      });
      log.info(`Answer: ${result.text.length} characters${result.finishReason ? `, finish reason ${result.finishReason}` : ''}`);
      return await this.finish(turn, result.text, 'done');
    } catch (err) {
      if (!isChatError(err)) {
        log.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
        return await this.finish(turn, answer, 'error', { message: `Ask failed: ${err instanceof Error ? err.message : String(err)}` });
      }
      if (err.kind === 'cancelled') {
        log.info('Ask stopped.');
        return await this.finish(turn, err.partial || answer, 'stopped');
      }
      log.warn(`Ask failed (${err.kind}): ${err.message}`);
      return await this.finish(turn, err.partial || answer, 'error', { message: err.message, action: stream.actions[err.kind] });
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
        if (turn) await vscode.env.clipboard.writeText(this.deps.panel.answerOf(turn.id) ?? turn.answer);
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
        switch (message.action) {
          case 'setKey':
            await vscode.commands.executeCommand(Commands.setApiKey);
            return;
          case 'openSettings':
            await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.ask`);
            return;
          case 'pickModel':
            if (await this.deps.models.pick()) await this.regenerate(message.turnId);
            return;
          case 'useOpenAI':
            await useOpenAI();
            return;
          case 'retry':
            await this.regenerate(message.turnId);
            return;
        }
    }
  }

  /** Asks again with the same query and documents (after a reload, with the current results). */
  async regenerate(turnId: string): Promise<Turn | undefined> {
    const context = this.contexts.get(turnId);
    const previous = this.deps.panel.turns.find((t) => t.id === turnId);
    if (!context || !previous) return this.ask(previous?.query);
    const route = await this.route();
    if (!route) return undefined;
    const turn: Turn = {
      ...previous,
      id: randomUUID(),
      answer: '',
      status: 'streaming',
      error: undefined,
      startedAt: Date.now(),
      model: 'stream' in route ? route.stream.model : route.model,
    };
    this.remember(turn.id, context);
    return this.run(turn, context.documents, route);
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

/** No VS Code model: switch Ask to the OpenAI-compatible API where the provider was set, and open its settings. */
async function useOpenAI(): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const set = config.inspect('ask.provider');
  const target =
    set?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : set?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update('ask.provider', 'openai', target);
  await vscode.commands.executeCommand('workbench.action.openSettings', `${SECTION}.ask`);
  const setKey = 'Set API Key';
  const answer = await vscode.window.showInformationMessage(
    `Rerank Lens: Ask now uses the OpenAI-compatible API at ${readAskConfig().baseURL}. Set its base URL and model in the settings, and an API key if it needs one.`,
    setKey,
  );
  if (answer === setKey) await vscode.commands.executeCommand(Commands.setApiKey);
}
