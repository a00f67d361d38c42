/**
 * The machine's 1-minute load average, sampled through the run: figures taken on a busy machine are not
 * comparable with a quiet one's, so every section reports the load it ran under. The benchmark itself adds
 * about one per core while it scores (ONNX Runtime keeps every core busy).
 */
import { loadavg } from 'node:os';

export interface LoadStats {
  /** When the section (or run) started: mostly other work, since the 1-minute average lags. */
  atStart: number;
  mean: number;
  max: number;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

export class LoadSampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 5000) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs).unref();
  }

  /** A position to compute stats from (the current sample count). */
  mark(): number {
    this.sample();
    return this.samples.length - 1;
  }

  since(mark: number): LoadStats {
    this.sample();
    const window = this.samples.slice(mark);
    return { atStart: round1(window[0]), mean: round1(window.reduce((a, b) => a + b, 0) / window.length), max: round1(Math.max(...window)) };
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private sample(): void {
    this.samples.push(loadavg()[0]);
  }
}
