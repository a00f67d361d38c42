import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * What the answer panel and the evaluation report share: the webview options, the page skeleton behind
 * one strict CSP, and the `ready` handshake wiring. Each panel keeps its own state, queue and restore.
 */

/** A panel's page: its stylesheet (after codicon.css and base.css) and script from dist/webview, and the static body markup. */
export interface WebviewPage {
  title: string;
  stylesheet: string;
  script: string;
  /** Fixed markup only: everything a user or model wrote is sent as a message and rendered as text. */
  body: string;
}

/** What a panel's host does with its webview's messages and its end. */
export interface WebviewHandlers<M extends { type: string }> {
  /** The script loaded: messages posted from now on arrive. */
  ready(): void;
  message(message: Exclude<M, { type: 'ready' }>): void;
  /** After the panel closed and its listeners were disposed. */
  disposed(): void;
}

/** Scripts on; resources only from the built webview assets. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, enableFindWidget: true, localResourceRoots: [assetsOf(extensionUri)] };
}

/** Gives the panel its icon and page, and routes its messages until it is disposed. */
export function attachWebview<M extends { type: string }>(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, page: WebviewPage, handlers: WebviewHandlers<M>): void {
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'rerank-lens.svg');
  panel.webview.html = webviewHtml(panel.webview, extensionUri, page);
  const listeners = [
    panel.webview.onDidReceiveMessage((message: M) => {
      if (message.type === 'ready') handlers.ready();
      else handlers.message(message as Exclude<M, { type: 'ready' }>);
    }),
  ];
  listeners.push(
    panel.onDidDispose(() => {
      vscode.Disposable.from(...listeners.splice(0)).dispose();
      handlers.disposed();
    }),
  );
}

/**
 * The page: no inline script or style, the one script by a fresh nonce, styles, fonts and images only
 * from the webview's own resources, and no network at all (connect-src 'none': requests stay in the host).
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(assetsOf(extensionUri), name)).toString();
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
<link rel="stylesheet" href="${asset('base.css')}">
<link rel="stylesheet" href="${asset(page.stylesheet)}">
<title>${page.title}</title>
</head>
<body>
${page.body}
<script nonce="${nonce}" src="${asset(page.script)}"></script>
</body>
</html>`;
}

function assetsOf(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}
