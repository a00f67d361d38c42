import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

// Raw HTML in model output is shown as text, never parsed; links are validated by markdown-it
// (javascript:, vbscript:, file: and data: other than images are refused) and sanitized again below.
const md = new MarkdownIt({ html: false, linkify: false, typographer: false });

/**
 * Markdown → sanitized DOM fragment, with citation markers [n] turned into links for the documents
 * that exist. Text nodes are rewritten through the DOM, so no string of model output becomes HTML.
 */
export function renderAnswer(markdown: string, documentCount: number): DocumentFragment {
  const html = DOMPurify.sanitize(md.render(markdown), {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed', 'img', 'svg', 'math'],
    FORBID_ATTR: ['style'],
    RETURN_DOM_FRAGMENT: true,
  });
  linkCitations(html, documentCount);
  return html;
}

function linkCitations(root: DocumentFragment, documentCount: number): void {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement?.closest('code, pre, a') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts: Text[] = [];
  while (walker.nextNode()) texts.push(walker.currentNode as Text);
  for (const text of texts) {
    const parts = text.data.split(/(\[\d{1,3}\])/);
    if (parts.length === 1) continue;
    const out = document.createDocumentFragment();
    for (const part of parts) {
      const n = /^\[(\d{1,3})\]$/.exec(part)?.[1];
      if (n && Number(n) >= 1 && Number(n) <= documentCount) {
        const a = document.createElement('a');
        a.className = 'cite';
        a.href = '#';
        a.dataset.cite = n;
        a.textContent = `[${n}]`;
        a.title = `Show document ${n}`;
        out.append(a);
      } else if (part) {
        out.append(document.createTextNode(part));
      }
    }
    text.replaceWith(out);
  }
}
