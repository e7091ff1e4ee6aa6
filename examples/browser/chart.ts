// A line chart drawn by hand into an <svg>: axes, a few ticks, one polyline per series, a legend.
// Enough for a loss curve and a handful of learning rates; redrawn whole on every update.

export interface Series {
  name: string;
  color: string;
  values: readonly number[];
}

export interface ChartOptions {
  /** Steps on the x axis (the chart does not rescale as the run goes on). */
  xMax: number;
  yMin?: number;
  yMax?: number;
  /** Formats a y tick. */
  format?: (y: number) => string;
  legend?: boolean;
}

const SVG = 'http://www.w3.org/2000/svg';
const MARGIN = { left: 56, right: 12, top: 10, bottom: 28 };

export function drawChart(svg: SVGSVGElement, series: readonly Series[], options: ChartOptions): void {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let yMin = options.yMin ?? (all.length ? Math.min(...all) : 0);
  let yMax = options.yMax ?? (all.length ? Math.max(...all) : 1);
  if (yMax - yMin < 1e-12) { yMax += 0.5; yMin -= 0.5; }
  const xMax = Math.max(1, options.xMax);
  const x = (step: number) => MARGIN.left + ((step - 1) / Math.max(1, xMax - 1)) * plotW;
  const y = (v: number) => MARGIN.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;
  const format = options.format ?? ((v: number) => v.toPrecision(3));

  svg.replaceChildren();
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    svg.appendChild(el);
    return el;
  };

  // Axes and ticks.
  add('line', { x1: MARGIN.left, y1: MARGIN.top + plotH, x2: MARGIN.left + plotW, y2: MARGIN.top + plotH, stroke: '#999' });
  add('line', { x1: MARGIN.left, y1: MARGIN.top, x2: MARGIN.left, y2: MARGIN.top + plotH, stroke: '#999' });
  for (let i = 0; i <= 4; i++) {
    const v = yMin + ((yMax - yMin) * i) / 4;
    add('line', { x1: MARGIN.left, y1: y(v), x2: MARGIN.left + plotW, y2: y(v), stroke: '#eee' });
    add('text', { x: MARGIN.left - 4, y: y(v) + 4, 'text-anchor': 'end' }, format(v));
  }
  for (const step of [1, Math.round(xMax / 2), xMax]) {
    add('text', { x: x(step), y: MARGIN.top + plotH + 16, 'text-anchor': 'middle' }, String(step));
  }
  add('text', { x: MARGIN.left + plotW, y: height - 2, 'text-anchor': 'end' }, 'step');

  // Lines.
  for (const s of series) {
    if (s.values.length === 0) continue;
    const points = s.values.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    add('polyline', { points, fill: 'none', stroke: s.color, 'stroke-width': 1.5 });
  }

  if (options.legend) {
    series.forEach((s, i) => {
      const ly = MARGIN.top + 10 + i * 13;
      add('line', { x1: MARGIN.left + plotW - 150, y1: ly - 4, x2: MARGIN.left + plotW - 136, y2: ly - 4, stroke: s.color, 'stroke-width': 2 });
      add('text', { x: MARGIN.left + plotW - 132, y: ly }, s.name);
    });
  }
}

/** Distinct colors for n series (the top layer first in warm, the bottom in cool colors). */
export function palette(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `hsl(${Math.round((i / Math.max(1, n)) * 300)}, 65%, 45%)`);
}
