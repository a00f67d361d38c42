import type { AskConfig } from './ask-config';
import type { ChatStream } from './chat-stream';

/**
 * The OpenAI-compatible chat-completions API as a ChatStream. The client module (and with it the openai SDK)
 * is only loaded on the first question.
 */
export function openAIChatStream(config: AskConfig, key: { key: string; from: string } | undefined): ChatStream {
  return {
    model: config.model,
    description: `${config.model} at ${config.baseURL} (key from ${key?.from ?? 'nowhere'})`,
    actions: {
      auth: 'setKey',
      'model-not-found': 'openSettings',
      network: 'openSettings',
      'bad-request': 'openSettings',
      'rate-limit': 'retry',
      server: 'retry',
      timeout: 'retry',
      'stream-cut': 'retry',
    },
    async send(messages, { signal, onDelta }) {
      const { streamChat } = await import('../../core/ask/chat');
      return streamChat(
        { baseURL: config.baseURL, model: config.model, apiKey: key?.key, temperature: config.temperature, maxTokens: config.maxTokens },
        messages,
        { signal, onDelta },
      );
    },
  };
}
