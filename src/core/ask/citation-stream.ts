import { splitCitations, type CitationPart } from '../../shared/citations';

/** A trailing piece that may still become a citation marker once the next chunk arrives: `[`, `[1`, `[12`, `[123`. */
const OPEN_MARKER = /\[\d{0,3}$/;

export interface CitationStreamOptions {
  /**
   * `literal`: Markdown images in the text (`![alt](url)`) come out as plain text, so an answer (steered by a
   * chunk it was given) cannot make the renderer fetch a URL; a `!` at the end of a chunk is held back until the
   * next one shows whether an image starts there. Default `keep`.
   */
  images?: 'keep' | 'literal';
}

/**
 * Splits a streamed answer into plain runs and citations `[n]` as it arrives. Models stream a few characters
 * at a time, so a marker often spans two chunks ("…context [" + "1] …"): only a trailing piece that could
 * still be a marker is held back until the next chunk (or `end`).
 */
export class CitationStream {
  private held = '';
  private readonly literalImages: boolean;

  constructor(
    private readonly documentCount: number,
    private readonly emit: (part: CitationPart) => void,
    options: CitationStreamOptions = {},
  ) {
    this.literalImages = options.images === 'literal';
  }

  push(text: string): void {
    const all = this.held + text;
    const open = OPEN_MARKER.exec(all);
    let cut = open ? open.index : all.length;
    if (this.literalImages && cut > 0 && all[cut - 1] === '!') cut--; // "!" + "[…": maybe an image
    this.held = all.slice(cut);
    this.send(all.slice(0, cut));
  }

  /** Emits what was held back (the answer ended, or was stopped, inside a would-be marker). */
  end(): void {
    const rest = this.held;
    this.held = '';
    if (rest) this.emitText(rest, false);
  }

  private send(ready: string): void {
    if (!ready) return;
    const parts = splitCitations(ready, this.documentCount);
    parts.forEach((part, i) => {
      if ('cite' in part) this.emit(part);
      else this.emitText(part.text, 'cite' in (parts[i + 1] ?? {}));
    });
  }

  private emitText(text: string, beforeCitation: boolean): void {
    if (!this.literalImages) {
      this.emit({ text });
      return;
    }
    // `\[` cannot open a link or an image; a `!` right before a citation link would turn it into an image.
    let safe = text.replace(/!\[/g, '!\\[');
    if (beforeCitation && safe.endsWith('!')) safe = `${safe.slice(0, -1)}\\!`;
    this.emit({ text: safe });
  }
}
