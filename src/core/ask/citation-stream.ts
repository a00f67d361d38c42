import { splitCitations, type CitationPart } from '../../shared/citations';

/** A trailing piece that may still become a citation marker once the next chunk arrives: `[`, `[1`, `[12`, `[123`. */
const OPEN_MARKER = /\[\d{0,3}$/;

/**
 * Splits a streamed answer into plain runs and citations `[n]` as it arrives. Models stream a few characters
 * at a time, so a marker often spans two chunks ("…context [" + "1] …"): only a trailing piece that could
 * still be a marker is held back until the next chunk (or `end`).
 */
export class CitationStream {
  private held = '';

  constructor(
    private readonly documentCount: number,
    private readonly emit: (part: CitationPart) => void,
  ) {}

  push(text: string): void {
    const all = this.held + text;
    const open = OPEN_MARKER.exec(all);
    this.held = open ? all.slice(open.index) : '';
    const ready = open ? all.slice(0, open.index) : all;
    if (ready) for (const part of splitCitations(ready, this.documentCount)) this.emit(part);
  }

  /** Emits what was held back (the answer ended, or was stopped, inside a would-be marker). */
  end(): void {
    if (this.held) this.emit({ text: this.held });
    this.held = '';
  }
}
