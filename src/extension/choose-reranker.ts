/**
 * "Choose Reranker…": a quick pick of the known cross-encoders (name, languages, max length, size, licence),
 * "Local folder…" (a model folder on disk) and "Remote endpoint…" (kind, URL, model, key). The choice is written
 * to the user's settings (rerankLens.reranker, model / modelPath, rerankerURL, rerankerModel): the endpoint is
 * where the key goes, so it is never written to a workspace.
 */
import * as vscode from 'vscode';
import { KNOWN_RERANKERS, describeReranker } from '../core/rerankers/catalogue';
import type { RerankerKind } from '../core/rerankers/reranker';
import type { RemoteKind } from '../core/rerankers/remote';
import type { ApiKeys } from './ask/api-key';
import { readConfig, SECTION } from './config';

/** Runs the command without prompts (tests, other extensions): exactly one of the three. */
export type RerankerChoice =
  | { hubId: string }
  | { folder: string }
  | { kind: RemoteKind; url: string; model?: string; key?: string };

type Item = vscode.QuickPickItem & { choose?: () => Promise<RerankerChoice | undefined> };

const REMOTE_KINDS: { remote: RemoteKind; label: string; detail: string; example: string; model?: string }[] = [
  { remote: 'tei', label: 'Text Embeddings Inference (TEI)', detail: 'POST /rerank; raw logits, like the local model', example: 'http://gpu-box:8080/rerank' },
  {
    remote: 'cohere',
    label: 'Cohere-compatible',
    detail: 'Cohere /v2/rerank, Jina, vLLM /v1/rerank, Infinity; 0–1 relevance scores',
    example: 'http://gpu-box:8000/v1/rerank',
    model: 'rerank-v3.5',
  },
  { remote: 'voyage', label: 'Voyage AI', detail: 'POST /v1/rerank; 0–1 relevance scores; a model is required', example: 'https://api.voyageai.com/v1/rerank', model: 'rerank-2.5' },
];

export async function chooseReranker(keys: ApiKeys, given?: RerankerChoice): Promise<RerankerChoice | undefined> {
  const choice = given ?? (await pick());
  if (!choice) return undefined;
  const config = vscode.workspace.getConfiguration(SECTION);
  const set = (key: string, value: unknown) => config.update(key, value, vscode.ConfigurationTarget.Global);
  if ('hubId' in choice) {
    await set('modelPath', undefined);
    await set('model', choice.hubId);
    await set('reranker', 'local' satisfies RerankerKind);
  } else if ('folder' in choice) {
    await set('modelPath', choice.folder);
    await set('reranker', 'local' satisfies RerankerKind);
  } else {
    await set('rerankerURL', choice.url.trim());
    await set('rerankerModel', choice.model?.trim() || undefined);
    await set('reranker', choice.kind);
    if (choice.key?.trim()) await keys.set(choice.key.trim());
  }
  // A workspace value would still win over the user setting just written: say so instead of failing silently.
  const inspect = config.inspect<string>('reranker');
  if (inspect?.workspaceValue !== undefined || inspect?.workspaceFolderValue !== undefined) {
    void vscode.window.showWarningMessage('Rerank Lens: this workspace sets rerankLens.reranker, which overrides your choice. Remove it from the workspace settings.');
  }
  return choice;
}

async function pick(): Promise<RerankerChoice | undefined> {
  const config = readConfig();
  const items: Item[] = [
    { label: 'On this machine', kind: vscode.QuickPickItemKind.Separator },
    ...KNOWN_RERANKERS.map((r): Item => ({
      label: r.name,
      description: `${r.hubId}${config.reranker === 'local' && !config.modelPath && config.model === r.hubId ? ' · current' : ''}`,
      detail: describeReranker(r),
      choose: async () => ({ hubId: r.hubId }),
    })),
    { label: '$(folder) Local folder…', detail: 'A cross-encoder folder on disk (config.json, tokenizer.json, onnx/model.onnx)', choose: pickFolder },
    { label: 'On a server', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(server) Remote endpoint…', detail: 'TEI, a Cohere-compatible API (Cohere, Jina, vLLM, Infinity) or Voyage', choose: askRemote },
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    title: 'Rerank Lens: choose the reranker',
    placeHolder: `Now: ${config.reranker === 'local' ? config.modelPath || config.model : `${config.reranker} at ${config.rerankerURL || '(no URL)'}`}`,
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return chosen?.choose?.();
}

async function pickFolder(): Promise<RerankerChoice | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use this model folder' });
  return picked?.[0] && { folder: picked[0].fsPath };
}

async function askRemote(): Promise<RerankerChoice | undefined> {
  const config = readConfig();
  const kind = await vscode.window.showQuickPick(
    REMOTE_KINDS.map((k) => ({ ...k, description: k.remote === config.reranker ? 'current' : undefined })),
    { title: 'Rerank Lens: which kind of reranking server?', ignoreFocusOut: true },
  );
  if (!kind) return undefined;
  const url = await vscode.window.showInputBox({
    title: `Rerank Lens: ${kind.label} endpoint`,
    prompt: 'The full rerank URL. Saved in your user settings only (it decides where your key and documents go).',
    placeHolder: kind.example,
    value: config.reranker === kind.remote ? config.rerankerURL : '',
    ignoreFocusOut: true,
    validateInput: validURL,
  });
  if (!url) return undefined;
  const model = await vscode.window.showInputBox({
    title: `Rerank Lens: model name for ${kind.label}`,
    prompt: kind.remote === 'tei' ? 'Optional: TEI serves one model.' : kind.remote === 'voyage' ? 'Required by Voyage.' : 'Cohere needs one; vLLM and Infinity take their served model.',
    placeHolder: kind.model,
    value: config.reranker === kind.remote ? config.rerankerModel : (kind.model ?? ''),
    ignoreFocusOut: true,
  });
  if (model === undefined) return undefined;
  const key = await vscode.window.showInputBox({
    title: 'Rerank Lens: API key for the reranking server',
    prompt: 'Optional (press Enter to keep the current one or go without). Stored in the OS keychain (SecretStorage), sent only as a Bearer token.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return undefined;
  return { kind: kind.remote, url: url.trim(), model: model.trim() || undefined, key: key.trim() || undefined };
}

function validURL(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'An http:// or https:// URL.';
    if (url.username || url.password) return 'No user name or password in the URL: set the API key instead.';
    return undefined;
  } catch {
    return 'The full URL, e.g. http://localhost:8080/rerank';
  }
}
