/** Small DOM helpers: every string becomes a text node, never HTML. */

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, content?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

export function icon(name: string): HTMLElement {
  const i = el('i', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}

/** Text only screen readers read (the visual cue beside it is an icon or a position). */
export function hidden(text: string): HTMLElement {
  return el('span', 'visually-hidden', text);
}

export function button(command: string, iconName: string, label: string): HTMLButtonElement {
  const b = el('button', `tool ${command}`);
  b.type = 'button';
  b.dataset.command = command;
  b.append(icon(iconName), document.createTextNode(` ${label}`));
  return b;
}

export function fixed(x: number): string {
  return x.toFixed(3);
}

/** A signed difference: "+0.120", "−0.250" (a real minus sign), "0.000". */
export function signed(x: number): string {
  const s = Math.abs(x).toFixed(3);
  if (s === '0.000') return s;
  return `${x > 0 ? '+' : '−'}${s}`;
}
