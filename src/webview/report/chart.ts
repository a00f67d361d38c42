/**
 * The per-query ΔnDCG@k bar chart, drawn by Chart.js (bundled: no CDN, nothing fetched). Colours come
 * from the theme's CSS variables and are read again when the theme changes; the direction of a bar
 * (above or below zero) carries its meaning, not its colour alone.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { signed, fixed } from './dom';
import type { QueryDelta } from './tables';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

interface Theme {
  up: string;
  down: string;
  text: string;
  grid: string;
  zero: string;
  border: string | undefined;
  font: string;
}

function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = v('--vscode-foreground', '#888');
  const contrast = style.getPropertyValue('--vscode-contrastBorder').trim();
  return {
    up: v('--vscode-charts-green', '#388a34'),
    down: v('--vscode-charts-red', '#e51400'),
    text: v('--vscode-charts-foreground', foreground),
    grid: v('--vscode-charts-lines', 'rgba(128, 128, 128, 0.3)'),
    zero: foreground,
    // High-contrast themes define a contrast border: outline every bar with it.
    border: contrast || undefined,
    font: style.fontFamily,
  };
}

export class DeltaChart {
  private chart: Chart<'bar'> | undefined;
  private readonly observer: MutationObserver;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onOpen: (queryId: string) => void,
  ) {
    // VS Code swaps the body's theme class (vscode-light / vscode-dark / vscode-high-contrast) on a theme change.
    this.observer = new MutationObserver(() => this.restyle());
    this.observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  }

  show(deltas: readonly QueryDelta[], k: number): void {
    this.chart?.destroy();
    const theme = readTheme();
    const values = deltas.map((d) => d.delta);
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels: deltas.map((d) => d.id),
        datasets: [{ label: `ΔnDCG@${k}`, data: values, borderWidth: theme.border ? 1 : 0 }],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        onClick: (_event, elements) => {
          const hit = elements[0];
          if (hit) this.onOpen(deltas[hit.index].id);
        },
        onHover: (event, elements) => {
          const target = event.native?.target as HTMLElement | undefined;
          if (target) target.style.cursor = elements.length ? 'pointer' : 'default';
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: (items) => {
                const d = deltas[items[0].dataIndex];
                return d.text ? `${d.id}: ${d.text}` : d.id;
              },
              label: (item) => {
                const d = deltas[item.dataIndex];
                return `ΔnDCG@${k} ${signed(d.delta)} (${fixed(d.before)} → ${fixed(d.after)})`;
              },
            },
          },
        },
        scales: {
          x: { title: { display: true, text: 'Query (sorted by change)' }, ticks: { autoSkip: true, maxRotation: 60 } },
          y: { title: { display: true, text: `ΔnDCG@${k}` }, suggestedMin: -0.1, suggestedMax: 0.1 },
        },
      },
    };
    this.chart = new Chart(this.canvas, config);
    this.apply(theme, values);
  }

  private restyle(): void {
    if (!this.chart) return;
    this.apply(readTheme(), this.chart.data.datasets[0].data as number[]);
  }

  private apply(theme: Theme, values: readonly number[]): void {
    const chart = this.chart!;
    const dataset = chart.data.datasets[0];
    dataset.backgroundColor = values.map((v) => (v < 0 ? theme.down : theme.up));
    dataset.borderColor = theme.border ?? 'transparent';
    dataset.borderWidth = theme.border ? 1 : 0;
    chart.options.font = { family: theme.font };
    for (const axis of ['x', 'y'] as const) {
      const scale = chart.options.scales![axis]!;
      scale.ticks = { ...scale.ticks, color: theme.text };
      scale.grid = { color: axis === 'y' ? (ctx) => (ctx.tick.value === 0 ? theme.zero : theme.grid) : theme.grid };
      if ('title' in scale && scale.title) scale.title.color = theme.text;
    }
    chart.update('none');
  }

  dispose(): void {
    this.observer.disconnect();
    this.chart?.destroy();
  }
}
