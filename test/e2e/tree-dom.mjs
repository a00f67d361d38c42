// DOM readings for the UI test of the results tree and the chunk editor (VS Code 1.100 web): what part of
// each row a user can actually see, the editor-title actions, and the chunk editor's wrapped lines and
// decorations.
import { ROW } from './helpers.mjs';

/**
 * Each rendered row of a tree view: its full label text and the part of it that is on screen. A character
 * counts as visible when it ends left of the label's clipping box minus the room the ellipsis takes when the
 * label overflows (CSS text-overflow draws "…" over the last characters that would still fit).
 * @returns {Promise<Array<{ index: number, level: number, text: string, visible: string, clipWidth: number }>>}
 */
export async function readVisibleRows(p, viewName) {
  return p.locator(`.monaco-list[aria-label="${viewName}"] ${ROW}`).evaluateAll((rows) =>
    rows
      .map((row) => {
        const name = row.querySelector('.label-name');
        const clip = row.querySelector('.monaco-icon-label-container') ?? name;
        if (!name || !clip) return undefined;
        const box = clip.getBoundingClientRect();
        const overflows = clip.scrollWidth > clip.clientWidth + 1;
        // Measure the ellipsis in the label's own font.
        const probe = document.createElement('span');
        probe.textContent = '…';
        name.appendChild(probe);
        const ellipsis = probe.getBoundingClientRect().width;
        probe.remove();
        const limit = Math.min(box.right, row.getBoundingClientRect().right) - (overflows ? ellipsis : 0);
        let visible = '';
        const walker = document.createTreeWalker(name, NodeFilter.SHOW_TEXT);
        outer: for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (let i = 0; i < node.data.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            if (range.getBoundingClientRect().right > limit + 0.5) break outer;
            visible += node.data[i];
          }
        }
        return {
          index: Number(row.getAttribute('data-index')),
          level: Number(row.getAttribute('aria-level')),
          text: name.textContent ?? '',
          visible,
          clipWidth: Math.round(box.width),
          highlights: [...name.querySelectorAll('.highlight')].map((h) => h.textContent),
        };
      })
      .filter(Boolean)
      .sort((a, b) => a.index - b.index),
  );
}

const ACTIVE_EDITOR = '.editor-group-container.active .monaco-editor';

/**
 * The active editor's rendered lines (one per wrapped screen line, top to bottom) and the decorations drawn
 * there: background highlights (view overlays) with the text under each, and inline-coloured spans.
 */
export async function readChunkEditor(p) {
  return p.locator(ACTIVE_EDITOR).first().evaluate((editor) => {
    const lines = [...editor.querySelectorAll('.view-lines .view-line')]
      .map((e) => ({ top: parseFloat(e.style.top) || 0, text: (e.textContent ?? '').replace(/\u00a0/g, ' '), el: e }))
      .sort((a, b) => a.top - b.top);
    // Extension decorations get generated class names "ced-…"; background ones are drawn as overlays.
    const highlights = [...editor.querySelectorAll('.view-overlays .cdr')]
      .filter((o) => [...o.classList].some((c) => c.startsWith('ced-')))
      .map((o) => {
        const r = o.getBoundingClientRect();
        const y = r.top + r.height / 2;
        // The characters whose boxes fall inside the overlay, read from the line at the same height.
        const line = lines.find((l) => {
          const b = l.el.getBoundingClientRect();
          return y >= b.top && y <= b.bottom;
        });
        let under = '';
        if (line) {
          const walker = document.createTreeWalker(line.el, NodeFilter.SHOW_TEXT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            for (let i = 0; i < n.data.length; i++) {
              const range = document.createRange();
              range.setStart(n, i);
              range.setEnd(n, i + 1);
              const c = range.getBoundingClientRect();
              if (c.left + c.width / 2 >= r.left && c.left + c.width / 2 <= r.right) under += n.data[i];
            }
          }
        }
        return { under, width: r.width };
      });
    const colouredSpans = [...editor.querySelectorAll('.view-lines .view-line span[class*="ced-"]')].length;
    return { lines: lines.map((l) => l.text), highlights, colouredSpans };
  });
}

/** The labels of the actions in the active editor group's title bar. */
export async function editorTitleActions(p) {
  return p
    .locator('.editor-group-container.active .title [aria-label="Editor actions"] .action-label')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

/** Waits for a status bar item with this text (e.g. a `setStatusBarMessage`). */
export async function waitForStatus(p, text, timeout = 10_000) {
  await p.locator('.statusbar-item', { hasText: text }).first().waitFor({ timeout });
}
