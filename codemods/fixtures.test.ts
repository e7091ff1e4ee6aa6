// Every fixture pair: the input converts to the output byte for byte, the sites are reported as
// listed here, and the output run again does not change (idempotence).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixtures } from './fixtures.test.support.js';
import { transformSource, type SiteReport } from './transform.js';

/**
 * Per input file, its sites in order: [kind, the code the site starts with] when converted,
 * [kind, code, part of the reason] when left as it was. Matched by content, not by line, so that
 * editing a fixture does not shift every expectation below the edit.
 */
type ExpectedSite = [kind: SiteReport['kind'], code: string, reason?: string];

const BY_REFERENCE = 'passed by reference, not called';
const NOT_PROVABLE = 'which is not provably a tfjs model';
const EXPECTED_SITES: Record<string, ExpectedSite[]> = {
  'already-converted.input.js': [],
  'arch.input.ts': [['factory', 'tf.train.adam(5e-4, 0.9, 0.999']],
  'compile-inline.input.ts': [['factory', 'tf.train.adam(0.0005)'], ['factory', 'tf.train.momentum(0.01, 0.9']],
  'compile-options-object.input.ts': [['factory', 'tf.train.adamax(0.002)'], ['compile-string', "'adadelta'"]],
  'compile-provable.input.js': [
    ['factory', 'tf.train.sgd(0.1)'], ['compile-string', "'adam'"], ['compile-string', "'rmsprop'"], ['compile-string', "'adamax'"],
  ],
  'compile-strings.input.js': [['compile-string', "'adam'"], ['compile-string', 'optimizer, loss'], ['compile-string', "'RMSProp'"]],
  'compile-strings.input.ts': [
    ...["'sgd'", "'SGD'", "'adam'", "'Adam'", "'adagrad'", "'Adagrad'", "'adadelta'", "'Adadelta'", "'adamax'", "'Adamax'", "'rmsprop'", "'RMSProp'"]
      .map((name): ExpectedSite => ['compile-string', name]),
    ['compile-string', 'OPTIMIZER, loss'], ['compile-string', '"adam" as const'],
  ],
  'compile-variable.input.ts': [['factory', 'tf.train.rmsprop(LEARNING_RATE'], ['factory', 'tf.train.adagrad(0.05)']],
  'compile-wrapper.input.js': [
    ['factory', 'tf.train.adam(0.01)', "model.compile is called on 'nn', which is not provably a tfjs model: 'new NeuralNetwork({ inputs: 3 })' makes a NeuralNetwork"],
    ['compile-string', "'adam'", "called on 'model', which is not provably a tfjs model: 'model' is a parameter with no tfjs model type"],
  ],
  'component.input.tsx': [['factory', 'tf.train.adam(0.001)']],
  'core-import.input.mjs': [['factory', 'tfc.train.adagrad(0.1)']],
  'existing-import.input.js': [['factory', 'tf.train.adamw(0.001)']],
  'factory-reference.input.js': [
    ['factory', 'tf.train.sgd,', `'tf.train.sgd' is ${BY_REFERENCE}`],
    ['factory', 'tf.train.adam)', `'tf.train.adam' is ${BY_REFERENCE}`],
  ],
  'formatting.input.js': [['factory', 'tf.train.adam(/* lr */ 0.01'], ['compile-string', '"sgd"'], ['factory', 'tf.train.rmsprop(']],
  'global-tf.input.js': [
    ['factory', 'tf.train.sgd(0.1)', "'tf' is a global here (tfjs from a script tag?), not an import"],
    ['compile-string', "'adam'", `called on 'other', ${NOT_PROVABLE}: 'tf' is a global here`],
  ],
  'import-alias-node.input.ts': [['factory', 'tfn.train.adam(config.lr)']],
  'import-named-no-train.input.js': [['compile-string', "'adamax'"]],
  'import-named.input.js': [['factory', 'train.adam(0.01)']],
  'late-require.input.cjs': [
    ['factory', 'tf.train.adam(0.01)', "'tf' is assigned by require at run time (line 4)"],
    ['compile-string', "'sgd'", `called on 'model', ${NOT_PROVABLE}: 'tf' is assigned by require at run time (line 4)`],
  ],
  'layers-after-optimizer.input.js': [['factory', 'tf.train.adam(0.001)', "'model' gets layers after the optimizer is built (model.add(...), line 6)"]],
  'layers-import.input.js': [['compile-string', "'sgd'"]],
  'loop-apply-gradients.input.ts': [['factory', 'tf.train.adam(1e-4, 0.9, 0.98)']],
  'loop-minimize-model.input.mjs': [['factory', 'tf.train.adam(3e-4)']],
  'loop-minimize-var-list.input.ts': [['factory', 'tf.train.sgd(0.1)']],
  'name-clash.input.js': [['factory', 'tf.train.sgd(0.1)']],
  'node-gpu-import.input.cjs': [['factory', 'tf.train.rmsprop(0.01)']],
  'require-destructured.input.cjs': [['factory', 'train.adadelta(1.0)']],
  'require.input.cjs': [['factory', 'tf.train.sgd(0.01)']],
  'run-compile-string.input.cjs': [['compile-string', "'adam'"]],
  'run-dqn.input.mjs': [['factory', 'tf.train.adam(1e-2)']],
  'run-fit-sgd.input.mjs': [['factory', 'tf.train.sgd(0.1)']],
  'run-learning-rate.input.mjs': [['factory', 'tf.train.adam(0.05)']],
  'run-layers-core.input.mjs': [['factory', 'tfc.train.sgd(0.2)']],
  'run-minimize-var-list.input.mjs': [['factory', 'tf.train.rmsprop(0.01)']],
  'tf-parameter.input.js': [['factory', 'tf.train.adam(0.01)', "'tf' is a parameter of 'createTrainer', not the tfjs import"]],
  'two-models-unfrozen.input.js': [['factory', 'tf.train.adam(1e-3)', 'runs several trainable models (target, online); gradients reach each of them']],
  'two-models.input.js': [['factory', 'tf.train.adam(1e-3)']],
  'unconvertible.input.ts': [
    ['factory', 'tf.train.adam(lr)', "built in a factory function ('makeOptimizer')"],
    ['factory', 'tf.train.sgd(lr)', "built in a factory function ('makeSgd')"],
    ['compile', 'makeOptimizer(0.01)', "comes from 'makeOptimizer(...)'"],
    ['factory', 'tf.train[rule](0.01)', 'name is computed at run time'],
    ['compile', 'name, loss', "the parameter 'name'"],
    ['factory', 'tf.train.sgd(...args)', 'spread arguments'],
    ['compile', '...base', "may come from spread options ('...base')"],
    ['compile', '...overrides', "spread options after 'optimizer'"],
    ['factory', 'tf.train.adam(0.001)', 'used with several models or variable lists (model, other)'],
    ['compile-string', "'ADAM'", "'ADAM' is not an optimizer name tfjs-layers accepts"],
    ['factory', 'tf.train.adagrad(0.1)', 'no model in reach'],
    ['factory', 'tf.train.rmsprop(0.001)', "'late' is declared or assigned after the optimizer is built"],
    ['factory', 'tf.train.adam(0.001)', "stored in 'this.optimizer'"],
    ['compile', 'this.optimizer, loss', "read from 'this.optimizer'"],
  ],
  'variable-list-bare.input.mjs': [
    ['factory', 'tfc.train.adagrad(0.1)', "the variable list '[w, b]' holds variables, not a model's"],
    ['factory', 'tfc.train.sgd(0.1)', "the variable list '[w, b]' holds variables, not a model's"],
  ],
  'variable-list-model.input.js': [['factory', 'tf.train.adam(0.01)'], ['factory', 'tf.train.sgd(0.1)']],
};

