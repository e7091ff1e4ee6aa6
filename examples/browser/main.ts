// The browser example: picks WebGPU (else WebGL, else cpu, and says so), builds a small ViT, groups
// it with layerDecayGroups, fine-tunes it on a few hundred real digits (digits.bin) and shows the
// groups, the backend and adapter, the loss and each group's learning rate as it trains.
//
// Query string: seed (default 1), steps (150), batch (32), backend ('auto': webgpu, webgl, cpu in
// that order; a named one must start or the page reports an error), engine ('auto' or 'ops').
// Everything a test needs ends up on window.__results (see PageResults); `done` is set last.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu'; // registers 'webgpu' when the browser has navigator.gpu
import type { EngineChoice, GroupRow } from '../../src/index.js';
import { decodeDigits } from './digits-asset.js';
import { configFromQuery, createTraining, type StepReport, type TrainingConfig } from './training.js';
import { drawChart, palette } from './chart.js';

export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface PageResults {
  done: boolean;
  error: string | null;
  backend: string | null;
  /** Why the page is not on WebGPU (null when it is, or when another backend was asked for). */
  fallback: string | null;
  adapter: AdapterDescription | null;
  /** The WebGL renderer string, on webgl. */
  renderer: string | null;
  config: TrainingConfig | null;
  /** Why the run is smaller than the default (a software adapter or cpu, and no size in the query), else null. */
  preset: string | null;
  engine: EngineChoice;
  groups: number;
  groupNames: string[];
  table: GroupRow[];
  losses: number[];
  /** lrs[step][group]. */
  lrs: number[][];
  /** GPU compute dispatches (GPUComputePassEncoder.dispatchWorkgroups) inside each optimizer update. */
  dispatchesPerUpdate: number[];
  /** ... and in each whole training step (forward, backward and update). */
  dispatchesPerStep: number[];
  msPerStep: number[];
  /** On the held-out digits; null with ?eval=0 (which the test uses: it saves compiling new shapes). */
  accuracy: number | null;
  /** Milliseconds from the start of main(): backend up, model built, training done, all done. */
  timings: Record<string, number>;
  /** Final weights by variable name. */
  weights: Record<string, number[]>;
}

declare global {
  interface Window { __results: PageResults }
}

const params = new URLSearchParams(location.search);

/** Query keys that set the size of the run; without any of them a software adapter gets SOFTWARE_PRESET. */
const SIZE_KEYS = ['dim', 'depth', 'heads', 'batch', 'steps'];
const SOFTWARE_PRESET: Record<string, string> = { dim: '16', depth: '2', heads: '2', batch: '16', steps: '100', lr: '0.003' };

const results: PageResults = {
  preset: null,
  done: false, error: null, backend: null, fallback: null, adapter: null, renderer: null, config: null,
  engine: 'auto', groups: 0, groupNames: [], table: [], losses: [], lrs: [], dispatchesPerUpdate: [],
  dispatchesPerStep: [], msPerStep: [], accuracy: null, timings: {}, weights: {},
};
window.__results = results;
(window as unknown as { __tf: typeof tf }).__tf = tf; // for the console and for tests

const $ = <T extends Element>(selector: string) => document.querySelector(selector) as T;
const status = (text: string, kind: '' | 'warn' | 'error' = '') => {
  const el = $<HTMLElement>('#status');
  el.textContent = text;
  el.className = kind;
};

// Every compute dispatch of the page, counted where WebGPU takes it.
let dispatches = 0;
type DispatchFn = (this: unknown, ...args: number[]) => void;
const encoderClass = (globalThis as unknown as { GPUComputePassEncoder?: { prototype: { dispatchWorkgroups: DispatchFn } } }).GPUComputePassEncoder;
if (encoderClass) {
  const original = encoderClass.prototype.dispatchWorkgroups;
  encoderClass.prototype.dispatchWorkgroups = function (this: unknown, ...args: number[]) {
    dispatches++;
    return original.apply(this, args);
  };
}

interface GpuLike { requestAdapter(): Promise<{ info?: Partial<AdapterDescription> } | null> }

