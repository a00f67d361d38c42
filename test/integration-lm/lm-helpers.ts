import * as vscode from 'vscode';

/** The scripted language model (test/lm-fake-extension; see its README for replies and records). */
export const FAKE_ID = 'rerank-lens-test.lm-fake';
export const FAKE_VENDOR = 'rerank-lens-fake';

export interface FakeReply {
  parts?: string[];
  text?: string;
  delayMs?: number;
  error?: 'NoPermissions' | 'Blocked' | 'NotFound' | 'Error';
  errorMessage?: string;
  hang?: boolean;
  hangMs?: number;
}

export interface FakeRequest {
  index: number;
  model: { id: string; family: string; vendor: string };
  messages: { role: 'user' | 'assistant' | 'system'; text: string }[];
  options: { requestInitiator?: string; modelOptions: Record<string, unknown> };
  partsSent: number;
  outcome: string;
}

export interface FakeModel {
  script(...replies: (FakeReply | string)[]): number;
  requests(): FakeRequest[];
  reset(): void;
  setModels(models?: { id: string; name?: string; family?: string }[]): string[];
  waitFor(predicate: (r: FakeRequest) => boolean, timeoutMs?: number): Promise<FakeRequest>;
}

export async function fakeModel(): Promise<FakeModel> {
  const ext = vscode.extensions.getExtension<FakeModel>(FAKE_ID);
  if (!ext) throw new Error(`${FAKE_ID} is not installed: run this suite with --target lm`);
  return ext.activate();
}

/** Sends a request to the Chat view as if typed, and resolves with the participant's result when it is complete. */
export function chat(query: string): Promise<vscode.ChatResult> {
  return Promise.resolve(vscode.commands.executeCommand<vscode.ChatResult>('workbench.action.chat.open', { query, blockOnResponse: true }));
}

/** A new, empty chat session, so the transcript holds one exchange only. */
export async function newChat(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.chat.newChat');
}

/** The chat session's text as VS Code copies it ("User: …\n\nRerank Lens: …"). */
export async function transcript(): Promise<string> {
  await vscode.env.clipboard.writeText('');
  await vscode.commands.executeCommand('workbench.action.chat.copyAll');
  return vscode.env.clipboard.readText();
}

/**
 * Accepts the quick pick `pending` opens (its pre-selected or first item), whenever it shows up: accepting
 * while no quick pick is open does nothing. Resolves with `pending`.
 */
export async function acceptQuickPick<T>(pending: Thenable<T>): Promise<T> {
  let settled = false;
  const done = Promise.resolve(pending).finally(() => (settled = true));
  while (!settled) {
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await Promise.race([done.catch(() => undefined), sleep(300)]);
  }
  return done;
}

/** Closes (Escape) the quick pick `pending` opens, whenever it shows up. Resolves with `pending`. */
export async function dismissQuickPick<T>(pending: Thenable<T>): Promise<T> {
  let settled = false;
  const done = Promise.resolve(pending).finally(() => (settled = true));
  while (!settled) {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await Promise.race([done.catch(() => undefined), sleep(300)]);
  }
  return done;
}

/** Fails with `what` when `pending` takes longer than `ms` (e.g. a quick pick nobody answers). */
export async function within<T>(pending: Thenable<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      Promise.resolve(pending),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `fn` until it returns something truthy. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`waitFor: ${what} not seen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
