// A compiled entry file bundled by esbuild and opened in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core; never a browser downloaded by a tool). The page is
// served by Playwright's request routing on http://localhost, a secure context (WebGPU is allowed
// there), with no server and nothing fetched from the network.
//
// Flags: as in browser.test.ts (no sandbox as root, no connections out), plus
// --enable-unsafe-webgpu (WebGPU on SwiftShader) and --use-angle=swiftshader
// --enable-unsafe-swiftshader (WebGL2 on ANGLE over SwiftShader's Vulkan) for a machine without a GPU.
import { existsSync } from 'node:fs';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const GPU_FLAGS = [
  '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--enable-unsafe-webgpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/** The entry (a compiled .js file) as one classic script; Node-only imports it never runs are left out. */
export async function bundleEntry(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true, format: 'iife', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
    // test/support/backend.ts imports these for Node backends only, dynamically.
    external: ['webgpu', '@tensorflow/tfjs-backend-wasm'],
  });
  return result.outputFiles[0]!.text;
}

export async function launchChromium(flags = GPU_FLAGS): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: run \`bash scripts/chromium.sh\` (Debian's chromium package; CI does this), or set CHROMIUM_PATH. Nothing downloads a browser.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: flags, headless: true, timeout: 60_000 });
}

export interface BundledPage {
  page: Page;
  /** Console errors and page errors so far (for failure messages). */
  errors: string[];
}

/** A new page running `script`, with timeouts of `timeoutMs` for what is evaluated in it. */
export async function openBundledPage(browser: Browser, script: string, timeoutMs: number): Promise<BundledPage> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.route('http://localhost/**', (route) => route.fulfill(route.request().url().endsWith('/bundle.js')
    ? { contentType: 'text/javascript', body: script }
    : { contentType: 'text/html', body: '<!doctype html><meta charset="utf-8"><script src="/bundle.js"></script>' }));
  await page.goto('http://localhost/');
  page.setDefaultTimeout(timeoutMs);
  return { page, errors };
}
