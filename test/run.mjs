// Runs every compiled test file (dist/**/*.test.js) in its own Node process, because each file picks
// its own tfjs backend and tfjs backends are process-global. WebGPU files get the SwiftShader
// driver (scripts/swiftshader.sh) through the environment, which must be set before Node starts.
// Prints a closing line "N passed, N failed" and exits non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { swiftshaderEnv } from '../scripts/swiftshader-env.mjs';

const root = resolve(import.meta.dirname, '..');
const only = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (entry.endsWith('.test.js')) files.push(path);
  }
};
for (const dir of ['dist/test', 'dist/codemods']) if (existsSync(join(root, dir))) walk(join(root, dir));
files.sort();
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
if (selected.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}

const env = swiftshaderEnv(root);

let passed = 0;
let failed = 0;
const broken = [];
for (const file of selected) {
  const name = relative(root, file);
  const started = Date.now();
  const run = spawnSync(process.execPath, [file], { cwd: root, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = (run.stdout ?? '') + (run.stderr ?? '');
  const total = /Total:\s+(\d+)/.exec(out);
  const ok = /Passed:\s+(\d+)/.exec(out);
  const p = ok ? Number(ok[1]) : 0;
  const f = total ? Number(total[1]) - p : 0;
  passed += p;
  failed += f;
  const healthy = run.status === 0 && f === 0 && total !== null;
  if (!healthy) {
    if (f === 0) failed += 1; // a file that crashed counts as a failure even if it reported nothing
    broken.push(name);
    process.stdout.write(out);
  }
  console.log(`${healthy ? 'ok  ' : 'FAIL'} ${name}  (${p} passed, ${f} failed, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
if (broken.length) console.log(`\nfailing files:\n  ${broken.join('\n  ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
