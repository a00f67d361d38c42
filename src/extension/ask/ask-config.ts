import { readConfig } from '../config';
import type { AskProvider } from '../settings';

export interface AskConfig {
  provider: AskProvider;
  baseURL: string;
  model: string;
  temperature: number | undefined;
  maxTokens: number | undefined;
  systemPrompt: string;
}

/** The `rerankLens.ask.*` settings as the chat client takes them. */
export function readAskConfig(): AskConfig {
  const c = readConfig();
  return {
    provider: c['ask.provider'],
    // baseURL decides where the key is sent: only the user's own value counts (see settings.ts).
    baseURL: c['ask.baseURL'].replace(/\/+$/, ''),
    model: c['ask.model'],
    temperature: c['ask.temperature'] ?? undefined,
    maxTokens: c['ask.maxTokens'] ?? undefined,
    systemPrompt: c['ask.systemPrompt'],
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
