import * as vscode from 'vscode';
import type { EvalFiles, EvalSettings } from '../../shared/eval-types';
import { REPORT_VIEW_TYPE, type ReportHostMessage, type ReportView, type ReportWebviewMessage } from '../../shared/report-protocol';
import { attachWebview, webviewOptions, type WebviewPage } from '../webview-html';

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

const PAGE: WebviewPage = {
  title: 'Rerank Lens: Evaluation',
  stylesheet: 'report.css',
  script: 'report.js',
  body: `<p id="empty">Run <strong>Rerank Lens: Evaluate…</strong> to evaluate runs against relevance judgments.</p>
<main id="report"></main>
<div id="status" role="status" aria-live="polite"></div>`,
};

/**
 * The evaluation report webview: one panel, reused for each new evaluation. Like the answer panel it
 * renders only what it is sent, behind a CSP without connect-src, waits for `ready` before posting,
 * and is restored after a reload from the evaluation kept in workspaceState.
 */
export class ReportPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private queue: ReportHostMessage[] = [];
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
    else this.attach(vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, 'Rerank Lens: Evaluation', vscode.ViewColumn.Active, webviewOptions(this.context.extensionUri)));
    this.post({ type: 'show', view: evaluation.view });
  }

  busy(queryId: string | null): void {
    this.post({ type: 'busy', queryId });
  }

  /** Called by the serializer after a window reload. */
  restore(panel: vscode.WebviewPanel): void {
    this.panel?.dispose();
    panel.webview.options = webviewOptions(this.context.extensionUri);
    this.attach(panel);
    const stored = this.current;
    if (stored) this.post({ type: 'show', view: stored.view });
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    attachWebview<ReportWebviewMessage>(panel, this.context.extensionUri, PAGE, {
      ready: () => {
        this.ready = true;
        // Only the newest report matters: an older queued one would be replaced at once.
        const shows = this.queue.filter((m) => m.type === 'show');
        const rest = this.queue.filter((m) => m.type !== 'show');
        this.queue = [];
        const latest = shows.at(-1) ?? (this.current && { type: 'show' as const, view: this.current.view });
        if (latest) this.post(latest);
        for (const m of rest) this.post(m);
      },
      message: (message) => this.received.fire(message),
      disposed: () => {
        this.panel = undefined;
        this.ready = false;
        this.queue = [];
      },
    });
  }

  private post(message: ReportHostMessage): void {
    if (!this.panel) return;
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
    this.received.dispose();
  }
}