async function describeAdapter(): Promise<AdapterDescription | null> {
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  const adapter = await gpu?.requestAdapter();
  if (!adapter) return null;
  const info = adapter.info ?? {};
  return { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' };
}

function webglRenderer(): string | null {
  const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
  if (!gl) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  return String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
}

/** Starts the wanted backend; 'auto' tries webgpu, webgl, cpu and records why it left WebGPU. */
async function startBackend(wanted: string): Promise<void> {
  const order = wanted === 'auto' ? ['webgpu', 'webgl', 'cpu'] : [wanted];
  const failures: string[] = [];
  for (const name of order) {
    if (name === 'webgpu' && !('gpu' in navigator)) {
      failures.push('this browser has no WebGPU (navigator.gpu is missing)');
      continue;
    }
    let ok = false;
    try {
      ok = await tf.setBackend(name);
      if (ok) await tf.ready();
    } catch (e) {
      ok = false;
      failures.push(`${name} failed to start: ${(e as Error).message}`);
    }
    if (ok && tf.getBackend() === name) {
      results.backend = name;
      if (name !== 'webgpu' && wanted === 'auto') results.fallback = failures.join('; ') || 'webgpu did not start';
      return;
    }
    if (!failures.some((f) => f.startsWith(name))) failures.push(name === 'webgpu' ? 'WebGPU has no adapter here (navigator.gpu.requestAdapter() gave none, or the device failed)' : `${name} did not start`);
  }
  throw new Error(`no backend started (asked for '${wanted}'): ${failures.join('; ')}`);
}

function showFacts(facts: Record<string, string>) {
  const dl = $<HTMLDListElement>('#facts');
  dl.replaceChildren();
  for (const [k, v] of Object.entries(facts)) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
}

function showGroups(rows: GroupRow[], colors: string[], lrs: number[] | undefined) {
  const table = $<HTMLTableElement>('#groups');
  const head = ['group', 'layers', 'variables', 'parameters', 'lrScale', 'weight decay', 'lr now'];
  table.innerHTML = `<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>`;
  const body = document.createElement('tbody');
  rows.forEach((row, i) => {
    const tr = document.createElement('tr');
    const cells = [row.group, row.layers, String(row.variables.length), String(row.parameterCount ?? '?'), row.lrScale.toFixed(4), row.weightDecay === null ? 'default' : String(row.weightDecay), lrs ? lrs[i]!.toExponential(2) : '–'];
    cells.forEach((text, c) => {
      const td = document.createElement('td');
      if (c === 0) {
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = colors[i]!;
        td.append(swatch);
      }
      td.append(text);
      td.title = c === 2 ? row.variables.join('\n') : '';
      tr.append(td);
    });
    body.append(tr);
  });
  table.append(body);
}

async function main() {
  const t0 = performance.now();
  const mark = (phase: string) => { results.timings[phase] = Math.round(performance.now() - t0); };
  configFromQuery(params); // bad query values fail here, before anything starts

  status('starting a backend…');
  await startBackend(params.get('backend') ?? 'auto');
  if (results.backend === 'webgpu') results.adapter = await describeAdapter();
  if (results.backend === 'webgl') results.renderer = webglRenderer();
  mark('backend');

  // A software adapter (SwiftShader: a machine without a GPU, or a headless browser) takes some 20 s
  // per step of the default ViT, the cpu backend a few: unless the query sets a size, train a smaller
  // one, and say so.
  const slow = results.backend === 'cpu' ? 'the cpu backend'
    : /swiftshader|llvmpipe|lavapipe/i.test(JSON.stringify(results.adapter ?? results.renderer ?? '')) ? 'a software GPU adapter' : null;
  if (slow && !SIZE_KEYS.some((k) => params.has(k))) {
    for (const [k, v] of Object.entries(SOFTWARE_PRESET)) params.set(k, v);
    const preset = Object.entries(SOFTWARE_PRESET).map(([k, v]) => `${k} ${v}`).join(', ');
    results.preset = `on ${slow}: a smaller run (${preset}); ?dim=48&depth=4&heads=3&batch=32&steps=150 for the full one`;
  }
  const config = configFromQuery(params);
  const { seed, steps, batchSize, engine } = config;
  results.config = config;
  results.engine = engine;

  const response = await fetch('./digits.bin');
  if (!response.ok) throw new Error(`digits.bin: HTTP ${response.status}`);
  const asset = decodeDigits(await response.arrayBuffer());

  const training = createTraining(asset, config);
  const rows = training.description.rows;
  results.groups = rows.length;
  results.groupNames = training.groupNames;
  results.table = rows;
  // One line per distinct rate (a layer's decay and no-decay groups share theirs), top layer first.
  const scales = [...new Set(rows.map((r) => r.lrScale))].sort((a, b) => b - a);
  const lineColors = palette(scales.length);
  const colors = rows.map((r) => lineColors[scales.indexOf(r.lrScale)]!);
  const lines = scales.map((scale, i) => {
    const members = rows.flatMap((r, g) => (r.lrScale === scale ? [g] : []));
    const layers = [...new Set(members.map((g) => rows[g]!.layers))].join(', ');
    return { name: `layer ${layers}: ×${scale.toFixed(3)}`, color: lineColors[i]!, group: members[0]! };
  });
  mark('model');

  const adapterText = results.adapter
    ? [results.adapter.vendor, results.adapter.architecture, results.adapter.device, results.adapter.description].filter(Boolean).join(' / ') || '(the adapter gives no info)'
    : results.renderer ?? '–';
  const facts = () => ({
    backend: results.backend!,
    adapter: adapterText,
    model: `ViT (dim ${config.vit.dim}, depth ${config.vit.depth}, ${config.vit.numHeads} heads), ${training.model.countParams().toLocaleString()} parameters`,
    'layer ids': `arch ${training.description.arch}, ${training.description.archReason}: ${training.description.numLayers! + 1} layers, 0 = embeddings … ${training.description.numLayers} = norm + head; decay ${config.decay}`,
    ...(results.preset ? { size: results.preset } : {}),
    data: `${asset.train.size} training digits, ${asset.test.size} held out; batch ${batchSize}, seed ${seed}`,
    'update engine': `${engine}${results.backend === 'webgpu' && engine !== 'ops' ? ' (fused WGSL kernel per group)' : ''}`,
    progress: `${results.losses.length} / ${steps} steps${results.msPerStep.length ? `, ${mean(results.msPerStep.slice(-10)).toFixed(0)} ms per step` : ''}`,
    'dispatches per update': results.backend === 'webgpu' && results.dispatchesPerUpdate.length > 1
      ? `${results.dispatchesPerUpdate.at(-1)} for ${rows.length} groups (whole step: ${results.dispatchesPerStep.at(-1)})`
      : '–',
    ...(results.accuracy !== null ? { 'held-out accuracy': `${(100 * results.accuracy).toFixed(1)} %` } : {}),
  });
  const redraw = (report?: StepReport) => {
    showFacts(facts());
    showGroups(rows, colors, report?.lrs ?? results.lrs.at(-1));
    drawChart($<SVGSVGElement>('#loss-chart'), [{ name: 'loss', color: '#1f6fb2', values: results.losses }], { xMax: steps, yMin: 0 });
    const lrSeries = lines.map((line) => ({ name: line.name, color: line.color, values: results.lrs.map((l) => l[line.group]!) }));
    drawChart($<SVGSVGElement>('#lr-chart'), lrSeries, { xMax: steps, yMin: 0, yMax: config.lr, format: (v) => v.toExponential(1), legend: true });
  };
  status(results.fallback ? `Not on WebGPU: ${results.fallback}. Training on ${results.backend} instead.` : `training on ${results.backend}${results.preset ? ` (${results.preset})` : ''}…`, results.fallback ? 'warn' : '');
  redraw();

  let stepStart = 0;
  await training.run({
    aroundUpdate: (_step, update) => {
      const before = dispatches;
      update();
      results.dispatchesPerUpdate.push(dispatches - before);
    },
    onStep: async (report) => {
      results.losses.push(report.loss);
      results.lrs.push(report.lrs);
      results.msPerStep.push(report.ms);
      results.dispatchesPerStep.push(dispatches - stepStart);
      stepStart = dispatches;
      redraw(report);
      await new Promise((r) => setTimeout(r, 0)); // let the page paint
    },
  });
  mark('training');
  results.weights = await training.weights();
  if (params.get('eval') !== '0') results.accuracy = await training.accuracy();
  mark('done');
  redraw();
  const accuracy = results.accuracy === null ? '' : `, held-out accuracy ${(100 * results.accuracy).toFixed(1)} %`;
  const done = `Done: ${steps} steps on ${results.backend}, loss ${results.losses[0]?.toFixed(3)} → ${results.losses.at(-1)?.toFixed(3)}${accuracy}.`;
  status(results.fallback ? `${done} (Not on WebGPU: ${results.fallback}.)` : done, results.fallback ? 'warn' : '');
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

main().catch((e: unknown) => {
  const message = e instanceof Error ? `${e.message}` : String(e);
  results.error = message;
  status(`Error: ${message}`, 'error');
  console.error(e);
}).finally(() => {
  results.done = true;
});
