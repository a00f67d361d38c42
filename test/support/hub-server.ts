import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface HubServer {
  /** Base URL ending in '/', for transformers.js `env.remoteHost`. */
  url: string;
  /** Paths requested so far (method and path). */
  requests: string[];
  close(): Promise<void>;
}

/**
 * Serves model folders the way the Hugging Face hub does (`/{org}/{name}/resolve/{revision}/{file}`),
 * on loopback, so the real download code runs without the internet. `delayMs` slows each response.
 */
export async function startHubServer(models: Record<string, string>, options: { delayMs?: number } = {}): Promise<HubServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      requests.push(`${req.method} ${path}`);
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      const match = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/.exec(path);
      const dir = match ? models[match[1]] : undefined;
      const file = dir && match ? join(dir, normalize(match[2]).replace(/^(\.\.[/\\])+/, '')) : undefined;
      const info = file ? await stat(file).catch(() => undefined) : undefined;
      if (!file || !info?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
        return;
      }
      res.writeHead(200, { 'content-length': String(info.size), 'content-type': 'application/octet-stream' });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
