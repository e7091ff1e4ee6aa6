// The browser example (examples/browser) in real headless Chromium with WebGPU: Debian's chromium
// (/usr/bin/chromium, installed by scripts/chromium.sh; never a browser downloaded by a test tool),
// driven by playwright-core. The page trains a small ViT grouped by layerDecayGroups on real digits;
// this file checks from the page that it ran on WebGPU, that the optimizer took the fused path (a
// dispatch or two per group, not a dozen per variable), that the final weights equal the same
// training run here in Node on the cpu backend (same module, same init, same digits, same steps),
// and that the loss went down. A second browser without WebGPU checks the fallback and its notice.
//
// Chromium flags (Chromium 150, Debian 12, no GPU, running as root):
//   --enable-unsafe-webgpu   the one that matters: without it navigator.gpu.requestAdapter() gives
//                            null in headless Linux; with it the adapter is SwiftShader (vendor
//                            'google', architecture 'swiftshader'). Measured: --use-webgpu-adapter=
//                            swiftshader, --enable-features=Vulkan, --use-angle=swiftshader and
//                            --use-vulkan=swiftshader change nothing (the Vulkan ones only slow the
//                            start), and --disable-gpu does not turn WebGPU off, so it is left out.
//   --no-sandbox             Chromium refuses to start as root with the sandbox.
//   --disable-background-networking --disable-component-update --disable-sync --disable-quic
//   --no-first-run           no connections out: this machine's network is closed.
// playwright-core gives each launch a fresh empty user-data-dir of its own (it refuses one in args).
// The fallback browser: no --enable-unsafe-webgpu (no adapter) and --disable-gpu
// --disable-software-rasterizer (no WebGL either; --disable-gpu alone still gives WebGL on
// SwiftShader, whose shader compiles cost some 20 s for one step), so the page goes webgpu → webgl →
// cpu and must say why.
//
// Size: the page's default ViT (dim 48, depth 4, batch 32) takes about 20 s a step on SwiftShader
// in Chromium (tfjs's matMul shaders are slow there), so the test asks the page for a tiny one by
// query string; the code and the groups are the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeDigits } from '../examples/browser/digits-asset.js';
import { configFromQuery, createTraining, type StepReport, type TrainingConfig } from '../examples/browser/training.js';
import type { PageResults } from '../examples/browser/main.js';
import { useBackend } from './support/backend.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const WEBGPU_FLAGS = [...FLAGS, '--enable-unsafe-webgpu'];
const NO_GPU_FLAGS = [...FLAGS, '--disable-gpu', '--disable-software-rasterizer'];
/** The deterministic run: the page and Node both build their config from this string. */
const QUERY = 'seed=1&steps=6&batch=8&dim=16&depth=2&heads=2&lr=0.003';
const PAGE_TIMEOUT_MS = 150_000;

await useBackend('cpu');

interface Session {
  url: string;
  page: PageResults;
  pageDom: { statusText: string; tableRows: number; lossPoints: number; lrLines: number };
  node: { reports: StepReport[]; weights: Record<string, number[]>; groupNames: string[]; config: TrainingConfig };
  fallback: { page: PageResults; statusText: string; statusClass: string };
  seconds: Record<string, number>;
}

let server: ChildProcess | null = null;
const browsers: Browser[] = [];
let session: Promise<Session> | null = null;
const getSession = () => (session ??= runSession());

async function runSession(): Promise<Session> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`bash scripts/chromium.sh\` (Debian's chromium package; CI does this), or set CHROMIUM_PATH. The browser test never downloads a browser.`);
  }
  const started = Date.now();
  const seconds: Record<string, number> = {};
  const lap = (name: string) => { seconds[name] = (Date.now() - started) / 1000; };

  const url = await startServer();
  lap('server');
  const [browser, fallbackBrowser] = await Promise.all([launch(WEBGPU_FLAGS), launch(NO_GPU_FLAGS)]);
  lap('browsers');

  // The page trains on SwiftShader while Node trains the same on the cpu backend, and the fallback
  // page (one step of a tinier ViT on the cpu backend, a few seconds) runs beside them.
  const pageRun = openAndWait(browser, `${url}?${QUERY}&backend=webgpu&eval=0`).finally(() => lap('webgpu page'));
  const fallbackRun = openAndWait(fallbackBrowser, `${url}?seed=1&steps=1&batch=4&dim=8&depth=1&heads=1&eval=0`).finally(() => lap('fallback page'));
  const nodeRun = (async () => {
    const asset = decodeDigits(readFileSync(join(ROOT, 'examples/browser/dist/digits.bin')));
    const training = createTraining(asset, configFromQuery(QUERY));
    const reports = await training.run();
    const weights = await training.weights();
    const groupNames = training.groupNames;
    const config = training.config;
    training.dispose();
    lap('node');
    return { reports, weights, groupNames, config };
  })();
  const [{ results: page, dom: pageDom }, node, fb] = await Promise.all([pageRun, nodeRun, fallbackRun]);
  await Promise.all([browser.close(), fallbackBrowser.close()]);
  return { url, page, pageDom, node, fallback: { page: fb.results, statusText: fb.dom.statusText, statusClass: fb.dom.statusClass }, seconds };
}

