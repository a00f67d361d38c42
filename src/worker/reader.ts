/**
 * The results reader: wires the message port to core/reader. Each read gets a worker of its own, so a
 * cancel is a terminate (see core/reader/client.ts); calls arrive one at a time.
 */
import { parentPort } from 'node:worker_threads';
import { readerHandlers } from '../core/reader/serve';
import { toReaderError, type ReaderCall, type ReaderContext, type ReaderResponse } from '../core/reader/protocol';

const port = parentPort;
if (!port) throw new Error('reader.js must run in a worker thread');

const handlers = readerHandlers();
const post = (message: ReaderResponse) => port.postMessage(message);

port.on('message', (call: ReaderCall) => void handle(call));

async function handle(call: ReaderCall): Promise<void> {
  const { id } = call;
  try {
    const handler = handlers[call.method] as (params: ReaderCall['params'], context: ReaderContext) => Promise<unknown>;
    const result = await handler(call.params, { progress: (progress) => post({ type: 'progress', id, progress }) });
    post({ type: 'result', id, result: result as Extract<ReaderResponse, { type: 'result' }>['result'] });
  } catch (err) {
    post({ type: 'error', id, error: toReaderError(err) });
  }
}
