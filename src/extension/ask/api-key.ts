import * as vscode from 'vscode';

const SECRET = 'rerankLens.openaiApiKey';

/**
 * The chat API key lives only in SecretStorage (the OS keychain). `OPENAI_API_KEY` from the
 * environment is the fallback; local endpoints may need no key at all.
 */
export class ApiKeys {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<{ key: string; from: 'secret-storage' | 'environment' } | undefined> {
    const stored = await this.secrets.get(SECRET);
    if (stored) return { key: stored, from: 'secret-storage' };
    const env = process.env.OPENAI_API_KEY?.trim();
    return env ? { key: env, from: 'environment' } : undefined;
  }

  /** Prompts for the key (masked) unless one is given, e.g. by a test. */
  async set(given?: string): Promise<boolean> {
    const key =
      given ??
      (await vscode.window.showInputBox({
        title: 'Rerank Lens: API key for the chat model',
        prompt: 'Stored in the OS keychain (VS Code SecretStorage), never in settings or logs.',
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : 'Enter a key, or press Escape to cancel.'),
      }));
    if (!key?.trim()) return false;
    await this.secrets.store(SECRET, key.trim());
    return true;
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET);
  }
}
