// What a user runs, on one backend: small tfjs-layers models trained with model.fit and with a
// minimize loop, by stock tfjs and by the grouped optimizer (ops engine, fused engine), then saved
// with the optimizer, reloaded and resumed. What is compared is what the user sees: the loss
// history and the model's predictions afterwards, never the optimizer's own state. A fused engine
// whose write the backend does not see (a cache keyed by data id) fails here, as would a nested
// model grouped wrongly or a checkpoint that resumes from the wrong state.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, layerDecayGroups } from '../../src/index.js';
import { useBackend, read, type BackendName } from './backend.js';
import { maxRelativeDifference, seededRandom } from './rule-cases.js';

interface Model {
  name: string;
  /** Backends that cannot train it at all, even with stock tfjs, and why. */
  unsupported?: Partial<Record<BackendName, string>>;
  inputShape: number[];
  outputs: number;
  build(): tf.LayersModel;
}

const init = (seed: number) => tf.initializers.glorotUniform({ seed });

/** The models: a classifier head on 2-D input, a nested transfer-learning shape, LayerNorm on 3-D input, a conv net. */
const MODELS: Model[] = [
  {
    name: 'mlp (Dense on 2-D input)',
    inputShape: [6],
    outputs: 3,
    build: () => tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [6], units: 16, activation: 'tanh', kernelInitializer: init(1) }),
      tf.layers.dense({ units: 3, kernelInitializer: init(2) }),
    ] }),
  },
  {
    name: 'nested (a backbone model inside a model with a new head)',
    inputShape: [6],
    outputs: 3,
    build: () => {
      const backbone = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [6], units: 12, activation: 'relu', kernelInitializer: init(3) }),
        tf.layers.dense({ units: 8, activation: 'tanh', kernelInitializer: init(4) }),
      ] });
      return tf.sequential({ layers: [backbone, tf.layers.dense({ units: 3, kernelInitializer: init(5) })] });
    },
  },
  {
    name: 'layernorm (Dense and LayerNormalization on 3-D input)',
    inputShape: [4, 6],
    outputs: 3,
    build: () => tf.sequential({ layers: [
      tf.layers.dense({ inputShape: [4, 6], units: 8, kernelInitializer: init(6) }),
      tf.layers.layerNormalization({}),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: init(7) }),
    ] }),
  },
  {
    name: 'conv (Conv2D, Flatten, Dense)',
    unsupported: { wasm: 'the wasm backend has no Conv2DBackpropFilter kernel' },
    inputShape: [6, 6, 1],
    outputs: 3,
    build: () => tf.sequential({ layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: init(8) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 3, kernelInitializer: init(9) }),
    ] }),
  },
];

/** Stock factory and the same rule grouped; hyperparameters that both take. */
const RULES = [
  { rule: 'adam', lr: 0.01, stock: () => tf.train.adam(0.01), options: {} },
  { rule: 'sgd', lr: 0.1, stock: () => tf.train.sgd(0.1), options: {} },
  // Not centered: stock tfjs's centered RMSProp takes sqrt(ms - mg² - eps), NaN on these models.
  { rule: 'rmsprop', lr: 0.01, stock: () => tf.train.rmsprop(0.01, 0.9, 0.5), options: { decay: 0.9, momentum: 0.5 } },
];

const BATCH = 16;
const SAMPLES = 48;
const EPOCHS = 4;
/**
 * Agreement "within float32 rounding" after a few dozen steps: stock and grouped evaluate the same
 * formula with ops in another order (Adam's bias correction, for one), and a fused kernel (a GPU's
 * fma) rounds once where ops round twice, so last bits differ; Adam turns a last-bit difference of a
 * near-zero gradient into a visible one (m / sqrt(v) is about ±1 whatever the size), so the runs
 * drift apart by about 1e-4 of the predictions' scale. A missed or stale update is off by 1e-1 and more.
 */
const TOLERANCE = 1e-3;

