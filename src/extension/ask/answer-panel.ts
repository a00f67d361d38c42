import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ANSWER_VIEW_TYPE, type HostMessage, type PanelState, type Turn, type WebviewMessage } from '../../shared/answer-protocol';

/** What the webview asks of the host, once it is ready. */
export type PanelRequest = Exclude<WebviewMessage, { type: 'ready' }>;

const HISTORY_KEY = 'rerankLens.answerHistory';
/** Turns kept in the history (and contexts kept for Regenerate). */
export const MAX_TURNS = 50;

/**
 * The answer webview panel. The network stays in the extension host: the webview only renders what
 * it is sent, behind a CSP without connect-src, and reports clicks back.
 */
export class AnswerPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: HostMessage[] = [];
  /** The answers streaming now, as far as they got: the stored history only has them once they end. */
  private readonly live = new Map<string, string>();
  private readonly listeners: vscode.Disposable[] = [];
  private readonly received = new vscode.EventEmitter<PanelRequest>();
  /** Messages from the webview (stop, copy, regenerate, citation clicks, error actions). */
  readonly onMessage = this.received.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The earlier questions and answers of this workspace. */
  get turns(): Turn[] {
    return this.context.workspaceState.get<PanelState>(HISTORY_KEY, { turns: [] }).turns;
  }

  /** A turn's answer as far as it got: the live text while it streams, else the stored one. */
  answerOf(turnId: string): string | undefined {
    return this.live.get(turnId) ?? this.turns.find((t) => t.id === turnId)?.answer;
  }

  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal(undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(ANSWER_VIEW_TYPE, 'Rerank Lens: Answer', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, this.options());
    this.attach(panel);
  }

  /** Called by the serializer after a window reload. */
  async restore(panel: vscode.WebviewPanel): Promise<void> {
    this.panel?.dispose();
    // Requests die with the window: an answer that was streaming is now only a partial one.
    await this.save((turns) => turns.map((t) => (t.status === 'streaming' ? { ...t, status: 'stopped' } : t)));
    panel.webview.options = this.options();
    this.attach(panel);
  }

  /**
   * Runs `open`, which shows an editor in the first column (chunks open there), without leaving the panel
   * hidden behind it: a panel in the first column moves beside that editor. (VS Code puts a new panel in
   * the first column whenever no editor is open, whatever column is asked for.)
   */
  async keepVisibleWhile(open: () => Promise<boolean>): Promise<boolean> {
    const inFirstColumn = this.panel?.viewColumn === vscode.ViewColumn.One;
    const opened = await open();
    if (opened && inFirstColumn && this.panel) this.panel.reveal(vscode.ViewColumn.Beside, true);
    return opened;
  }

  async startTurn(turn: Turn): Promise<void> {
    if (turn.status === 'streaming') this.live.set(turn.id, turn.answer);
    await this.save((turns) => [...turns.filter((t) => t.id !== turn.id), turn]);
    this.post({ type: 'turn', turn });
  }

  delta(turnId: string, text: string): void {
    this.live.set(turnId, (this.live.get(turnId) ?? '') + text);
    this.post({ type: 'delta', turnId, text });
  }

  async endTurn(turnId: string, answer: string, status: Turn['status'], error?: Turn['error']): Promise<void> {
    if (status !== 'streaming') this.live.delete(turnId);
    await this.save((turns) => turns.map((t) => (t.id === turnId ? { ...t, answer, status, error } : t)));
    if (status !== 'streaming') this.post({ type: 'end', turnId, status, answer, error });
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      enableFindWidget: true,
      localResourceRoots: [this.assets()],
    };
  }

  private assets(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview');
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'rerank-lens.svg');
    panel.webview.html = this.html(panel.webview);
    this.listeners.push(
      panel.webview.onDidReceiveMessage((message: WebviewMessage) => {
        if (message.type === 'ready') {
          this.ready = true;
          // The stored history (with the text of answers still streaming) is the truth: a reloaded
          // webview may hold a stale copy in getState(), and deltas sent before 'ready' were dropped.
          const turns = this.turns.map((t) => (this.live.has(t.id) ? { ...t, answer: this.live.get(t.id)! } : t));
          this.post({ type: 'state', state: { turns } }, true);
          // Queued turns are in that state already, with more of their answer than their snapshot.
          for (const queued of this.queue.splice(0)) {
            if (queued.type !== 'turn' || !turns.some((t) => t.id === queued.turn.id)) this.post(queued);
          }
          return;
        }
        this.received.fire(message);
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        this.queue = [];
        vscode.Disposable.from(...this.listeners.splice(0)).dispose();
      }),
    );
  }

  private post(message: HostMessage, force = false): void {
    if (!this.panel) return;
    if (!this.ready && !force) {
      // Turn snapshots are in the stored history, which the webview receives on 'ready'.
      if (message.type === 'delta' || message.type === 'end') return;
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private async save(update: (turns: Turn[]) => Turn[]): Promise<void> {
    await this.context.workspaceState.update(HISTORY_KEY, { turns: update(this.turns).slice(-MAX_TURNS) });
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(16).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.assets(), name)).toString();
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
      "connect-src 'none'",
      "form-action 'none'",
      "base-uri 'none'",
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset('answer.css')}">
<title>Rerank Lens: Answer</title>
</head>
<body>
<p id="empty">Rerank some results, then run <strong>Rerank Lens: Ask</strong> to ask the chat model about the top documents.</p>
<main id="turns"></main>
<script nonce="${nonce}" src="${asset('answer.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    this.received.dispose();
  }
}
