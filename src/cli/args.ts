import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveModelLocation } from '../core/scoring/model-location';
import { DEFAULT_MODEL, isDtype, type ModelSpec } from '../shared/model-spec';
import type { Progress } from '../shared/worker-protocol';

/** A mistake in the command line: printed with the usage, exit code 1. */
export class UsageError extends Error {}

/** The options every command that loads a model takes, for `parseArgs`. */
export const MODEL_OPTIONS = {
  model: { type: 'string', short: 'm' },
  dtype: { type: 'string' },
  'max-length': { type: 'string' },
  'cache-dir': { type: 'string' },
  offline: { type: 'boolean' },
} as const;

export const MODEL_USAGE = `  -m, --model ID|DIR     hub model id or a local model folder (default ${DEFAULT_MODEL})
      --dtype fp32|q8    model precision (default fp32)
      --max-length N     max tokens per query/document pair (default: the model's, 512)
      --cache-dir DIR    where downloaded models are kept (default ~/.cache/rerank-lens/models)
      --offline          never download; use the cache or a local folder only`;

export interface ModelArgs {
  model?: string;
  dtype?: string;
  'max-length'?: string;
  'cache-dir'?: string;
  offline?: boolean;
}

/** The model to load, from the command line and the environment (HF_ENDPOINT, HF_HUB_OFFLINE, XDG_CACHE_HOME). */
export function modelSpecFromArgs(values: ModelArgs): { spec: ModelSpec; name: string } {
  const dtype = values.dtype ?? 'fp32';
  if (!isDtype(dtype)) throw new UsageError(`--dtype must be fp32 or q8, got "${values.dtype}".`);
  const name = values.model ?? DEFAULT_MODEL;
  const spec: ModelSpec = {
    model: resolveModelLocation(name, { base: process.cwd() }),
    dtype,
    cacheDir: resolve(values['cache-dir'] ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'rerank-lens', 'models')),
    allowRemote: !values.offline && process.env.HF_HUB_OFFLINE !== '1',
    remoteHost: process.env.HF_ENDPOINT ? process.env.HF_ENDPOINT.replace(/\/?$/, '/') : undefined,
    maxLength: optionalInt(values['max-length'], '--max-length'),
  };
  return { spec, name };
}

export function optionalInt(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive whole number, got "${value}".`);
  return n;
}

/** A number option within [min, max], e.g. `--min-score=-2` (a negative value needs the `=` form). */
export function optionalNumber(value: string | undefined, name: string, min = -Infinity, max = Infinity): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    const range = Number.isFinite(min) ? ` between ${min} and ${max}` : '';
    throw new UsageError(`${name} must be a number${range}, got "${value}".`);
  }
  return n;
}

/** One self-overwriting progress line on stderr (only when it is a terminal). */
export function showProgress(p: Progress): void {
  process.stderr.write(`\r\x1b[K${progressText(p)}`);
}

export function progressText(p: Progress): string {
  switch (p.phase) {
    case 'download':
      return `Downloading ${p.file} ${Math.round(p.percent)}%`;
    case 'load':
      return 'Loading model…';
    case 'read':
      return p.percent === undefined ? `Reading ${p.file}…` : `Reading ${p.file} ${p.percent}%`;
    case 'score':
      return `Scored ${p.done}/${p.total}`;
  }
}

export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
