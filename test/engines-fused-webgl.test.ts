// The fused WebGL engine in real headless Chromium on tfjs's WebGL backend (WebGL2 on ANGLE over
// SwiftShader here): every rule and variant against the ops path (packed and unpacked programs), the
// safety checks every fused engine passes, and the draws per update. The checks run in the page
// (support/webgl-fused-entry.ts, bundled by esbuild); each is one test here. What a user sees after
// training real tfjs-layers models on WebGL (fit, predict, save and resume, against stock tfjs and
// the ops engine) is browser-training.test.ts, where engine 'auto' is this engine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { bundleEntry, launchChromium, openBundledPage } from './support/bundled-page.js';
import type { CheckReport } from './support/webgl-fused-entry.js';

const ROOT = resolve(import.meta.dirname, '../..');
// The page runs every check in one evaluate: about 200 s on SwiftShader with the clip table (packed and unpacked).
const TIMEOUT_MS = 600_000;

const script = await bundleEntry(join(ROOT, 'dist/test/support/webgl-fused-entry.js'));
const browser: Browser = await launchChromium();
const { renderer, reports } = await runPage();

async function runPage() {
  const { page, errors } = await openBundledPage(browser, script, TIMEOUT_MS);
  try {
    return await page.evaluate(() => (globalThis as unknown as { runWebGlFusedChecks(): Promise<{ renderer: string; reports: CheckReport[] }> }).runWebGlFusedChecks());
  } catch (e) {
    await browser.close();
    throw new Error(`the webgl page failed: ${(e as Error).message}\nconsole:\n${errors.slice(0, 20).join('\n')}`);
  }
}

test('the page ran every check, on WebGL', () => {
  console.log(`  renderer: ${renderer}; ${reports.length} checks in ${reports.reduce((a, r) => a + r.seconds, 0).toFixed(0)} s`);
  // 12 rule cases, 4 unpacked, 4 safety checks, clipping (4 checks, packed and unpacked), draws
  // with the clips, draws (two checks), engine selection.
  assert.is(reports.length, 36, reports.map((r) => r.name).join('; '));
});

// One test per check of the page, named as the page names it.
for (const report of reports) {
  test(report.name, () => {
    if (report.note) console.log(`  ${report.note}`);
    assert.is(report.problem, null, `${report.name}: ${report.problem}`);
  });
}

test.after(async () => { await browser.close(); });
test.run();
