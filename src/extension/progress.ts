import * as vscode from 'vscode';
import type { Progress } from '../shared/worker-protocol';
import type { StatusItem } from './status';

export type Report = (p: Progress) => void;

/** The reads and reranks running now: "Cancel Reranking" (the status bar item's click) stops them all. */
const runningSources = new Set<vscode.CancellationTokenSource>();
export const RERANKING = 'rerankLens.reranking';

export function cancelRunning(): number {
  const n = runningSources.size;
  for (const source of runningSources) source.cancel();
  return n;
}

/**
 * Runs a step of a rerank under a cancellable notification, mirrored in the status bar. With `delayMs`
 * the notification only opens when the step takes longer than that: reading a few small files is
 * instant and should not flash a notification, reading a 50 MB one should be visible and stoppable.
 */
export async function withRerankProgress<T>(
  status: StatusItem,
  step: (token: vscode.CancellationToken, report: Report) => Promise<T>,
  delayMs = 0,
): Promise<T> {
  const source = new vscode.CancellationTokenSource();
  runningSources.add(source);
  void vscode.commands.executeCommand('setContext', RERANKING, true);
  let notify: Report | undefined;
  let last: Progress | undefined;
  const report: Report = (p) => {
    last = p;
    status.busy(statusText(p));
    notify?.(p);
  };
  const running = step(source.token, report);
  try {
    if (delayMs > 0 && (await settlesWithin(running, delayMs))) return await running;
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Rerank Lens', cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => source.cancel());
        notify = notifier(progress);
        if (last) notify(last);
        try {
          return await running;
        } finally {
          cancel.dispose();
        }
      },
    );
  } finally {
    runningSources.delete(source);
    if (runningSources.size === 0) void vscode.commands.executeCommand('setContext', RERANKING, false);
    source.dispose();
    status.idle();
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = promise.then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The status bar's words for a progress event (the rerank command, Evaluate and the chat participant). */
export function statusText(p: Progress): string {
  switch (p.phase) {
    case 'read':
      return p.percent === undefined ? `reading ${p.file}` : `reading ${p.file} ${p.percent}%`;
    case 'download':
      return `downloading model ${Math.round(p.percent)}%`;
    case 'load':
      return 'loading model';
    case 'score':
      return `scoring ${p.done}/${p.total}`;
  }
}

/** Worker progress in a notification of the caller's and in the status bar item (Evaluate uses it). */
export function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>, status: StatusItem): Report {
  const notify = notifier(progress);
  return (p) => {
    status.busy(statusText(p), false); // cancelled from its own notification, not Cancel Reranking
    notify(p);
  };
}

function notifier(progress: vscode.Progress<{ message?: string; increment?: number }>): Report {
  let last = 0;
  return (p) => {
    if (p.phase === 'read') {
      progress.report({ message: p.percent === undefined ? `Reading ${p.file}…` : `Reading ${p.file} ${p.percent}%` });
    } else if (p.phase === 'download') {
      progress.report({ message: `Downloading model ${p.file} ${Math.round(p.percent)}%` });
    } else if (p.phase === 'load') {
      progress.report({ message: 'Loading model…' });
    } else {
      const increment = ((p.done - last) / p.total) * 100;
      last = p.done;
      progress.report({ message: `Scored ${p.done} / ${p.total}`, increment });
    }
  };
}
