import type { ChatErrorKind } from '../../core/ask/chat';
import type { ChatMessage } from '../../core/ask/prompt';
import type { ErrorAction } from '../../shared/answer-protocol';

export interface ChatReply {
  text: string;
  /** When the provider reports one (`stop`, `length`…). */
  finishReason?: string;
}

/**
 * One way of getting an answer streamed into the answer panel: the OpenAI-compatible API (openai-stream.ts)
 * or a language model VS Code provides (lm-stream.ts). The controller does not know which one it talks to.
 */
export interface ChatStream {
  /** The model's name, as the panel shows it. */
  readonly model: string;
  /** For the log: which model where (never a key). */
  readonly description: string;
  /** The button the panel offers for each kind of failure. */
  readonly actions: Partial<Record<ChatErrorKind, ErrorAction>>;
  /**
   * Streams the answer: `onDelta` gets each piece as it arrives. Rejects with a `ChatError` (kind `cancelled`
   * when `signal` aborts) that keeps the partial answer.
   */
  send(messages: ChatMessage[], options: { signal: AbortSignal; onDelta: (text: string) => void }): Promise<ChatReply>;
}
