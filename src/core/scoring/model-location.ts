import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export interface LocationOptions {
  /** Relative folders are taken from here (the CLI's cwd, the first workspace folder). */
  base: string;
  /** The value names a folder whatever it looks like (the `modelPath` setting). */
  folder?: boolean;
  home?: string;
}

/**
 * The one rule for "is this a local model folder". A model is a folder when it is written as a path
 * (absolute, `~`, `./`, `../`), when `folder` says so, or when a file or folder of that name exists
 * under `base`; anything else is a hub id like `Xenova/ms-marco-MiniLM-L-6-v2`. Folders come back
 * absolute with `~` expanded, so everything downstream can tell them apart with `isLocalModel`.
 */
export function resolveModelLocation(value: string, options: LocationOptions): string {
  const arg = value.trim();
  if (arg === '~' || arg.startsWith('~/') || arg.startsWith('~\\')) return join(options.home ?? homedir(), arg.slice(1));
  if (isAbsolute(arg)) return arg;
  const written = /^\.{1,2}([\\/]|$)/.test(arg);
  const candidate = resolve(options.base, arg);
  return options.folder || written || existsSync(candidate) ? candidate : arg;
}

/** For a model already resolved by `resolveModelLocation`: local folders are absolute paths. */
export function isLocalModel(model: string): boolean {
  return isAbsolute(model);
}
