/** Small helpers for reading untrusted JSON values without recursion. */

export type Json = Record<string, unknown>;
export type Path = readonly (string | number)[];

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function has(v: unknown, key: string): boolean {
  return isObject(v) && v[key] !== undefined && v[key] !== null;
}

/** The first element that is an object, for telling shapes apart by their items. */
export function firstObject(list: readonly unknown[]): Json | undefined {
  for (let i = 0; i < list.length && i < 50; i++) {
    const v = list[i];
    if (isObject(v)) return v;
  }
  return undefined;
}

/** A short description of a value for messages: `a string ("abc")`, `an array`, `a number (3)`. */
export function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)})`;
  return `${typeof v === 'number' ? 'a number' : `a ${typeof v}`} (${String(v)})`;
}

export function describeRoot(root: unknown): string {
  if (isObject(root)) {
    const keys = Object.keys(root).slice(0, 5).map((k) => JSON.stringify(k));
    return keys.length ? `an object with ${keys.join(', ')}` : 'an empty object';
  }
  return kind(root);
}

/** `responses[1].hits.hits` for messages and result-set labels. */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += /^[A-Za-z_$][\w$]*$/.test(part) ? (out ? `.${part}` : part) : `[${JSON.stringify(part)}]`;
  }
  return out || '(the top level)';
}

/**
 * Reads a dot path such as `payload.meta.title` or `hits.hits`. A segment that is a whole number
 * indexes an array. Keys that themselves contain dots (OpenTelemetry's `retrieval.documents`) are
 * matched whole first, longest first. Returns the value and the concrete path it was found at.
 */
export function getPath(value: unknown, dotPath: string): { value: unknown; path: (string | number)[] } | undefined {
  const parts = dotPath.split('.').filter((p) => p !== '');
  let current = value;
  const path: (string | number)[] = [];
  let i = 0;
  while (i < parts.length) {
    if (Array.isArray(current)) {
      const index = Number(parts[i]);
      if (!Number.isInteger(index) || index < 0 || index >= current.length) return undefined;
      current = current[index];
      path.push(index);
      i++;
      continue;
    }
    if (!isObject(current)) return undefined;
    let matched = false;
    for (let end = parts.length; end > i; end--) {
      const key = parts.slice(i, end).join('.');
      if (Object.hasOwn(current, key)) {
        current = current[key];
        path.push(key);
        i = end;
        matched = true;
        break;
      }
    }
    if (!matched) return undefined;
  }
  return { value: current, path };
}

/** A finite number, or a numeric string (Weaviate writes BM25 scores as strings); otherwise undefined. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
