// The library is browser-safe: its entry (dist/src/index.js) and the modules the browser example
// imports beside it bundle with esbuild for platform 'browser' with no Node shims, and nothing
// Node-only is reached (no node: builtins, no ts-morph or typescript, which only the codemods and the
// CLI use). esbuild itself fails on a Node builtin for platform 'browser'; the metafile's inputs and
// the output are scanned as well, and a control bundle through the `inspect` command (which reads
// files) shows that the check does catch a Node-only import.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = resolve(import.meta.dirname, '../..');
const LIBRARY_ENTRIES = [
  'dist/src/index.js',
  // Also bundled on their own: the browser example imports them by path.
  'dist/src/layer-decay/index.js',
  'dist/src/schedules.js',
];
const NODE_ONLY_PACKAGES = ['ts-morph', 'typescript', '@ts-morph/common', 'tinyglobby', 'ignore', 'diff', 'webgpu', '@tensorflow/tfjs-node'];
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

async function bundle(entry: string, external: string[]): Promise<esbuild.BuildResult & { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] }> {
  return esbuild.build({
    absWorkingDir: ROOT,
    stdin: { contents: `export * from ${JSON.stringify(`./${entry}`)};`, resolveDir: ROOT, sourcefile: `entry:${entry}` },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    external,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
}

/** What of Node a bundle reached: builtins or Node-only packages among its inputs and imports. */
function nodeOnly(result: { metafile: esbuild.Metafile; outputFiles: esbuild.OutputFile[] }): string[] {
  const found: string[] = [];
  for (const input of Object.keys(result.metafile.inputs)) {
    if (input.startsWith('node:') || BUILTINS.has(input)) found.push(`input ${input}`);
    for (const pkg of NODE_ONLY_PACKAGES) if (input.includes(`node_modules/${pkg}/`)) found.push(`input ${input}`);
    for (const imp of result.metafile.inputs[input]!.imports) {
      if (imp.path.startsWith('node:') || BUILTINS.has(imp.path)) found.push(`${input} imports ${imp.path}`);
    }
  }
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) if (imp.external && !imp.path.startsWith('@tensorflow/')) found.push(`external import ${imp.path}`);
  }
  const text = result.outputFiles.map((f) => f.text).join('\n');
  for (const pattern of [/\brequire\(\s*["'](node:)?(fs|path|child_process|os|url|util|module|worker_threads)["']/, /\bprocess\.(argv|exit|cwd|stdout|stderr)\b/, /\bimport\.meta\.(dirname|filename)\b/, /from\s*["']ts-morph["']/]) {
    const m = pattern.exec(text);
    if (m) found.push(`output uses ${m[0]}`);
  }
  return found;
}

for (const entry of LIBRARY_ENTRIES) {
  test(`${entry} bundles for the browser (@tensorflow/* external) and reaches nothing Node-only`, async () => {
    const result = await bundle(entry, ['@tensorflow/*']);
    assert.equal(result.errors, []);
    assert.equal(nodeOnly(result), []);
    const ours = Object.keys(result.metafile.inputs).filter((i) => i.startsWith('dist/src/'));
    assert.ok(ours.length > 0, 'the bundle contains the library');
  });
}

test('the library with @tensorflow/tfjs-core bundled in (no externals, no shims) builds for the browser', async () => {
  const result = await bundle('dist/src/index.js', []);
  assert.equal(result.errors, []);
  assert.equal(nodeOnly(result), []);
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.includes('node_modules/@tensorflow/tfjs-core/')), 'tfjs-core is in the bundle');
  const kib = result.outputFiles.reduce((s, f) => s + f.contents.length, 0) / 1024;
  const libraryKiB = inputs.filter((i) => i.startsWith('dist/src/')).reduce((s, i) => s + result.metafile.inputs[i]!.bytes, 0) / 1024;
  console.log(`  library + tfjs-core, unminified: ${kib.toFixed(0)} KiB (library sources: ${libraryKiB.toFixed(0)} KiB in ${inputs.filter((i) => i.startsWith('dist/src/')).length} modules)`);
});

test('control: a bundle through the inspect command (reads files with node:fs) is caught', async () => {
  let error: unknown = null;
  try {
    await bundle('dist/src/layer-decay/inspect-command.js', ['@tensorflow/*']);
  } catch (e) {
    error = e;
  }
  assert.ok(error, 'esbuild must refuse node:fs for platform browser');
  const messages = ((error as { errors?: esbuild.Message[] }).errors ?? []).map((m) => m.text).join('\n');
  assert.match(messages, /node:fs|node:path|node:util/);
  // And the scan catches it too where esbuild is told to let builtins through.
  const lenient = await esbuild.build({
    absWorkingDir: ROOT, entryPoints: [join(ROOT, 'dist/src/layer-decay/inspect-command.js')], bundle: true, platform: 'browser', format: 'esm',
    external: ['@tensorflow/*', 'node:*'], write: false, metafile: true, logLevel: 'silent',
  });
  assert.ok(nodeOnly(lenient).some((f) => f.includes('node:fs')), `scan: ${nodeOnly(lenient).join('; ')}`);
});

test.run();
