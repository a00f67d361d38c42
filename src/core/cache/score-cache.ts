/**
 * A persistent cache of reranker scores, shared by the editor and the CLI through one directory.
 *
 * Keyed by (reranker, model, revision, dtype, max length, query) — one shard file each, see shard-file.ts —
 * and the sha256 of a document's text within the shard. Re-ranking a query reads one file of 48 bytes per
 * document. Safe with several processes: every write merges with the file as it is on disk, goes to a
 * temporary file and is renamed over the shard (readers see the old or the new file, never half of one; if
 * two writers race, one's new entries are lost and simply scored again). A corrupt or truncated shard is
 * ignored with a warning and replaced on the next write. Bounded: least recently used shards (file mtime,
 * touched on every hit) are deleted once the directory holds more than `maxEntries` entries.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ENTRY_BYTES, SHARD_VERSION, decodeShard, documentHash, encodeShard, type ShardEntries } from './shard-file';

export const DEFAULT_MAX_ENTRIES = 200_000;
/** A sweep deletes down to this share of the bound, so the next one is not due right away. */
const SWEEP_TARGET = 0.9;
/** Temporary files older than this were left by a process that died mid-write. */
const STALE_TMP_MS = 60 * 60_000;

/** Everything a score depends on besides the document text. */
export interface ScoreKey {
  /** `local`, or the remote protocol (`tei`, `cohere`, `voyage`). */
  reranker: string;
  /** Hub id, local folder or remote model name. */
  model: string;
  /** What identifies the model's bytes: modelRevision() for local models, the server's model version for remote ones. */
  revision: string;
  /** `fp32` / `q8`; empty for remote rerankers. */
  dtype: string;
  maxLength: number;
  query: string;
}

export interface ScoreCacheOptions {
  maxEntries?: number;
  /** Called with a one-line message when a cache file is ignored or cannot be written. */
  warn?: (message: string) => void;
}

export class ScoreCache {
  readonly maxEntries: number;
  private readonly shardDir: string;
  private readonly warn: (message: string) => void;
  /** Entries this process wrote since its last sweep; a sweep is due once they could exceed the bound. */
  private writtenSinceSweep = Number.POSITIVE_INFINITY;

