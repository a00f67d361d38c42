/**
 * Messages between the extension host and the answer webview. Both sides import this file (the
 * webview bundle too), so a change on one side that the other does not handle fails to compile.
 */

export type TurnStatus = 'streaming' | 'done' | 'stopped' | 'error';

/**
 * What the user can do about an error, shown as a button in the panel: `pickModel` chooses another VS Code
 * language model, `useOpenAI` switches Ask to the OpenAI-compatible API when VS Code has no model.
 */
export type ErrorAction = 'setKey' | 'openSettings' | 'retry' | 'pickModel' | 'useOpenAI';

export interface TurnDocument {
  /** The citation number, 1-based. */
  n: number;
  id: string | number;
  label: string;
  score: number;
}

export interface Turn {
  id: string;
  query: string;
  model: string;
  documents: TurnDocument[];
  answer: string;
  status: TurnStatus;
  error?: { message: string; action?: ErrorAction };
  startedAt: number;
}

export interface PanelState {
  turns: Turn[];
}

export type HostMessage =
  | { type: 'state'; state: PanelState }
  | { type: 'turn'; turn: Turn }
  | { type: 'delta'; turnId: string; text: string }
  /** `answer`: the whole final answer, so deltas the webview missed (not ready yet, hidden) cannot leave it short. */
  | { type: 'end'; turnId: string; status: Exclude<TurnStatus, 'streaming'>; answer: string; error?: Turn['error'] };

export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'stop'; turnId: string }
  | { type: 'copy'; turnId: string }
  | { type: 'regenerate'; turnId: string }
  | { type: 'cite'; turnId: string; n: number }
  | { type: 'action'; turnId: string; action: ErrorAction };

export const ANSWER_VIEW_TYPE = 'rerankLens.answer';
