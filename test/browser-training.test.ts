// The user-training matrix (support/training-runs.ts: stock tfjs vs the grouped optimizer's ops and
// default engines, model.fit, a minimize loop, save → reload → resume) in real headless Chromium on
// the two GPU backends users run in browsers: WebGL (ANGLE on SwiftShader) and WebGPU (SwiftShader).
// The page is the matrix bundled by esbuild and opened by support/bundled-page.ts (Playwright's
// request routing on http://localhost, a secure context; no server, no download; the flags that give
// WebGL and WebGPU a software GPU). On webgl and webgpu the default engine is the fused one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { bundleEntry, launchChromium, openBundledPage } from './support/bundled-page.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TIMEOUT_MS = 600_000;

interface CaseReport { name: string; problems: string[]; seconds: number; error?: string }

let browser: Browser | null = null;
let bundle: Promise<string> | null = null;

async function page(backend: string): Promise<CaseReport[]> {
  const script = await (bundle ??= bundleEntry(join(ROOT, 'dist/test/support/browser-training-entry.js')));
  browser ??= await launchChromium();
  const { page: p, errors } = await openBundledPage(browser, script, TIMEOUT_MS);
  try {
    const result = await p.evaluate((b) => (globalThis as unknown as { runTrainingMatrix(b: string): Promise<{ reports: CaseReport[] }> }).runTrainingMatrix(b), backend);
    return result.reports;
  } catch (e) {
    throw new Error(`${backend} page: ${(e as Error).message}\nconsole errors:\n${errors.slice(0, 20).join('\n')}`);
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
