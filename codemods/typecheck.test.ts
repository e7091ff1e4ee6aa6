// Every TypeScript fixture (input and output) type-checks against the real @tensorflow/tfjs types
// and this package's published types (dist/src/index.d.ts, as a user's project would see them),
// and every JavaScript one parses. An output that only looks right is not enough.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, resolve } from 'node:path';
import { Project, ts } from 'ts-morph';
import { FIXTURES, fixtureFiles, fixtures } from './fixtures.test.support.js';
import { isTypeScript } from './extensions.js';
import { syntaxErrors } from './syntax.js';

const PACKAGE_TYPES = resolve('dist/src/index.d.ts');
// tfjs-node re-exports tfjs (and adds Node io); it is not installed here, so its types are tfjs's.
const TFJS_TYPES = resolve('node_modules/@tensorflow/tfjs/dist/index.d.ts');

const project = new Project({
  compilerOptions: {
    strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: ['node'],
    jsx: ts.JsxEmit.Preserve, paths: { 'tfjs-layer-decay': [PACKAGE_TYPES], '@tensorflow/tfjs-node': [TFJS_TYPES], '@tensorflow/tfjs-node-gpu': [TFJS_TYPES] },
  },
});
// The .tsx fixture renders a plain element; no React types are installed.
project.createSourceFile(join(FIXTURES, '__jsx.d.ts'), 'declare namespace JSX { interface IntrinsicElements { [name: string]: unknown } type Element = unknown; }');

const all = fixtures();
const typescript = fixtureFiles().filter(isTypeScript);
for (const file of typescript) project.addSourceFileAtPath(join(FIXTURES, file));

test('the package types exist (npm run build first)', () => {
  assert.ok(project.getSourceFile(PACKAGE_TYPES) ?? project.addSourceFileAtPathIfExists(PACKAGE_TYPES), PACKAGE_TYPES);
});

for (const file of typescript) {
  test(`${file} type-checks`, () => {
    const diagnostics = project.getSourceFileOrThrow(join(FIXTURES, file)).getPreEmitDiagnostics();
    assert.is(diagnostics.length, 0, project.formatDiagnosticsWithColorAndContext(diagnostics));
  });
}

for (const file of fixtureFiles().filter((name) => !isTypeScript(name))) {
  test(`${file} parses`, () => {
    const fixture = all.find((candidate) => candidate.inputFile === file || candidate.outputFile === file)!;
    const errors = syntaxErrors(file, file === fixture.inputFile ? fixture.input : fixture.output);
    assert.equal(errors, []);
  });
}

test.run();
