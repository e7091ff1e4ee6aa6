// `npm pack` gives a tarball that works when installed into another project next to @tensorflow/tfjs:
// the tarball is unpacked into a fresh project's node_modules, beside the tfjs packages and the
// package's own dependencies, a script there imports the package by name, installs it and trains a
// step, and the `tfjs-layer-decay` command runs from it. The library folder (src/) never imports the
// command or the codemod.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string; bin: Record<string, string>; dependencies: Record<string, string>;
};

test('the library folder never imports the command or the codemod', () => {
  const reaching: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && /from '(?:\.\.\/)+(?:codemods|bin)\/|import\('(?:\.\.\/)+(?:codemods|bin)\//.test(readFileSync(path, 'utf8'))) reaching.push(path);
    }
  };
  walk(join(root, 'src'));
  assert.equal(reaching, []);
});

test('the packed tarball installs and runs in another project', () => {
  const project = mkdtempSync(join(tmpdir(), 'tfjs-layer-decay-consumer-'));
  try {
    // --ignore-scripts: dist/ is already built by `npm test`; prepack would rebuild it.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', project], { cwd: root, stdio: 'pipe' });
    const tarball = readdirSync(project).find((f) => f.endsWith('.tgz'))!;
    const listing = execFileSync('tar', ['-tzf', join(project, tarball)], { encoding: 'utf8' });
    assert.ok(listing.includes('package/dist/src/index.js'), 'the library entry is packed');
    assert.ok(listing.includes('package/dist/src/index.d.ts'), 'type declarations are packed');
    assert.not.ok(/package\/dist\/test\//.test(listing), 'tests are not packed');
    const installed = join(project, 'node_modules', 'tfjs-layer-decay');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(project, tarball), '-C', installed, '--strip-components=1']);
    symlinkSync(join(root, 'node_modules', '@tensorflow'), join(project, 'node_modules', '@tensorflow'));
    // What npm would install beside it: the package's dependencies (the codemod's).
    for (const dependency of Object.keys(manifest.dependencies)) symlinkSync(join(root, 'node_modules', dependency), join(project, 'node_modules', dependency));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    writeFileSync(join(project, 'main.js'), `
      import * as tf from '@tensorflow/tfjs';
      import { install, GroupedOptimizer } from 'tfjs-layer-decay';
      install(tf);
      const v = tf.variable(tf.ones([4]));
      const opt = tf.train.sgd([{ params: [v], lrScale: 0.5 }], 0.1);
      opt.minimize(() => tf.sum(v), false, [v]);
      console.log(JSON.stringify({ grouped: opt instanceof GroupedOptimizer, value: v.dataSync()[0] }));
    `);
    const out = execFileSync(process.execPath, ['main.js'], { cwd: project, encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop()!);
    assert.equal(result, { grouped: true, value: Math.fround(1 - 0.05) });

    const bin = join(installed, manifest.bin['tfjs-layer-decay']!);
    assert.ok(listing.includes(`package/${manifest.bin['tfjs-layer-decay']!.replace(/^\.\//, '')}`), 'the command is packed');
    assert.is(execFileSync(process.execPath, [bin, '--version'], { cwd: project, encoding: 'utf8' }), `${manifest.version}\n`);
    writeFileSync(join(project, 'train.js'), "import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential();\nmodel.compile({ optimizer: 'adam', loss: 'meanSquaredError' });\n");
    const report = JSON.parse(execFileSync(process.execPath, [bin, 'codemod', 'train.js', '--decay', '0.75', '--dry', '--json', '-'], { cwd: project, encoding: 'utf8' }));
    assert.is(report.summary.sitesConverted, 1, 'the codemod runs from the tarball');
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test.run();