function data(model: Model) {
  const random = seededRandom(11);
  const size = model.inputShape.reduce((a, b) => a * b, 1);
  const x = tf.tensor(Float32Array.from({ length: SAMPLES * size }, () => random() * 2 - 1), [SAMPLES, ...model.inputShape]);
  const y = tf.tensor2d(Float32Array.from({ length: SAMPLES * model.outputs }, () => random() * 2 - 1), [SAMPLES, model.outputs]);
  return { x, y };
}

interface Run { losses: number[]; predictions: Float32Array }

type Optimizer = tf.Optimizer;
type MakeOptimizer = (model: tf.LayersModel) => Optimizer;

async function trainWithFit(model: Model, makeOptimizer: MakeOptimizer, epochs = EPOCHS): Promise<Run> {
  const { x, y } = data(model);
  const m = model.build();
  m.compile({ optimizer: makeOptimizer(m), loss: 'meanSquaredError' });
  const history = await m.fit(x, y, { batchSize: BATCH, epochs, shuffle: false, verbose: 0 });
  const run = { losses: history.history.loss as number[], predictions: await predict(m, x) };
  disposeModel(m);
  tf.dispose([x, y]);
  return run;
}

async function trainWithMinimize(model: Model, makeOptimizer: MakeOptimizer): Promise<Run> {
  const { x, y } = data(model);
  const m = model.build();
  const optimizer = makeOptimizer(m);
  const losses: number[] = [];
  for (let step = 0; step < 12; step++) {
    const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, m.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!;
    losses.push((await read(loss))[0]!);
    loss.dispose();
  }
  const run = { losses, predictions: await predict(m, x) };
  optimizer.dispose();
  disposeModel(m);
  tf.dispose([x, y]);
  return run;
}

async function predict(m: tf.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const out = m.predict(x) as tf.Tensor;
  const values = (await read(out)).slice();
  out.dispose();
  return values;
}

function disposeModel(m: tf.LayersModel) {
  (m.optimizer as Optimizer | undefined)?.dispose();
  m.dispose();
}

function assertSameRun(actual: Run, expected: Run, what: string) {
  assert.is(actual.losses.length, expected.losses.length, `${what}: number of losses`);
  const lossDiff = maxRelativeDifference(actual.losses, expected.losses);
  assert.ok(lossDiff <= TOLERANCE, `${what}: loss history ${fmt(actual.losses)} but expected ${fmt(expected.losses)} (max relative difference ${lossDiff.toExponential(2)})`);
  // Relative to the predictions' scale: a prediction near 0 has no relative precision of its own.
  const scale = Math.max(...expected.predictions.map(Math.abs));
  const predDiff = Math.max(...actual.predictions.map((p, i) => Math.abs(p - expected.predictions[i]!))) / scale;
  assert.ok(predDiff <= TOLERANCE, `${what}: predictions after training differ by ${predDiff.toExponential(2)} of their scale ${scale.toPrecision(3)}`);
  // The runs must have trained at all, or equal numbers would prove nothing.
  assert.ok(expected.losses.at(-1)! < expected.losses[0]! * 0.98, `${what}: the reference did not train (${fmt(expected.losses)})`);
}

const fmt = (xs: number[]) => `[${xs.slice(0, 3).map((v) => v.toPrecision(5)).join(', ')}, …, ${xs.at(-1)!.toPrecision(5)}]`;

async function saveWithOptimizer(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }), { includeOptimizer: true });
  // Through JSON, as a file would be: tfjs camel-cases the optimizer config on load.
  return { ...saved!, modelTopology: JSON.parse(JSON.stringify(saved!.modelTopology)), trainingConfig: JSON.parse(JSON.stringify(saved!.trainingConfig)) };
}

