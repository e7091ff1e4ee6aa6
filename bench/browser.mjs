// `npm run bench:browser`: the optimizer benchmark on the backends users run in browsers, tfjs's
// 'webgl' and 'webgpu', in headless Chromium (Debian's /usr/bin/chromium; SwiftShader for both
// here: WebGL2 on ANGLE over Vulkan, WebGPU on Dawn over Vulkan). Stock tfjs Adam vs the grouped
// ops path vs the grouped fused path vs a bare floor kernel (bench/webgl-floor.mjs,
// bench/webgpu-floor.mjs), with GPU commands per step (draws on webgl, dispatches on webgpu). The
// page is bench/browser-page.mjs bundled by esbuild; each backend gets a fresh page.
// Rows go to bench/results.json with runtime 'chromium' (the Node rows stay).
//   node bench/browser.mjs [--backends=webgl,webgpu] [--sets=vit-ti,tiny-2000,vit-b]
import { join, resolve } from 'node:path';
import { bundleEntry, launchChromium, openBundledPage } from '../dist/test/support/bundled-page.js';
import { saveRows } from './results-file.mjs';
import { table } from './table.mjs';

const root = resolve(import.meta.dirname, '..');
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]?.split(',') ?? fallback;
const backends = option('backends', ['webgl', 'webgpu']);
const sets = option('sets', ['vit-ti']);

const started = Date.now();
const script = await bundleEntry(join(root, 'bench/browser-page.mjs'));
const browser = await launchChromium();
const all = [];
try {
  for (const backend of backends) {
    const { page, errors } = await openBundledPage(browser, script, 1_800_000);
    try {
      const rows = await page.evaluate(([b, s]) => globalThis.runBrowserBench(b, s), [backend, sets]);
      for (const r of rows) console.log(`  ${r.backend} ${r.paramSet} ${r.impl}: ${r.msPerStep?.toFixed(1) ?? '-'} ms/step, ${r.dispatchesPerStep ?? '-'} commands/step`);
      all.push(...rows);
    } catch (e) {
      console.error(`${backend}: ${e.message}\n${errors.slice(0, 20).join('\n')}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
}
console.log(`\n${table(all)}`);
console.log('\ndispatches: draw calls on webgl, compute dispatches on webgpu, per step. vs stock: stock ms / this ms.');
console.log('vs floor: this ms / floor ms (floor: one bare draw with 3 render targets on webgl, one WGSL dispatch on webgpu).');
console.log('vs copy: how many times slower than moving the same 28 bytes/param (webgl: the floor draw without the math).');
const total = saveRows(all);
console.log(`\n${all.length} rows measured, ${total} in bench/results.json (${((Date.now() - started) / 1000).toFixed(0)} s)`);
