import * as vscode from 'vscode';
import { DEFAULT_SYSTEM_PROMPT } from '../../core/ask/prompt';

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';

export interface AskConfig {
  baseURL: string;
  model: string;
  temperature: number | undefined;
  maxTokens: number | undefined;
  systemPrompt: string;
}

/** Typed view of the `rerankLens.ask.*` settings. */
export function readAskConfig(): AskConfig {
  const c = vscode.workspace.getConfiguration('rerankLens.ask');
  // baseURL decides where the key is sent: only user (application-scope) values count, never a workspace's.
  const baseURL = (c.inspect<string>('baseURL')?.globalValue ?? OPENAI_BASE_URL).trim() || OPENAI_BASE_URL;
  const temperature = c.get<number | null>('temperature', null);
  const maxTokens = c.get<number | null>('maxTokens', null);
  return {
    baseURL: baseURL.replace(/\/+$/, ''),
    model: c.get<string>('model', 'gpt-4.1-mini').trim() || 'gpt-4.1-mini',
    temperature: typeof temperature === 'number' ? temperature : undefined,
    maxTokens: typeof maxTokens === 'number' && maxTokens > 0 ? maxTokens : undefined,
    systemPrompt: c.get<string>('systemPrompt', DEFAULT_SYSTEM_PROMPT).trim() || DEFAULT_SYSTEM_PROMPT,
  };
}

/** OpenAI's own endpoint needs a key; local ones (Ollama, LM Studio, vLLM) usually don't. */
export function needsKey(baseURL: string): boolean {
  try {
    const host = new URL(baseURL).hostname;
    return host.endsWith('openai.com') || host.endsWith('openai.azure.com');
  } catch {
    return false;
  }
}
