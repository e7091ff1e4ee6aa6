// `npm run bench`: stock tfjs Adam vs the grouped optimizer (ops path and fused path) on cpu, wasm
// and webgpu (Dawn over SwiftShader here), for a ViT-Ti-like, a ViT-B-like and a many-tiny-variables
// parameter set. One process per backend (bench/worker.mjs). Prints a table and saves the rows in
// bench/results.json (bench/results-file.mjs: rows of backends and sets not run stay): rows
// {backend, adapter, paramSet, impl, groups, msPerStep, dispatchesPerStep, gbPerS, copyGbPerS, ...}.
//   node bench/run.mjs [--backends=cpu,wasm,webgpu] [--sets=vit-ti,vit-b,tiny-2000]
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { swiftshaderEnv } from '../scripts/swiftshader-env.mjs';
import { saveRows } from './results-file.mjs';
import { fixed, table } from './table.mjs';

const root = resolve(import.meta.dirname, '..');
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]?.split(',') ?? fallback;
const backends = option('backends', ['cpu', 'wasm', 'webgpu']);
const sets = option('sets', null);

const env = swiftshaderEnv(root);

function runWorker(backend) {
  return new Promise((done) => {
    const args = [join(root, 'bench/worker.mjs'), backend, ...(sets ? [sets.join(',')] : [])];
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const rows = [];
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('ROW ')) {
          const row = JSON.parse(line.slice(4));
          rows.push(row);
          console.log(progress(row));
        }
      }
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => {
      if (code !== 0) console.error(`${backend}: worker exited with ${code}\n${stderr.slice(-4000)}`);
      done(rows);
    });
  });
}

const progress = (row) => `  ${row.backend} ${row.paramSet} ${row.impl}: ${row.skipped ? `skipped (${row.skipped})` : `${fixed(row.msPerStep, 1)} ms/step`}`;

const started = Date.now();
const all = [];
for (const backend of backends) all.push(...(await runWorker(backend)));
console.log(`\n${table(all)}`);
console.log('\nvs stock: stock ms / this ms. vs floor: this ms / floor ms (floor: one bare fused Adam kernel, WGSL on webgpu, WebAssembly SIMD on cpu/wasm).');
console.log('vs copy: how many times slower than a plain copy of the same 28 bytes/param.');
const total = saveRows(all);
console.log(`\n${all.length} rows measured, ${total} in bench/results.json (${((Date.now() - started) / 1000).toFixed(0)} s)`);
