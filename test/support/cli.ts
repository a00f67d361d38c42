import { execFile } from 'node:child_process';
import { CLI, REPO } from './models';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Where it runs; the repository root by default. */
  cwd?: string;
}

/** Runs the built CLI (dist/cli.js) and resolves to its exit code and output (it never rejects). */
export function runCli(args: string[], { env = {}, cwd = REPO }: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
