import * as vscode from 'vscode';
import { ANSWER_VIEW_TYPE } from '../shared/answer-protocol';
import { REPORT_VIEW_TYPE, type ExportFormat } from '../shared/report-protocol';
import { AnswerPanel } from './ask/answer-panel';
import { AskController } from './ask/ask-controller';
import { readAskConfig } from './ask/ask-config';
import { ApiKeys, RERANKER_KEY } from './ask/api-key';
import { LanguageModelChooser } from './ask/lm-models';
import { registerChatParticipant } from './chat/participant';
import { chooseReranker, type RerankerChoice } from './choose-reranker';
import { ChunkDocuments, CHUNK_SCHEME, chunkContext } from './chunks';
import { ChunkView } from './chunk-view';
import { Commands, DOCUMENT_SELECTED, HAS_RESULTS, ORIGINAL_ORDER, VIEW_ID } from './commands';
import { readConfig, SECTION } from './config';
import { CurrentFiles } from './current-files';
import { RerankEngine } from './engine';
import { evaluateCommand, type EvaluateArgs } from './evaluate/evaluate-command';
import { exportEvaluation, openEvaluationQuery } from './evaluate/report-actions';
import { ReportPanel } from './evaluate/report-panel';
import { exportResults } from './export-results';
import { revealSource } from './open-source';
import { describeOrder, RERANKED, type OrderView } from './order';
import { pickOriginalOrder } from './order-picker';
import { RelevanceLabels } from './relevance/label-store';
import { clearRelevance, isMarkArgs, markRelevance, type LabelledDocument, type MarkArgs } from './relevance/mark-relevance';
import { cancelRunning } from './progress';
import { rerankCommand, type RerankArgs } from './rerank-command';
import { RowDecorations } from './row-decorations';
import type { RankedDocument } from '../core/rerank';
import type { RerankSession } from './session';
import { StatusItem } from './status';
import { ResultsTree, type ResultNode } from './tree';

/** What the extension exports: read access to the current results (used by tests and other extensions). */
export interface RerankLensApi {
  current(): RerankSession | undefined;
  tree: ResultsTree;
  panel: AnswerPanel;
  report: ReportPanel;
  /** Whether a rerank runs and how far it got (the chat participant's and the command's alike). */
  engine: Pick<RerankEngine, 'busy' | 'progress'>;
  chunkView: ChunkView;
  /** The relevance labels the tree shows (tests compare their metrics with an independent computation). */
  labels: Pick<RelevanceLabels, 'viewFor' | 'fileFor' | 'queryIdOf' | 'onDidChange'>;
  /** Where the extension writes (its log and global storage): lets tests prove no secret lands there. */
  storage: { logUri: vscode.Uri; globalStorageUri: vscode.Uri };
}

