import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { splitCitations } from '../shared/citations';

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
    const parts = splitCitations(text.data, documentCount);
    if (parts.every((p) => 'text' in p)) continue;
    const out = document.createDocumentFragment();
    for (const part of parts) {
      if ('text' in part) {
        out.append(document.createTextNode(part.text));
        continue;
      }
      const a = document.createElement('a');
      a.className = 'cite';
      a.href = '#';
      a.dataset.cite = String(part.cite);
      a.textContent = `[${part.cite}]`;
      a.title = `Show document ${part.cite}`;
      out.append(a);
    }
    text.replaceWith(out);
  }
}