/** The site as the test shows it: kind, the code at its position, and the reason when not converted. */
function describe(site: SiteReport, input: string): string {
  const lineStart = input.split('\n').slice(0, site.line - 1).reduce((offset, line) => offset + line.length + 1, 0);
  const code = input.slice(lineStart + site.column - 1).split('\n')[0]!;
  return `${site.kind} \`${code}\`${site.converted ? '' : ` not converted: ${site.reason}`}`;
}

function matches(shown: string, [kind, code, reason]: ExpectedSite): boolean {
  return shown.startsWith(`${kind} \`${code}`) && (reason === undefined ? !shown.includes(' not converted: ') : shown.includes(reason));
}

for (const fixture of fixtures()) {
  test(`${fixture.name}: ${fixture.inputFile} converts to ${fixture.outputFile}`, () => {
    const result = transformSource(fixture.input, fixture.inputFile, fixture.options);
    assert.fixture(result.text, fixture.output);
    assert.is(result.changed, fixture.input !== fixture.output);
  });

  test(`${fixture.name}: ${fixture.inputFile} reports its sites`, () => {
    const expected = EXPECTED_SITES[fixture.inputFile];
    assert.ok(expected, `add ${fixture.inputFile} to EXPECTED_SITES`);
    const { sites } = transformSource(fixture.input, fixture.inputFile, fixture.options);
    const shown = sites.map((site) => describe(site, fixture.input));
    assert.is(sites.length, expected!.length, `sites:\n  ${shown.join('\n  ')}`);
    expected!.forEach((want, i) => assert.ok(matches(shown[i]!, want), `site ${i}: expected ${JSON.stringify(want)}, got '${shown[i]}'`));
  });

  test(`${fixture.name}: ${fixture.outputFile} is left as it is by a second run`, () => {
    const again = transformSource(fixture.output, fixture.outputFile, fixture.options);
    assert.fixture(again.text, fixture.output);
    assert.is(again.changed, false);
    assert.ok(again.sites.every((site) => !site.converted), 'a second run converts nothing');
  });
}

test('every fixture input is listed here, and every entry has its fixture', () => {
  const inputs = new Set(fixtures().map((fixture) => fixture.inputFile));
  assert.equal(Object.keys(EXPECTED_SITES).filter((file) => !inputs.has(file)), []);
  assert.equal([...inputs].filter((file) => !(file in EXPECTED_SITES)), []);
});

test.run();