export function activate(context: vscode.ExtensionContext): RerankLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Rerank Lens', { log: true });
  const report = new ReportPanel(context);
  const labels = new RelevanceLabels(() => report.current, log);
  const tree = new ResultsTree((session) => labels.viewFor(session));
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(
    labels,
    labels.onDidChange(() => tree.refreshLabels()),
    // Keys 0–3 mark the selected document (package.json keybindings).
    view.onDidChangeSelection((e) => {
      const kind = e.selection[0]?.kind;
      void vscode.commands.executeCommand('setContext', DOCUMENT_SELECTED, kind === 'document' || kind === 'field' || kind === 'source' || kind === 'unscored');
    }),
  );
  const chunks = new ChunkDocuments();
  const chunkView = new ChunkView(chunks);
  const status = new StatusItem();
  const rerankerKeys = new ApiKeys(context.secrets, RERANKER_KEY);
  const engine = (activeEngine = new RerankEngine(context, log, rerankerKeys));
  context.subscriptions.push(log, tree, view, chunks, chunkView, status, engine);
  context.subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(CHUNK_SCHEME, chunks));
  context.subscriptions.push(vscode.window.registerFileDecorationProvider(new RowDecorations()));

  /** The view's description and the title toggle follow the tree's order. */
  const showOrder = () => {
    const order = tree.order;
    view.description = order.kind === 'reranked' ? undefined : describeOrder(order);
    void vscode.commands.executeCommand('setContext', ORIGINAL_ORDER, order.kind !== 'reranked');
  };
  const setOrder = (order: OrderView) => {
    tree.setOrder(order);
    showOrder();
  };
  const files = new CurrentFiles();
  /** True once the running rerank's first partial results have brought the view forward. */
  let revealed = false;
  /** A new result in the tree; `focus`: move to the view (not when it came from the chat, where the user types). */
  const show = (session: RerankSession, focus = true) => {
    revealed = false; // the next rerank reveals the view again
    chunks.reset();
    tree.show(session);
    void labels.load(session);
    files.set(session.files);
    showOrder(); // a file that is no longer reranked falls back to the merged order
    void vscode.commands.executeCommand('setContext', HAS_RESULTS, true);
    view.message = session.warnings.length ? `${session.warnings.length} warning(s): see the Rerank Lens log.` : undefined;
    if (focus) void vscode.commands.executeCommand(`${VIEW_ID}.focus`);
  };
  /** Progressive results: the tree fills while the rerank runs; `current` stays the last finished one. */
  const showPartial = (session: RerankSession) => {
    tree.showPartial(session);
    if (!revealed) void vscode.commands.executeCommand(`${VIEW_ID}.focus`);
    revealed = true;
  };
  const deps = { context, engine, log, status, current: () => tree.current, show, showPartial, restore: () => ((revealed = false), tree.restore()) };

  // The cut (top k, thresholds) applies at once to the results on screen, without reranking.
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      const session = tree.current;
      if (!session || !['topK', 'minScore', 'minProbability'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) return;
      const config = readConfig();
      const threshold = { minScore: config.minScore, minProbability: config.minProbability, scoreKind: session.scoreKind };
      const updated = { ...session, topK: config.topK, threshold };
      tree.show(updated);
      chunks.refresh(chunkContext(updated));
    }),
  );

  const openChunk = async (doc: RankedDocument) => {
    const session = tree.current;
    if (!session) return undefined;
    const document = await vscode.workspace.openTextDocument(chunks.uriFor(doc, chunkContext(session)));
    const editor = await vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.One });
    chunkView.decorate(editor);
    return editor;
  };
  const panel = new AnswerPanel(context);
  const keys = new ApiKeys(context.secrets);
  const models = new LanguageModelChooser(context.globalState);
  const asker = new AskController({
    panel,
    keys,
    models,
    log,
    current: () => tree.current,
    revealDocument: async (id) => {
      const doc = tree.current?.documents.find((d) => String(d.id) === String(id));
      const node = doc && tree.nodeOf(doc);
      if (!doc || !node) return false;
      await view.reveal(node, { select: true, focus: false, expand: false });
      await openChunk(doc);
      return true;
    },
  });
  context.subscriptions.push(panel, asker);
  const participant = registerChatParticipant(context, {
    engine,
    log,
    status,
    chunks,
    files,
    current: () => tree.current,
    show: (session) => show(session, false),
  });
  if (participant) context.subscriptions.push(participant);
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(ANSWER_VIEW_TYPE, {
      deserializeWebviewPanel: async (webviewPanel) => panel.restore(webviewPanel),
    }),
  );

  const evalDeps = { ...deps, report };
  context.subscriptions.push(
    report,
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, { deserializeWebviewPanel: async (webviewPanel) => report.restore(webviewPanel) }),
    report.onMessage((message) => {
      if (message.type === 'openQuery') void openEvaluationQuery(evalDeps, message.queryId);
      else void exportEvaluation(report.current, message.format);
    }),
  );

  /** The document a command applies to: the node it was invoked on, the chunk editor's URI (editor title), else the tree's selection. */
  const target = (node?: ResultNode | vscode.Uri): Extract<ResultNode, { kind: 'document' | 'source' | 'field' | 'unscored' }> | undefined => {
    if (node instanceof vscode.Uri) {
      const entry = chunks.entryAt(node);
      return entry && { kind: 'document', doc: entry.doc, top: false };
    }
    const n = node ?? view.selection[0];
    return n && (n.kind === 'document' || n.kind === 'source' || n.kind === 'field' || n.kind === 'unscored') ? n : undefined;
  };
  const withSession = <T>(run: (session: RerankSession) => T): T | undefined => {
    const session = tree.current;
    if (tree.shown !== session) {
      // The rows on screen are a rerank still being scored; `current` is the previous one, where the same id
      // may stand for another query's document: act on neither until it has finished.
      void vscode.window.showInformationMessage('Rerank Lens: reranking is still running; try again once it has finished (or Cancel Reranking).');
      return undefined;
    }
    if (!session) {
      void vscode.window.showInformationMessage('Rerank Lens: nothing reranked yet. Run "Rerank Lens: Rerank results" first.');
      return undefined;
    }
    return run(session);
  };
  /** The document "Mark relevance" applies to, in the current results: given by id, by node or chunk URI, else the selection. */
  const relevanceTarget = (first?: ResultNode | vscode.Uri | MarkArgs): { session: RerankSession; doc: LabelledDocument } | undefined =>
    withSession((session) => {
      const picked = isMarkArgs(first)
        ? first.id !== undefined
          ? { id: first.id }
          : target()?.doc
        : target(first)?.doc;
      // A document past rerankLens.maxDocuments is listed (unscored) and can be judged like the others.
      const doc = picked && [...session.documents, ...session.unscored].find((d) => String(d.id) === String(picked.id));
      if (!doc) {
        void vscode.window.showInformationMessage(
          picked ? `Rerank Lens: document ${String(picked.id)} is not in the current results.` : 'Rerank Lens: select a document in the Reranked Results view first.',
        );
        return undefined;
      }
      return { session, doc };
    });
  const relevanceDeps = { labels, log, evaluation: () => report.current };

  const handlers: Record<(typeof Commands)[keyof typeof Commands], (...args: never[]) => unknown> = {
    [Commands.rerank]: (first?: vscode.Uri | RerankArgs, all?: vscode.Uri[]) =>
      rerankCommand(deps, first instanceof vscode.Uri ? { files: all?.length ? all : [first] } : (first ?? {})),
    [Commands.rerankAgain]: (args?: { query?: string }) =>
      withSession((s) => rerankCommand(deps, { files: s.files, query: args?.query, queryIndex: s.resultSet?.index })),
    [Commands.exportResults]: (uri?: vscode.Uri) => withSession((s) => exportResults(s, uri)),
    // A tree node, the chunk editor's URI (editor title), or `{ id }` of a current document (the chat's [n] links).
    [Commands.openChunk]: async (node?: ResultNode | vscode.Uri | { id: string | number }) => {
      if (node && !(node instanceof vscode.Uri) && !('kind' in node)) {
        const doc = tree.current?.documents.find((d) => String(d.id) === String(node.id));
        if (doc) return openChunk(doc);
        void vscode.window.showInformationMessage(`Rerank Lens: document ${String(node.id)} is not in the current results any more.`);
        return undefined;
      }
      const t = target(node);
      // A document left unscored has no rank or score for a chunk header.
      return t && t.kind !== 'unscored' ? openChunk(t.doc) : undefined;
    },
    [Commands.revealInSource]: (node?: ResultNode | vscode.Uri) =>
      withSession(async (s) => {
        const t = target(node);
        if (!t) return;
        await revealSource(t.kind === 'source' ? t.source : t.doc.sources[t.doc.sources.length - 1], s.files, s.fileNames);
      }),
    [Commands.copyText]: async (node?: ResultNode | vscode.Uri) => {
      const t = target(node);
      if (!t) return;
      await vscode.env.clipboard.writeText(t.doc.text);
      vscode.window.setStatusBarMessage('$(copy) Chunk text copied', 2000);
    },
    [Commands.showOriginalOrder]: (args?: unknown) =>
      withSession(async (s) => {
        const order = await pickOriginalOrder(s, args);
        if (order) setOrder(order);
        return order;
      }),
    [Commands.showRerankedOrder]: () => setOrder(RERANKED),
    [Commands.showLog]: () => log.show(),
    [Commands.ask]: (args?: { query?: string }) => asker.ask(args?.query),
    [Commands.stopAsk]: () => asker.stopAll(),
    [Commands.showAnswers]: () => panel.show(),
    [Commands.setApiKey]: async (key?: string) => {
      if (await keys.set(typeof key === 'string' ? key : undefined)) void vscode.window.showInformationMessage('Rerank Lens: API key stored in SecretStorage.');
    },
    [Commands.clearApiKey]: async () => {
      await keys.clear();
      void vscode.window.showInformationMessage('Rerank Lens: API key removed.');
    },
    [Commands.evaluate]: (args?: EvaluateArgs) => evaluateCommand(evalDeps, args ?? {}),
    [Commands.exportEvaluation]: (format?: ExportFormat, target?: vscode.Uri) =>
      exportEvaluation(report.current, format === 'json' ? 'json' : 'markdown', target instanceof vscode.Uri ? target : undefined),
    [Commands.openEvaluationQuery]: (queryId?: string) => (typeof queryId === 'string' ? openEvaluationQuery(evalDeps, queryId) : undefined),
    // A tree node (menus), the chunk editor's URI (its title), or `{ id?, grade? }` (keys 0–3, other extensions, tests).
    [Commands.markRelevance]: (first?: ResultNode | vscode.Uri | MarkArgs, second?: unknown) => {
      const t = relevanceTarget(first);
      const grade = isMarkArgs(first) ? first.grade : typeof second === 'number' ? second : undefined;
      return t && markRelevance(relevanceDeps, t.session, t.doc, grade);
    },
    [Commands.clearRelevance]: (first?: ResultNode | vscode.Uri | MarkArgs) => {
      const t = relevanceTarget(first);
      return t && clearRelevance(relevanceDeps, t.session, t.doc);
    },
    [Commands.pickChatModel]: (given?: { vendor?: string; id?: string }) => pickChatModel(models, given),
    [Commands.cancelRerank]: () => cancelRunning(),
    [Commands.chooseReranker]: async (choice?: RerankerChoice) => {
      const chosen = await chooseReranker(rerankerKeys, choice);
      if (!chosen || choice) return chosen;
      const again = 'Rerank Again';
      const answer = await vscode.window.showInformationMessage('Rerank Lens: reranker set.', ...(tree.current ? [again] : []));
      if (answer === again) await vscode.commands.executeCommand(Commands.rerankAgain);
      return chosen;
    },
    [Commands.setRerankerApiKey]: async (key?: string) => {
      if (await rerankerKeys.set(typeof key === 'string' ? key : undefined)) {
        void vscode.window.showInformationMessage('Rerank Lens: reranker API key stored in SecretStorage.');
      }
    },
    [Commands.clearRerankerApiKey]: async () => {
      await rerankerKeys.clear();
      void vscode.window.showInformationMessage('Rerank Lens: reranker API key removed.');
    },
  };
  for (const [id, handler] of Object.entries(handlers)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown));
  }

  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { current: () => tree.current, tree, panel, engine, chunkView, report, labels, storage: { logUri: context.logUri, globalStorageUri: context.globalStorageUri } };
}

/** "Choose Chat Model": the vscode.lm model Ask uses; says so when Ask is set to the OpenAI-compatible API. */
async function pickChatModel(models: LanguageModelChooser, given?: { vendor?: string; id?: string }): Promise<string | undefined> {
  const model = await models.pick(undefined, typeof given === 'object' && given ? given : undefined);
  if (!model) return undefined;
  if (readAskConfig().provider !== 'vscode-lm') {
    const use = 'Use It for Ask';
    void vscode.window
      .showInformationMessage(`Rerank Lens: ${model.name} is chosen; Ask uses it once rerankLens.ask.provider is "vscode-lm".`, use)
      .then(async (answer) => {
        if (answer === use) await vscode.workspace.getConfiguration(SECTION).update('ask.provider', 'vscode-lm', vscode.ConfigurationTarget.Global);
      });
  }
  return model.id;
}

let activeEngine: RerankEngine | undefined;

/** VS Code waits on this: the worker releases the model (at most ~2 s) before the host goes. */
export async function deactivate(): Promise<void> {
  await activeEngine?.shutdown();
  activeEngine = undefined;
}