/** Runs examples/browser/serve.mjs (build, then serve on a free port) and waits for its URL. */
function startServer(): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'examples/browser/serve.mjs'), '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /serving (http:\/\/\S+)/.exec(output);
      if (m) resolveUrl(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`examples/browser/serve.mjs exited (${code}) before serving:\n${output}`)));
  });
}

async function launch(args: string[]): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args, headless: true, timeout: 60_000 });
  browsers.push(browser);
  return browser;
}

interface PageDom { statusText: string; statusClass: string; tableRows: number; lossPoints: number; lrLines: number }

async function openAndWait(browser: Browser, url: string): Promise<{ results: PageResults; dom: PageDom }> {
  const page: Page = await browser.newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  await page.goto(url);
  try {
    await page.waitForFunction(() => (window as unknown as { __results?: PageResults }).__results?.done === true, null, { timeout: PAGE_TIMEOUT_MS, polling: 250 });
  } catch (e) {
    const partial = await page.evaluate(() => JSON.stringify({ ...window.__results, weights: undefined })).catch(() => '(unreadable)');
    throw new Error(`${url} did not finish in ${PAGE_TIMEOUT_MS / 1000} s: ${(e as Error).message}\npage results so far: ${partial}\nconsole:\n${log.join('\n')}`);
  }
  const results = await page.evaluate(() => window.__results);
  if (results.error) throw new Error(`the page reported an error: ${results.error}\nconsole:\n${log.join('\n')}`);
  const dom = await page.evaluate(() => ({
    statusText: document.querySelector('#status')!.textContent ?? '',
    statusClass: document.querySelector('#status')!.className,
    tableRows: document.querySelectorAll('#groups tbody tr').length,
    lossPoints: (document.querySelector('#loss-chart polyline')?.getAttribute('points') ?? '').trim().split(/\s+/).filter(Boolean).length,
    lrLines: document.querySelectorAll('#lr-chart polyline').length,
  }));
  await page.close();
  return { results, dom };
}

test.after(async () => {
  for (const b of browsers) await b.close().catch(() => undefined);
  if (server && server.exitCode === null) server.kill('SIGTERM');
});

test('the page trains on WebGPU (SwiftShader here) and shows the backend, the adapter, the groups and the charts', async () => {
  const s = await getSession();
  console.log(`  timings (s since start): ${JSON.stringify(s.seconds)}; page phases (ms): ${JSON.stringify(s.page.timings)}; page ms per step: ${s.page.msPerStep.map((m) => m.toFixed(0)).join(', ')}`);
  assert.is(s.page.backend, 'webgpu');
  assert.is(s.page.fallback, null);
  assert.ok(s.page.adapter, 'the page reports the WebGPU adapter');
  assert.is(s.page.adapter!.architecture, 'swiftshader', `adapter: ${JSON.stringify(s.page.adapter)}`);
  assert.ok(s.page.groups >= 4, `${s.page.groups} groups`);
  assert.is(s.pageDom.tableRows, s.page.groups, 'one table row per group');
  assert.is(s.pageDom.lossPoints, s.page.config!.steps, 'the loss chart has a point per step');
  assert.is(s.pageDom.lrLines, new Set(s.page.table.map((r) => r.lrScale)).size, 'the learning-rate chart has a line per distinct rate');
  assert.is(s.page.preset, null, 'the query sets the size: no preset');
  assert.match(s.pageDom.statusText, /Done: 6 steps on webgpu/);
});

test('the fused update ran: at most 2 dispatches per group in each optimizer step (the ops path: a dozen per variable)', async () => {
  const { page } = await getSession();
  const groups = page.groups;
  // Step 1 also creates the AdamW slots (fills are dispatches too); every later one is a pure update.
  const later = page.dispatchesPerUpdate.slice(1);
  console.log(`  dispatches per update: ${page.dispatchesPerUpdate.join(', ')} for ${groups} groups; per whole step: ${page.dispatchesPerStep.join(', ')}`);
  assert.is(later.length, page.config!.steps - 1);
  for (const d of later) {
    assert.ok(d <= 2 * groups + 2, `${d} dispatches in one update for ${groups} groups`);
    assert.ok(d >= groups, `${d} dispatches for ${groups} groups: did every group run?`);
  }
});

