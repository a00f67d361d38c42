import type { Path } from './values';

/** Deeper nesting is refused: JSON.stringify and structured cloning overflow the stack a few thousand levels down. */
export const MAX_DEPTH = 256;

export interface Position {
  line: number;
  column: number;
}

export class TooDeep extends Error {
  constructor(readonly offset: number) {
    super(`nested more than ${MAX_DEPTH} levels deep`);
  }
}

interface Frame {
  array: boolean;
  index: number;
  key?: string;
  /** This container's path, kept only as deep as a wanted parent path goes. */
  path?: (string | number)[];
  /** Where each child starts, when this container is a wanted parent. */
  children?: Map<string | number, number>;
}

function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length - 1;
    let backslashes = 0;
    for (let k = quote - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

const keyOf = (path: readonly (string | number)[]) => JSON.stringify(path);

/**
 * Finds where the values at `paths` start in `text` (JSON that already parsed) in one linear pass,
 * without recursion, and throws TooDeep past MAX_DEPTH. A path that is not in the text (a value the
 * format synthesised) gets the position of its nearest ancestor that is.
 */
export function locate(text: string, paths: readonly Path[]): (path: Path) => Position {
  const wanted = new Set<string>();
  let maxLen = 0;
  for (const path of paths) {
    for (let len = path.length - 1; len >= 0; len--) {
      const key = keyOf(path.slice(0, len));
      if (wanted.has(key)) break;
      wanted.add(key);
      maxLen = Math.max(maxLen, len);
    }
  }
  const found = new Map<string, Map<string | number, number>>();
  let rootOffset = 0;
  const frames: Frame[] = [];
  let expectKey = false;
  const valueStart = (offset: number) => {
    const top = frames[frames.length - 1];
    if (!top) rootOffset = offset;
    else top.children?.set(top.array ? top.index : (top.key ?? ''), offset);
  };
  const enter = (offset: number, array: boolean) => {
    valueStart(offset);
    const top = frames[frames.length - 1];
    let path: (string | number)[] | undefined;
    if (!top) path = [];
    else if (top.path && top.path.length < maxLen) path = [...top.path, top.array ? top.index : (top.key ?? '')];
    const key = path && keyOf(path);
    const children = key !== undefined && wanted.has(key) ? new Map<string | number, number>() : undefined;
    if (children) found.set(key!, children);
    frames.push({ array, index: 0, path, children });
    if (frames.length > MAX_DEPTH) throw new TooDeep(offset);
  };
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a /* : */) {
      i++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      enter(i, c === 0x5b);
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      frames.pop();
      expectKey = false;
      i++;
    } else if (c === 0x2c /* , */) {
      const top = frames[frames.length - 1];
      if (top?.array) top.index++;
      else expectKey = true;
      i++;
    } else if (c === 0x22 /* " */) {
      const end = stringEnd(text, i);
      const top = frames[frames.length - 1];
      if (top && !top.array && expectKey) {
        if (top.children || (top.path && top.path.length < maxLen)) {
          const raw = text.slice(i, end + 1);
          top.key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        }
        expectKey = false;
      } else {
        valueStart(i);
      }
      i = end + 1;
    } else {
      valueStart(i);
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 0x2c || d === 0x5d || d === 0x7d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
        i++;
      }
    }
  }
  const lines = lineStarts(text);
  // Consecutive items share their parent: remember its children instead of re-keying it each time.
  let lastParent: Path = [];
  let lastChildren = found.get(keyOf([]));
  const offsetOf = (path: Path): number => {
    const parentLength = path.length - 1;
    if (parentLength >= 0 && parentLength === lastParent.length && lastParent.every((p, i) => p === path[i])) {
      const offset = lastChildren?.get(path[parentLength]);
      if (offset !== undefined) return offset;
    }
    for (let len = path.length; len > 0; len--) {
      const parent = path.slice(0, len - 1);
      const children = found.get(keyOf(parent));
      const offset = children?.get(path[len - 1]);
      if (offset !== undefined) {
        lastParent = parent;
        lastChildren = children;
        return offset;
      }
    }
    return rootOffset;
  };
  return (path) => positionIn(lines, offsetOf(path));
}

/** Offsets where each line starts, for turning offsets into line and column by binary search. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function positionIn(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** The offset where nesting first goes past MAX_DEPTH (brackets outside strings), or -1. */
export function tooDeepAt(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) i = stringEnd(text, i);
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return -1;
}
