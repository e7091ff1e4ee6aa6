// `npm pack` gives a tarball that works when installed into another project next to @tensorflow/tfjs:
// the tarball is unpacked into a fresh project's node_modules, beside the tfjs packages, and a
// script there imports the package by name, installs it and trains a step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

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
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test.run();
