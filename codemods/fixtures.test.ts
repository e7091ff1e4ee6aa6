// Every fixture pair: the input converts to the output byte for byte, the sites are reported as
// listed here, and the output run again does not change (idempotence).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from './fixtures.test.support.js';
import { transformSource, transformSources, type SiteReport } from './transform.js';

/** Per input file, its sites: "<line> <kind>" when converted, "... not converted: <part of the reason>" when not. */
const EXPECTED_SITES: Record<string, string[]> = {
  'already-converted.input.js': [],
  'arch.input.ts': ['5 factory'],
  'compile-inline.input.ts': ['7 factory', '18 factory'],
  'compile-options-object.input.ts': ['6 factory', '12 compile-string'],
  'compile-strings.input.js': ['6 compile-string', '14 compile-string', '21 compile-string'],
  'compile-strings.input.ts': [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23].map((line) => `${line} compile-string`),
  'compile-variable.input.ts': ['10 factory', '17 factory'],
  'component.input.tsx': ['5 factory'],
  'core-import.input.mjs': ['5 factory'],
  'existing-import.input.js': ['7 factory'],
  'formatting.input.js': ['9 factory', '17 compile-string', '21 factory'],
  'import-alias-node.input.ts': ['7 factory'],
  'import-named-no-train.input.js': ['4 compile-string'],
  'import-named.input.js': ['4 factory'],
  'loop-apply-gradients.input.ts': ['4 factory'],
  'loop-minimize-model.input.mjs': ['6 factory'],
  'loop-minimize-var-list.input.ts': ['6 factory'],
  'name-clash.input.js': ['5 factory'],
  'require-destructured.input.cjs': ['5 factory'],
  'require.input.cjs': ['7 factory'],
  'unconvertible.input.ts': [
    "5 factory not converted: built in a factory function ('makeOptimizer')",
    "8 factory not converted: built in a factory function ('makeSgd')",
    "11 compile not converted: comes from 'makeOptimizer(...)'",
    '15 factory not converted: name is computed at run time',
    "17 compile not converted: the parameter 'name'",
    '20 factory not converted: spread arguments',
    "23 compile not converted: may come from spread options ('...base')",
    "25 compile not converted: spread options after 'optimizer'",
    '28 factory not converted: used with several models or variable lists (model, other)',
    "33 compile-string not converted: 'ADAM' is not an optimizer name tfjs-layers accepts",
    '37 factory not converted: no model in reach',
    "40 factory not converted: 'late' is declared or assigned after the optimizer is built",
    "47 factory not converted: stored in 'this.optimizer'",
    "48 compile not converted: read from 'this.optimizer'",
  ],
  // unconvertible.input.ts with one line more at the top, run with --todo.
  'todo.input.ts': [
    '6 factory not converted: factory function', '9 factory not converted: factory function', '12 compile not converted: makeOptimizer',
    '16 factory not converted: run time', '18 compile not converted: parameter', '21 factory not converted: spread arguments',
    '24 compile not converted: spread options', '26 compile not converted: spread options', '29 factory not converted: several models',
    "34 compile-string not converted: 'ADAM'", '38 factory not converted: no model in reach', "41 factory not converted: 'late'",
    "48 factory not converted: 'this.optimizer'", "49 compile not converted: 'this.optimizer'",
  ],
};

function matches(site: SiteReport, expected: string): boolean {
  const [head, reason] = expected.split(' not converted: ');
  const [line, kind] = head!.split(' ');
  return site.line === Number(line) && site.kind === kind && site.converted === (reason === undefined)
    && (reason === undefined || (site.reason ?? '').includes(reason));
}

for (const fixture of fixtures()) {
  test(`${fixture.inputFile} converts to ${fixture.outputFile}`, () => {
    const result = transformSource(fixture.input, fixture.inputFile, fixture.options);
    assert.fixture(result.text, fixture.output);
    assert.is(result.changed, fixture.input !== fixture.output);
  });

  test(`${fixture.inputFile} reports its sites`, () => {
    const expected = EXPECTED_SITES[fixture.inputFile];
    assert.ok(expected, `add ${fixture.inputFile} to EXPECTED_SITES`);
    const { sites } = transformSource(fixture.input, fixture.inputFile, fixture.options);
    const shown = sites.map((site) => `${site.line}:${site.column} ${site.kind}${site.converted ? '' : ` not converted: ${site.reason}`}`);
    assert.is(sites.length, expected!.length, `sites:\n  ${shown.join('\n  ')}`);
    expected!.forEach((want, i) => assert.ok(matches(sites[i]!, want), `site ${i}: expected '${want}', got '${shown[i]}'`));
  });

  test(`${fixture.outputFile} is left as it is by a second run`, () => {
    const again = transformSource(fixture.output, fixture.outputFile, fixture.options);
    assert.fixture(again.text, fixture.output);
    assert.is(again.changed, false);
    assert.ok(again.sites.every((site) => !site.converted), 'a second run converts nothing');
  });
}

test('all fixtures in one batch give the same outputs (files of a batch do not see each other)', () => {
  const all = fixtures().filter((fixture) => fixture.options.todo === undefined && fixture.options.arch === undefined);
  const results = transformSources(all.map((fixture) => ({ text: fixture.input, fileName: fixture.inputFile })), { decay: 0.75 });
  all.forEach((fixture, i) => {
    const result = results[i]!;
    if (result instanceof Error) throw result;
    assert.fixture(result.text, fixture.output);
  });
});

test.run();
