import type { ErrorAction, HostMessage, PanelState, Turn, WebviewMessage } from '../shared/answer-protocol';
import { renderAnswer } from './render';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let state: PanelState = vscode.getState() ?? { turns: [] };
const root = document.getElementById('turns')!;
const empty = document.getElementById('empty')!;
const pending = new Set<string>();
let frame = 0;

const ACTION_LABELS: Record<ErrorAction, string> = {
  setKey: 'Set API Key',
  openSettings: 'Open Settings',
  retry: 'Try Again',
  pickModel: 'Choose Model',
  useOpenAI: 'Use an OpenAI-compatible API',
};
const ACTION_ICONS: Record<ErrorAction, string> = { setKey: 'key', openSettings: 'settings-gear', retry: 'refresh', pickModel: 'sparkle', useOpenAI: 'plug' };

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'state':
      state = message.state;
      renderAll();
      break;
    case 'turn': {
      const index = state.turns.findIndex((t) => t.id === message.turn.id);
      if (index >= 0) state.turns[index] = message.turn;
      else state.turns.push(message.turn);
      renderAll();
      document.getElementById(`turn-${message.turn.id}`)?.scrollIntoView({ block: 'start' });
      break;
    }
    case 'delta': {
      const turn = find(message.turnId);
      if (!turn) return;
      turn.answer += message.text;
      schedule(turn.id);
      break;
    }
    case 'end': {
      const turn = find(message.turnId);
      if (!turn) return;
      turn.status = message.status;
      turn.answer = message.answer;
      turn.error = message.error;
      pending.delete(turn.id);
      replaceTurn(turn);
      break;
    }
  }
  vscode.setState(state);
});

// One listener for every button and citation: elements are rebuilt while streaming.
document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('[data-cite], [data-command]');
  if (!target) return;
  event.preventDefault();
  const turnId = target.closest<HTMLElement>('.turn')?.dataset.turn;
  if (!turnId) return;
  if (target.dataset.cite) vscode.postMessage({ type: 'cite', turnId, n: Number(target.dataset.cite) });
  const command = target.dataset.command;
  if (command === 'stop' || command === 'copy' || command === 'regenerate') vscode.postMessage({ type: command, turnId });
  if (command === 'action') vscode.postMessage({ type: 'action', turnId, action: target.dataset.action as ErrorAction });
});

function find(id: string): Turn | undefined {
  return state.turns.find((t) => t.id === id);
}

/** Deltas arrive faster than frames: render each streaming turn at most once per frame. */
function schedule(id: string): void {
  pending.add(id);
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    for (const turnId of pending) {
      const turn = find(turnId);
      if (turn) updateAnswer(turn);
    }
    pending.clear();
  });
}

function renderAll(): void {
  root.replaceChildren(...state.turns.map(renderTurn));
  empty.hidden = state.turns.length > 0;
}

function replaceTurn(turn: Turn): void {
  const existing = document.getElementById(`turn-${turn.id}`);
  if (existing) existing.replaceWith(renderTurn(turn));
  else renderAll();
}

function updateAnswer(turn: Turn): void {
  const answer = document.querySelector<HTMLElement>(`#turn-${CSS.escape(turn.id)} .answer`);
  answer?.replaceChildren(renderAnswer(turn.answer, turn.documents.length));
}

function renderTurn(turn: Turn): HTMLElement {
  const section = el('section', 'turn');
  section.id = `turn-${turn.id}`;
  section.dataset.turn = turn.id;
  section.dataset.status = turn.status;

  const heading = el('h2', 'query');
  heading.append(icon('comment-discussion'), text(turn.query));
  const meta = el('div', 'meta');
  meta.append(text(`${turn.model} · top ${turn.documents.length} documents · ${statusText(turn)}`));

  const docs = el('ol', 'documents');
  for (const d of turn.documents) {
    const item = el('li');
    const link = el('a', 'doc');
    link.href = '#';
    link.dataset.cite = String(d.n);
    // One line each (long titles end in an ellipsis): the tooltip has the whole label.
    link.title = `${d.label}\nReveal in the Reranked Results view and open the chunk`;
    link.append(el('span', 'n', `[${d.n}]`), el('span', 'label', d.label), el('span', 'score', d.score.toFixed(2)));
    item.append(link);
    docs.append(item);
  }

  const answer = el('div', 'answer');
  answer.setAttribute('aria-live', turn.status === 'streaming' ? 'polite' : 'off');
  answer.append(renderAnswer(turn.answer, turn.documents.length));
  if (turn.status === 'streaming' && !turn.answer) answer.append(el('p', 'waiting', 'Waiting for the model…'));

  const tools = el('div', 'tools');
  if (turn.status === 'streaming') tools.append(button('stop', 'debug-stop', 'Stop'));
  else tools.append(button('copy', 'copy', 'Copy'), button('regenerate', 'refresh', 'Regenerate'));

  section.append(heading, meta, docs, answer);
  if (turn.error) {
    const box = el('div', 'error');
    box.setAttribute('role', 'alert');
    box.append(icon('error'), el('span', 'message', turn.error.message));
    if (turn.error.action) {
      const action = button('action', ACTION_ICONS[turn.error.action], ACTION_LABELS[turn.error.action]);
      action.dataset.action = turn.error.action;
      box.append(action);
    }
    section.append(box);
  }
  section.append(tools);
  return section;
}

function statusText(turn: Turn): string {
  switch (turn.status) {
    case 'streaming':
      return 'answering…';
    case 'stopped':
      return 'stopped';
    case 'error':
      return 'failed';
    default:
      return new Date(turn.startedAt).toLocaleTimeString();
  }
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, content?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

function text(value: string): Text {
  return document.createTextNode(value);
}

function icon(name: string): HTMLElement {
  const i = el('i', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}

function button(command: string, iconName: string, label: string): HTMLButtonElement {
  const b = el('button', `tool ${command}`);
  b.type = 'button';
  b.dataset.command = command;
  b.append(icon(iconName), text(` ${label}`));
  return b;
}

renderAll();
vscode.postMessage({ type: 'ready' });
