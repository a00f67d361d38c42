import { isCancelled, isInputError } from '../core/errors';
import { isRemoteRerankError } from '../core/rerankers/remote';
import { UsageError } from './args';
import { EVAL_USAGE, evalCommand } from './eval';
import { RERANK_USAGE, rerankCommand } from './rerank';

/** Each command gets its arguments and a signal that Ctrl-C aborts; it returns the exit code. */
const COMMANDS: Record<string, { usage: string; run: (argv: string[], signal: AbortSignal) => Promise<number> }> = {
  rerank: { usage: RERANK_USAGE, run: rerankCommand },
  eval: { usage: EVAL_USAGE, run: evalCommand },
};

const USAGE = `${Object.values(COMMANDS)
  .map((c, i) => c.usage.split('\n')[0].replace(/^Usage:/, i === 0 ? 'Usage:' : '      '))
  .join('\n')}

Commands: ${Object.keys(COMMANDS).join(', ')} (rerank-lens <command> --help for its options).
Exit codes: 0 success, 1 usage error, 2 bad input (files, query, model) or a reranking server's refusal,
3 internal error, 130 cancelled.
The default model downloads from the Hugging Face hub on first use (HF_ENDPOINT picks a mirror).`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) return fail(new UsageError(name === undefined ? 'No command given.' : `Unknown command "${name}".`), USAGE);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  try {
    return await command.run(rest, abort.signal);
  } catch (err) {
    return fail(err, command.usage);
  }
}

/** Prints what went wrong and returns the exit code: input errors name the file, only bugs get a stack. */
function fail(err: unknown, usage: string): number {
  // parseArgs rejects unknown or malformed options with ERR_PARSE_ARGS_* errors: usage errors too.
  if (err instanceof UsageError || (err as { code?: unknown })?.code?.toString().startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`rerank-lens: ${(err as Error).message}\n\n${usage}\n`);
    return 1;
  }
  // A reranking server's error is one line naming the endpoint and the HTTP status, never the key.
  if (isInputError(err) || (isRemoteRerankError(err) && err.code !== 'cancelled')) {
    process.stderr.write(`rerank-lens: ${err.message}\n`);
    return 2;
  }
  if (isCancelled(err)) {
    process.stderr.write('rerank-lens: cancelled\n');
    return 130;
  }
  process.stderr.write(`rerank-lens: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 3;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => (process.exitCode = fail(err, USAGE)),
);
