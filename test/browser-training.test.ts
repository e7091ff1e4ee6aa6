// The user-training matrix (support/training-runs.ts: stock tfjs vs the grouped optimizer's ops and
// default engines, model.fit, a minimize loop, save → reload → resume) in real headless Chromium on
// the two GPU backends users run in browsers: WebGL (ANGLE on SwiftShader) and WebGPU (SwiftShader).
// The page is the matrix bundled by esbuild, served by Playwright's request routing on
// http://localhost (a secure context, so WebGPU is allowed); no server, no download.
// Chromium flags as in browser.test.ts, plus --use-angle=swiftshader --enable-unsafe-swiftshader,
// which give WebGL a software GPU on a machine without one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];
const TIMEOUT_MS = 600_000;

interface CaseReport { name: string; problems: string[]; seconds: number; error?: string }

let browser: Browser | null = null;
let bundle: Promise<string> | null = null;

async function page(backend: string): Promise<CaseReport[]> {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`bash scripts/chromium.sh\` (CI does this); the test never downloads a browser.`);
  bundle ??= esbuild.build({
    entryPoints: [join(ROOT, 'dist/test/support/browser-training-entry.js')],
    bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  const script = await bundle;
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true, timeout: 60_000 });
  const p = await browser.newPage();
  const log: string[] = [];
  p.on('console', (m) => { if (m.type() === 'error') log.push(m.text()); });
  p.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
  await p.route('http://localhost/**', (route) => route.fulfill(route.request().url().endsWith('/matrix.js')
    ? { contentType: 'text/javascript', body: script }
    : { contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><script src="/matrix.js"></script>' }));
  await p.goto('http://localhost/');
  p.setDefaultTimeout(TIMEOUT_MS);
  try {
    const result = await p.evaluate((b) => (globalThis as unknown as { runTrainingMatrix(b: string): Promise<{ reports: CaseReport[] }> }).runTrainingMatrix(b), backend);
    return result.reports;
  } catch (e) {
    throw new Error(`${backend} page: ${(e as Error).message}\nconsole errors:\n${log.slice(0, 20).join('\n')}`);
  } finally {
    await p.close();
  }
}

for (const backend of ['webgl', 'webgpu']) {
  test(`in Chromium on ${backend}: fit, minimize and a resumed run equal stock tfjs and the ops engine`, async () => {
    const reports = await page(backend);
    assert.ok(reports.length >= 12, `${backend}: only ${reports.length} cases ran`);
    for (const r of reports) {
      assert.is(r.error, undefined, `${backend}, ${r.name}: ${r.error}`);
      assert.equal(r.problems, [], `${backend}, ${r.name}`);
    }
    console.log(`${backend}: ${reports.length} cases in ${reports.reduce((a, r) => a + r.seconds, 0).toFixed(0)} s`);
  });
}

test.after(async () => { await browser?.close(); });
test.run();
