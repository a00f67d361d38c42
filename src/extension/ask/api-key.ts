import * as vscode from 'vscode';

/** Where a key is kept and what the prompt for it says. */
export interface KeySlot {
  /** The SecretStorage key. */
  secret: string;
  /** The environment variable used when nothing is stored. */
  env: string;
  /** The prompt's title. */
  title: string;
}

/** The chat model's key (Ask). */
export const CHAT_KEY: KeySlot = { secret: 'rerankLens.openaiApiKey', env: 'OPENAI_API_KEY', title: 'Rerank Lens: API key for the chat model' };
/** The reranking server's key (sent only as `Authorization: Bearer` to rerankLens.rerankerURL). */
export const RERANKER_KEY: KeySlot = { secret: 'rerankLens.rerankerApiKey', env: 'RERANK_API_KEY', title: 'Rerank Lens: API key for the reranking server' };

/**
 * An API key lives only in SecretStorage (the OS keychain). An environment variable (`OPENAI_API_KEY`,
 * `RERANK_API_KEY`) is the fallback; local endpoints may need no key at all.
 */
export class ApiKeys {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly slot: KeySlot = CHAT_KEY,
  ) {}

  async get(): Promise<{ key: string; from: 'secret-storage' | 'environment' } | undefined> {
    const stored = await this.secrets.get(this.slot.secret);
    if (stored) return { key: stored, from: 'secret-storage' };
    const env = process.env[this.slot.env]?.trim();
    return env ? { key: env, from: 'environment' } : undefined;
  }

  /** Prompts for the key (masked) unless one is given, e.g. by a test. */
  async set(given?: string): Promise<boolean> {
    const key =
      given ??
      (await vscode.window.showInputBox({
        title: this.slot.title,
        prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings or logs.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter a key, or press Escape to cancel.'),
      }));
    if (!key?.trim()) return false;
    await this.secrets.store(this.slot.secret, key.trim());
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(this.slot.secret);
  }
}