test('the final weights equal the same training in Node on the cpu backend (1e-4 relative)', async () => {
  const { page, node } = await getSession();
  assert.equal(page.config, node.config);
  assert.equal(page.groupNames, node.groupNames);
  assert.equal(Object.keys(page.weights).sort(), Object.keys(node.weights).sort());
  // The schedule and the scales are host-side numbers: identical.
  assert.equal(page.lrs, node.reports.map((r) => r.lrs));

  // The key bias (the middle third of each attention's qkv bias) has a zero gradient in exact
  // arithmetic: softmax is shift-invariant, and q·(k + b) adds the same q·b to every score of a row.
  // What each backend computes for it is float noise (~1e-10), which AdamW divides by its own RMS
  // and turns into steps of up to ~lr: the two runs move those weights differently, by noise alone.
  // They are checked for staying within AdamW's step bound; every other weight to 1e-4 relative.
  const dim = node.config.vit.dim;
  const isKeyBias = (name: string, i: number) => name.endsWith('/attn/qkv/bias') && i >= dim && i < 2 * dim;
  const lrSum = node.reports.reduce((sum, r) => sum + Math.max(...r.lrs), 0);
  let worst = { name: '', rel: 0, abs: 0 };
  let keyBiasMax = 0;
  let keyBiasCount = 0;
  for (const [name, expected] of Object.entries(node.weights)) {
    const actual = page.weights[name]!;
    assert.is(actual.length, expected.length, name);
    const scale = Math.max(...expected.filter((_, i) => !isKeyBias(name, i)).map(Math.abs), 1e-12);
    let diff = 0;
    for (let i = 0; i < expected.length; i++) {
      if (isKeyBias(name, i)) {
        keyBiasMax = Math.max(keyBiasMax, Math.abs(actual[i]!), Math.abs(expected[i]!));
        keyBiasCount++;
      } else {
        diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
      }
    }
    if (diff / scale >= worst.rel) worst = { name, rel: diff / scale, abs: diff };
  }
  const lossRel = Math.max(...node.reports.map((r, i) => Math.abs(page.losses[i]! - r.loss) / Math.abs(r.loss)));
  console.log(`  webgpu vs cpu: worst variable ${worst.name}: max |diff| ${worst.abs.toExponential(2)} = ${worst.rel.toExponential(2)} of its largest weight; losses within ${lossRel.toExponential(2)}; ${keyBiasCount} key-bias weights (noise-driven) all within ${keyBiasMax.toExponential(2)} of 0 (bound ${(3 * lrSum).toExponential(2)})`);
  assert.ok(keyBiasCount === node.config.vit.depth * dim, `${keyBiasCount} key-bias weights found`);
  assert.ok(worst.rel <= 1e-4, `${worst.name}: max |webgpu − cpu| = ${worst.abs} is ${worst.rel} of the variable's largest weight`);
  assert.ok(lossRel <= 1e-4, `losses differ by ${lossRel} relative`);
  assert.ok(keyBiasMax <= 3 * lrSum, `a key-bias weight moved ${keyBiasMax}, more than AdamW's steps allow (${3 * lrSum})`);
});

test('the loss went down', async () => {
  const { page } = await getSession();
  const l = page.losses;
  const first = (l[0]! + l[1]!) / 2;
  const last = (l.at(-1)! + l.at(-2)!) / 2;
  console.log(`  losses: ${l.map((x) => x.toFixed(3)).join(', ')}`);
  assert.ok(l.every(Number.isFinite), `losses: ${l}`);
  assert.ok(last < first, `the loss did not go down: ${l.join(', ')}`);
});

test('without WebGPU the page falls back to webgl or cpu and says so', async () => {
  const { fallback } = await getSession();
  assert.ok(fallback.page.backend === 'webgl' || fallback.page.backend === 'cpu', `backend ${fallback.page.backend}`);
  assert.ok(fallback.page.fallback, 'results.fallback gives the reason');
  assert.match(fallback.statusText, /Not on WebGPU/);
  assert.is(fallback.statusClass, 'warn');
  assert.is(fallback.page.losses.length, 1);
  assert.is(fallback.page.dispatchesPerUpdate.every((d) => d === 0), true, 'no WebGPU dispatches without WebGPU');
});

test.run();