/** Fit for `first` epochs, save with the optimizer, load, fit `second` more: the user's resumed run. */
async function trainResumed(model: Model, makeOptimizer: MakeOptimizer, first: number, second: number): Promise<Run> {
  const { x, y } = data(model);
  const m = model.build();
  m.compile({ optimizer: makeOptimizer(m), loss: 'meanSquaredError' });
  const h1 = await m.fit(x, y, { batchSize: BATCH, epochs: first, shuffle: false, verbose: 0 });
  const artifacts = await saveWithOptimizer(m);
  disposeModel(m);
  const resumed = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  assert.instance(resumed.optimizer, GroupedOptimizer, 'the reloaded model has the grouped optimizer');
  const h2 = await resumed.fit(x, y, { batchSize: BATCH, epochs: second, shuffle: false, verbose: 0 });
  const run = { losses: [...h1.history.loss, ...h2.history.loss] as number[], predictions: await predict(resumed, x) };
  disposeModel(resumed);
  tf.dispose([x, y]);
  return run;
}

/** Registers the matrix for one backend as a uvu suite; call `.run()` on what it returns. */
export function userTrainingSuite(backend: BackendName) {
  const s = suite(`user training on ${backend}`);
  s.before(() => useBackend(backend));
  for (const model of MODELS) {
    const why = model.unsupported?.[backend];
    if (why) {
      s(`${model.name}: not trained on ${backend} (${why}; stock tfjs cannot either)`, () => {
        assert.ok(why.length > 0);
      });
      continue;
    }
    for (const { rule, lr, stock, options } of RULES) {
      const grouped = (engine: 'ops' | 'fused' | 'auto'): MakeOptimizer => (m) =>
        new GroupedOptimizer(rule, [{ params: m }], { learningRate: lr, engine, ...options });
      s(`${model.name}, ${rule}, model.fit: grouped ops and fused equal stock tfjs`, async () => {
        const expected = await trainWithFit(model, stock);
        assertSameRun(await trainWithFit(model, grouped('ops')), expected, `${backend} ${rule} fit, ops engine vs stock`);
        assertSameRun(await trainWithFit(model, grouped('auto')), expected, `${backend} ${rule} fit, default engine vs stock`);
      });
    }
    s(`${model.name}, adam, minimize loop: grouped ops and fused equal stock tfjs`, async () => {
      const expected = await trainWithMinimize(model, () => tf.train.adam(0.01));
      for (const engine of ['ops', 'auto'] as const) {
        const actual = await trainWithMinimize(model, (m) => new GroupedOptimizer('adam', [{ params: m }], { learningRate: 0.01, engine }));
        assertSameRun(actual, expected, `${backend} adam minimize, ${engine} engine vs stock`);
      }
    });
    s(`${model.name}, adamw with layer-wise decay: fused equals ops; save, reload, resume equals uninterrupted`, async () => {
      const make = (engine: 'ops' | 'auto'): MakeOptimizer => (m) =>
        new GroupedOptimizer('adamw', layerDecayGroups(m, { decay: 0.5, weightDecay: 0.05 }), { learningRate: 0.01, engine });
      const ops = await trainWithFit(model, make('ops'));
      assertSameRun(await trainWithFit(model, make('auto')), ops, `${backend} adamw layer decay, default engine vs ops`);
      assertSameRun(await trainResumed(model, make('auto'), 2, EPOCHS - 2), ops, `${backend} adamw layer decay, saved after 2 epochs and resumed`);
    });
  }
  s(`an int32 gradient moves a variable as its float32 value does (${backend}, default engine)`, async () => {
    const [a, b] = [0, 1].map((i) => tf.variable(tf.fill([9], 2), true, `int-grad-${backend}-${i}`));
    const opt = new GroupedOptimizer('adam', [{ params: [a!, b!] }], { learningRate: 0.1 });
    const g = [3, -1, 0, 7, 2, -5, 1, 1, 4];
    opt.applyGradients([{ name: a!.name, tensor: tf.tensor1d(g, 'int32') }, { name: b!.name, tensor: tf.tensor1d(g, 'float32') }]);
    assert.equal(Array.from(await read(a!)), Array.from(await read(b!)));
    opt.dispose();
    tf.dispose([a!, b!]);
  });
  return s;
}
