// `npm run bench`: stock tfjs Adam vs the grouped optimizer (ops path and fused path) on cpu, wasm
// and webgpu (Dawn over SwiftShader here), for a ViT-Ti-like, a ViT-B-like and a many-tiny-variables
// parameter set. One process per backend (bench/worker.mjs). Prints a table and writes
// bench/results.json: rows {backend, adapter, paramSet, impl, groups, msPerStep, dispatchesPerStep,
// gbPerS, copyGbPerS, ...}.
//   node bench/run.mjs [--backends=cpu,wasm,webgpu] [--sets=vit-ti,vit-b,tiny-2000]
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { swiftshaderEnv } from '../scripts/swiftshader-env.mjs';

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

const fixed = (x, digits) => (x === null || x === undefined ? '-' : x.toFixed(digits));
const progress = (row) => `  ${row.backend} ${row.paramSet} ${row.impl}: ${row.skipped ? `skipped (${row.skipped})` : `${fixed(row.msPerStep, 1)} ms/step`}`;

/** The table, with each row compared to stock, to the floor and to the copy ceiling of its backend and set. */
function table(rows) {
  const columns = ['backend', 'paramSet', 'impl', 'groups', 'ms/step', 'dispatches', 'GB/s', 'copy GB/s', 'vs stock', 'vs floor', 'vs copy'];
  const widths = [7, 10, 14, 6, 10, 10, 7, 9, 9, 9, 8];
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join(' ').trimEnd();
  const out = [line(columns)];
  for (const row of rows) {
    const other = (impl) => rows.find((r) => r.backend === row.backend && r.paramSet === row.paramSet && r.impl === impl)?.msPerStep;
    const stock = other('stock');
    const floor = other('floor');
    const ms = row.msPerStep;
    out.push(line([
      row.backend, row.paramSet, row.impl, row.groups, fixed(ms, 1), row.dispatchesPerStep ?? '-', fixed(row.gbPerS, 2), fixed(row.copyGbPerS, 1),
      ms && stock && row.impl !== 'stock' ? `${(stock / ms).toFixed(1)}x less` : '-',
      ms && floor && row.impl !== 'floor' ? `${(ms / floor).toFixed(2)}x` : '-',
      ms && row.gbPerS ? `${(row.copyGbPerS / row.gbPerS).toFixed(1)}x` : '-',
    ]) + (row.skipped ? `  (skipped: ${row.skipped})` : ''));
  }
  return out.join('\n');
}

const started = Date.now();
const all = [];
for (const backend of backends) all.push(...(await runWorker(backend)));
console.log(`\n${table(all)}`);
console.log('\nvs stock: stock ms / this ms. vs floor: this ms / floor ms (floor: one bare fused Adam kernel, WGSL on webgpu, WebAssembly SIMD on cpu/wasm).');
console.log('vs copy: how many times slower than a plain copy of the same 28 bytes/param.');
writeFileSync(join(root, 'bench/results.json'), JSON.stringify(all, null, 2) + '\n');
console.log(`\n${all.length} rows in bench/results.json (${((Date.now() - started) / 1000).toFixed(0)} s)`);
