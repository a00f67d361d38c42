import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { EvalFiles, EvalSettings } from '../../shared/eval-types';
import { REPORT_VIEW_TYPE, type ReportHostMessage, type ReportView, type ReportWebviewMessage } from '../../shared/report-protocol';

/** What the webview asks of the host, once it is ready. */
export type ReportRequest = Exclude<ReportWebviewMessage, { type: 'ready' }>;

/** The last evaluation: what the report shows and what clicking a query needs to rerank it again. */
export interface StoredEvaluation {
  view: ReportView;
  files: EvalFiles;
  settings: EvalSettings;
  /** Whether it was reranked (a click reranks with the configured model either way). */
  reranked: boolean;
}

const STATE_KEY = 'rerankLens.lastEvaluation';

/**
 * The evaluation report webview: one panel, reused for each new evaluation. Like the answer panel it
 * renders only what it is sent, behind a CSP without connect-src, waits for `ready` before posting,
 * and is restored after a reload from the evaluation kept in workspaceState.
 */
export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: ReportHostMessage[] = [];
  private readonly listeners: vscode.Disposable[] = [];
  private readonly received = new vscode.EventEmitter<ReportRequest>();
  readonly onMessage = this.received.event;

  constructor(private readonly context: vscode.ExtensionContext) {}

  get current(): StoredEvaluation | undefined {
    return this.context.workspaceState.get<StoredEvaluation>(STATE_KEY);
  }

  get webview(): vscode.Webview | undefined {
    return this.panel?.webview;
  }

  async show(evaluation: StoredEvaluation): Promise<void> {
    await this.context.workspaceState.update(STATE_KEY, evaluation);
    if (this.panel) this.panel.reveal(undefined, true);
    else this.attach(vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Rerank Lens: Evaluation', vscode.ViewColumn.Active, this.options()));
    this.post({ type: 'show', view: evaluation.view });
  }

  busy(queryId: string | null): void {
    this.post({ type: 'busy', queryId });
  }

  /** Called by the serializer after a window reload. */
  restore(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    panel.webview.options = this.options();
    this.attach(panel);
    const stored = this.current;
    if (stored) this.post({ type: 'show', view: stored.view });
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: false, enableFindWidget: true, localResourceRoots: [this.assets()] };
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
      panel.webview.onDidReceiveMessage((message: ReportWebviewMessage) => {
        if (message.type === 'ready') {
          this.ready = true;
          // Only the newest report matters: an older queued one would be replaced at once.
          const shows = this.queue.filter((m) => m.type === 'show');
          const rest = this.queue.filter((m) => m.type !== 'show');
          this.queue = [];
          const latest = shows.at(-1) ?? (this.current && { type: 'show' as const, view: this.current.view });
          if (latest) this.post(latest);
          for (const m of rest) this.post(m);
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

  private post(message: ReportHostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
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
<link rel="stylesheet" href="${asset('report.css')}">
<title>Rerank Lens: Evaluation</title>
</head>
<body>
<p id="empty">Run <strong>Rerank Lens: Evaluate…</strong> to evaluate runs against relevance judgments.</p>
<main id="report"></main>
<div id="status" role="status" aria-live="polite"></div>
<script nonce="${nonce}" src="${asset('report.js')}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.panel?.dispose();
    this.received.dispose();
  }
}