  constructor(readonly dir: string, options: ScoreCacheOptions = {}) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.shardDir = join(dir, `scores-v${SHARD_VERSION}`);
    this.warn = options.warn ?? (() => undefined);
  }

  /** The cached score of each document, or undefined where there is none. */
  async lookup(key: ScoreKey, documents: readonly string[]): Promise<(number | undefined)[]> {
    const { file, context } = this.locate(key);
    const shard = await this.read(file, context);
    if (!shard) return documents.map(() => undefined);
    const index = new Map<string, number>();
    shard.hashes.forEach((h, i) => index.set(h, i));
    let hits = 0;
    const scores = documents.map((d) => {
      const i = index.get(documentHash(d));
      if (i === undefined) return undefined;
      hits++;
      return shard.scores[i];
    });
    // Recency for the LRU bound; a failure only makes the shard look older.
    if (hits) {
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
    }
    return scores;
  }

  /** Records scores (non-finite ones are skipped), merged with whatever the shard holds on disk now. */
  async store(key: ScoreKey, documents: readonly string[], scores: readonly number[]): Promise<void> {
    if (documents.length !== scores.length) throw new Error(`store: ${documents.length} documents but ${scores.length} scores`);
    const { file, context } = this.locate(key);
    const now = Date.now();
    const merged = new Map<string, [score: number, lastUsed: number]>();
    const onDisk = await this.read(file, context);
    onDisk?.hashes.forEach((h, i) => merged.set(h, [onDisk.scores[i], onDisk.lastUsed[i]]));
    documents.forEach((d, i) => {
      if (Number.isFinite(scores[i])) merged.set(documentHash(d), [scores[i], now]);
    });
    let entries = [...merged];
    if (entries.length > this.maxEntries) {
      // One query larger than the whole cache: keep its most recently used entries.
      entries = entries.sort((a, b) => b[1][1] - a[1][1]).slice(0, Math.floor(this.maxEntries * SWEEP_TARGET));
    }
    const shard: ShardEntries = {
      hashes: entries.map(([h]) => h),
      scores: Float64Array.from(entries, ([, v]) => v[0]),
      lastUsed: Float64Array.from(entries, ([, v]) => v[1]),
    };
    try {
      await mkdir(this.shardDir, { recursive: true });
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, encodeShard(context, shard));
      await rename(tmp, file).catch(async (err: unknown) => {
        await unlink(tmp).catch(() => undefined);
        throw err;
      });
    } catch (err) {
      this.warn(`Could not write the score cache in ${this.dir}: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.writtenSinceSweep += entries.length - (onDisk?.hashes.length ?? 0);
    if (this.writtenSinceSweep > this.maxEntries * (1 - SWEEP_TARGET)) await this.sweep(file);
  }

  /**
   * Once the directory holds more than `maxEntries` (counted from file sizes, slightly over), deletes least
   * recently used shards, never `keep`, down to 90% of it; also removes temporary files of crashed writers.
   * store() runs it on a process's first write and then whenever its writes could have crossed the bound.
   */
  async sweep(keep?: string): Promise<void> {
    this.writtenSinceSweep = 0;
    const names = await readdir(this.shardDir).catch(() => [] as string[]);
    const shards: { file: string; entries: number; used: number }[] = [];
    const now = Date.now();
    for (const name of names) {
      const file = join(this.shardDir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      if (name.endsWith('.tmp')) {
        if (now - info.mtimeMs > STALE_TMP_MS) await unlink(file).catch(() => undefined);
      } else if (name.endsWith('.bin')) {
        shards.push({ file, entries: Math.ceil(info.size / ENTRY_BYTES), used: info.mtimeMs });
      }
    }
    let total = shards.reduce((sum, s) => sum + s.entries, 0);
    if (total <= this.maxEntries) return;
    for (const s of shards.sort((a, b) => a.used - b.used)) {
      if (total <= this.maxEntries * SWEEP_TARGET) break;
      if (s.file === keep) continue;
      await unlink(s.file).catch(() => undefined);
      total -= s.entries;
    }
  }

  private locate(key: ScoreKey): { file: string; context: string } {
    const context = JSON.stringify([key.reranker, key.model, key.revision, key.dtype, key.maxLength, key.query]);
    const name = createHash('sha256').update(context).digest('hex');
    return { file: join(this.shardDir, `${name}.bin`), context };
  }

  private async read(file: string, context: string): Promise<ShardEntries | undefined> {
    let buf: Buffer;
    try {
      buf = await readFile(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // No file (or no directory) yet is the normal cold case; anything else is worth a line in the log.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.warn(`Ignoring the score cache file ${file}: ${(err as Error).message}`);
      return undefined;
    }
    const shard = decodeShard(buf, context);
    if ('problem' in shard) {
      this.warn(`Ignoring the score cache file ${file}: ${shard.problem}.`);
      return undefined;
    }
    return shard;
  }
}

/**
 * Scores `documents` through the cache: only documents without a cached score (each distinct text once) go
 * to `score`, and their scores are stored. Returns every score in document order and how many were cached.
 */
export async function scoreThroughCache(
  cache: ScoreCache,
  key: ScoreKey,
  documents: readonly string[],
  score: (missing: string[]) => Promise<number[]>,
): Promise<{ scores: number[]; cached: number }> {
  const known = await cache.lookup(key, documents);
  const missing = [...new Set(documents.filter((_, i) => known[i] === undefined))];
  const cached = known.filter((s) => s !== undefined).length;
  if (!missing.length) return { scores: known as number[], cached };
  const fresh = await score(missing);
  if (fresh.length !== missing.length) throw new Error(`the reranker returned ${fresh.length} scores for ${missing.length} documents`);
  const byText = new Map(missing.map((d, i) => [d, fresh[i]]));
  const scores = documents.map((d, i) => known[i] ?? (byText.get(d) as number));
  // Storing every document of the request refreshes the hits' last use along with the new entries.
  await cache.store(key, documents, scores);
  return { scores, cached };
}
