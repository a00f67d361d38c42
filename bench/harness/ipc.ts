/**
 * Benchmark processes over Node's IPC channel. The parent holds a `BenchChild`; the child either serves
 * requests (`serveRequests`: a contender that stays loaded while the parent interleaves runs) or computes one
 * value and exits (`replyOnce`). A child answers one request at a time, in order, so timed runs never overlap.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

type ToChild = { type: 'request'; id: number; request: unknown } | { type: 'exit' };
type FromChild =
  | { type: 'ready'; info: unknown }
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: string };

const READY = -1;
const ONE_SHOT = 0;
/** Every process started here and still running: stopped if the run fails or is interrupted. */
const live = new Set<ChildProcess>();

export function stopAll(): void {
  for (const proc of live) proc.kill();
}

export class BenchChild<Req = unknown> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  private readonly proc: ChildProcess;
  private readonly exited: Promise<void>;
  /** Resolves with the child's `info` once it serves requests (serveRequests). */
  readonly ready: Promise<unknown>;
  private readonly single: Promise<unknown>;

  constructor(readonly label: string, script: string, args: readonly string[] = []) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, script), ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(this.proc);
    // Expected from the start, so a reply that comes early is kept. A child sends one or the other: the
    // promise it never settles is only rejected when it exits, and nobody awaits that one.
    this.ready = this.expect(READY);
    this.single = this.expect(ONE_SHOT);
    this.ready.catch(() => undefined);
    this.single.catch(() => undefined);
    this.proc.on('message', (m: FromChild) => {
      const id = m.type === 'ready' ? READY : m.id;
      const p = this.pending.get(id);
      this.pending.delete(id);
      if (m.type === 'ready') p?.resolve(m.info);
      else if (m.ok) p?.resolve(m.value);
      else p?.reject(new Error(`${label}: ${m.error}`));
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    this.exited = new Promise((done) => {
      this.proc.on('exit', (code, signal) => {
        live.delete(this.proc);
        fail(new Error(`benchmark process "${label}" exited (${signal ?? `code ${code}`})`));
        done();
      });
    });
    this.proc.on('error', fail);
  }

  request<T>(request: Req): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const reply = this.expect<T>(id);
    this.proc.send({ type: 'request', id, request } satisfies ToChild);
    return reply;
  }

  /** The single value of a child that uses replyOnce. */
  result<T>(): Promise<T> {
    return this.single as Promise<T>;
  }

  /** Asks the child to exit (it disposes what it holds); kills it after 10 s. */
  async close(): Promise<void> {
    if (!live.has(this.proc)) return;
    if (this.proc.connected) this.proc.send({ type: 'exit' } satisfies ToChild);
    const timer = setTimeout(() => this.proc.kill(), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  private expect<T>(id: number): Promise<T> {
    return new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
  }
}

const send = (message: FromChild): void => void process.send?.(message);
const describe = (err: unknown): string => (err instanceof Error ? (err.stack ?? err.message) : String(err));

function requireParent(): void {
  if (!process.send) throw new Error(`${process.argv[1]} is started by the benchmark runner (it needs an IPC channel)`);
  // The parent went away (it failed or was interrupted): nothing left to do.
  process.on('disconnect', () => process.exit(1));
}

/** Child side: answers requests one at a time, in order; `dispose` runs when the parent asks it to exit. */
export function serveRequests<Req>(handle: (request: Req) => Promise<unknown>, options: { info?: unknown; dispose?: () => Promise<void> } = {}): void {
  requireParent();
  let queue: Promise<void> = Promise.resolve();
  process.on('message', (m: ToChild) => {
    queue = queue.then(async () => {
      if (m.type === 'exit') {
        await options.dispose?.().catch(() => undefined);
        process.exit(0);
      }
      try {
        send({ type: 'reply', id: m.id, ok: true, value: await handle(m.request as Req) });
      } catch (err) {
        send({ type: 'reply', id: m.id, ok: false, error: describe(err) });
      }
    });
  });
  send({ type: 'ready', info: options.info });
}

/** Child side: computes one value, sends it and exits, whatever handles remain open. */
export function replyOnce(make: () => Promise<unknown>): void {
  requireParent();
  make().then(
    (value) => process.send!({ type: 'reply', id: ONE_SHOT, ok: true, value } satisfies FromChild, () => process.exit(0)),
    (err: unknown) => process.send!({ type: 'reply', id: ONE_SHOT, ok: false, error: describe(err) } satisfies FromChild, () => process.exit(1)),
  );
}
