// What a user runs, on the active backend: small tfjs-layers models trained with model.fit and with
// a minimize loop, by stock tfjs and by the grouped optimizer (ops engine, default engine), then
// saved with the optimizer, reloaded and resumed. What is compared is what the user sees: the loss
// history and the model's predictions afterwards, never the optimizer's own state. A fused engine
// whose write the backend does not see (a cache keyed by data id) fails here, as would a checkpoint
// that resumes from the wrong state. No test framework here: the Node suite (user-training.ts) and
// the browser page (browser-training-entry.ts) both run these cases and report the problems.
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, layerDecayGroups } from '../../src/index.js';
import { maxRelativeDifference, seededRandom } from './rule-cases.js';

/** Reads a tensor without dataSync (which throws or is wrong for GPU tensors). */
const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;

interface Model {
  name: string;
  /** Backends that cannot train it at all, even with stock tfjs, and why. */
  unsupported?: Partial<Record<string, string>>;
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

export interface Run { losses: number[]; predictions: Float32Array }
/** Two runs that must agree, and what they are. */
export interface Comparison { what: string; actual: Run; expected: Run }
export interface MatrixCase { name: string; run(): Promise<Comparison[]> }

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

/** What is wrong with `actual` against `expected`, or null when they agree within float32 rounding. */
export function problemOf({ what, actual, expected }: Comparison): string | null {
  if (actual.losses.length !== expected.losses.length) return `${what}: ${actual.losses.length} losses, expected ${expected.losses.length}`;
  const lossDiff = maxRelativeDifference(actual.losses, expected.losses);
  if (!(lossDiff <= TOLERANCE)) return `${what}: loss history ${fmt(actual.losses)} but expected ${fmt(expected.losses)} (max relative difference ${lossDiff.toExponential(2)})`;
  // Relative to the predictions' scale: a prediction near 0 has no relative precision of its own.
  const scale = Math.max(...expected.predictions.map(Math.abs));
  const predDiff = Math.max(...actual.predictions.map((p, i) => Math.abs(p - expected.predictions[i]!))) / scale;
  if (!(predDiff <= TOLERANCE)) return `${what}: predictions after training differ by ${predDiff.toExponential(2)} of their scale ${scale.toPrecision(3)}`;
  // The runs must have trained at all, or equal numbers would prove nothing.
  if (!(expected.losses.at(-1)! < expected.losses[0]! * 0.98)) return `${what}: the reference did not train (${fmt(expected.losses)})`;
  return null;
}

const fmt = (xs: number[]) => `[${xs.slice(0, 3).map((v) => v.toPrecision(5)).join(', ')}, …, ${xs.at(-1)!.toPrecision(5)}]`;

/** model.save with the optimizer, into memory and through JSON as a file would be. */
export async function saveWithOptimizer(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
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
  if (!(resumed.optimizer instanceof GroupedOptimizer)) throw new Error('the reloaded model has no GroupedOptimizer');
  const h2 = await resumed.fit(x, y, { batchSize: BATCH, epochs: second, shuffle: false, verbose: 0 });
  const run = { losses: [...h1.history.loss, ...h2.history.loss] as number[], predictions: await predict(resumed, x) };
  disposeModel(resumed);
  tf.dispose([x, y]);
  return run;
}

/**
 * What a user who clips by hand writes with stock tfjs: per batch, the gradients (tf.variableGrads),
 * PyTorch's clip_grad_norm_ as tf ops (one factor min(1, c / (‖all‖ + 1e-6))), then the stock
 * optimizer's applyGradients. The same batches, epochs and loss as trainWithFit; the epoch's loss is
 * the mean of its batches' losses, as fit reports it. `clippedSteps`: steps whose factor was below 1.
 */
async function trainByHandWithGlobalClip(model: Model, stock: () => Optimizer, c: number): Promise<Run & { clippedSteps: number; steps: number }> {
  const { x, y } = data(model);
  const m = model.build();
  const optimizer = stock();
  const variables = m.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  let clippedSteps = 0;
  let steps = 0;
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    let sum = 0;
    for (let b = 0; b < SAMPLES / BATCH; b++) {
      const [xb, yb] = [x.slice(b * BATCH, BATCH), y.slice(b * BATCH, BATCH)];
      const { value, grads } = tf.variableGrads(() => tf.losses.meanSquaredError(yb, m.apply(xb, { training: true }) as tf.Tensor) as tf.Scalar, variables);
      const factor = tf.tidy(() => {
        const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
        return tf.minimum(1, tf.div(c, tf.add(norm, 1e-6)));
      });
      if ((await read(factor))[0]! < 1) clippedSteps++;
      steps++;
      const clipped = tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, tf.mul(g, factor)])));
      optimizer.applyGradients(clipped);
      sum += (await read(value))[0]!;
      tf.dispose([xb, yb, value, factor, ...Object.values(grads), ...Object.values(clipped)]);
    }
    losses.push(sum / (SAMPLES / BATCH));
  }
  const run = { losses, predictions: await predict(m, x), clippedSteps, steps };
  optimizer.dispose();
  m.dispose();
  tf.dispose([x, y]);
  return run;
}

/** globalClipnorm of the matrix's clip case: below the gradients' global norm at most steps of these models. */
const GLOBAL_CLIPNORM = 0.2;

/** The matrix for `backend` (the active one): each case trains what it names and returns the runs to compare. */
export function matrixCases(backend: string): MatrixCase[] {
  const cases: MatrixCase[] = [];
  for (const model of MODELS) {
    const why = model.unsupported?.[backend];
    if (why) continue;
    for (const { rule, lr, stock, options } of RULES) {
      const grouped = (engine: 'ops' | 'auto'): MakeOptimizer => (m) =>
        new GroupedOptimizer(rule, [{ params: m }], { learningRate: lr, engine, ...options });
      cases.push({
        name: `${model.name}, ${rule}, model.fit: grouped ops and default engine equal stock tfjs`,
        run: async () => {
          const expected = await trainWithFit(model, stock);
          return [
            { what: `${backend} ${rule} fit, ops engine vs stock`, actual: await trainWithFit(model, grouped('ops')), expected },
            { what: `${backend} ${rule} fit, default engine vs stock`, actual: await trainWithFit(model, grouped('auto')), expected },
          ];
        },
      });
    }
    cases.push({
      name: `${model.name}, sgd with globalClipnorm, model.fit: grouped ops and default engine equal a hand-written stock tfjs loop that clips with tf ops`,
      run: async () => {
        const byHand = await trainByHandWithGlobalClip(model, () => tf.train.sgd(0.1), GLOBAL_CLIPNORM);
        if (byHand.clippedSteps < byHand.steps / 2) throw new Error(`globalClipnorm ${GLOBAL_CLIPNORM} clipped only ${byHand.clippedSteps} of ${byHand.steps} steps: the case would not test clipping`);
        const grouped = (engine: 'ops' | 'auto'): MakeOptimizer => (m) => new GroupedOptimizer('sgd', [{ params: m }], { learningRate: 0.1, globalClipnorm: GLOBAL_CLIPNORM, engine });
        return [
          { what: `${backend} sgd globalClipnorm fit, ops engine vs the stock loop clipping by hand`, actual: await trainWithFit(model, grouped('ops')), expected: byHand },
          { what: `${backend} sgd globalClipnorm fit, default engine vs the stock loop clipping by hand`, actual: await trainWithFit(model, grouped('auto')), expected: byHand },
        ];
      },
    });
    cases.push({
      name: `${model.name}, adam, minimize loop: grouped ops and default engine equal stock tfjs`,
      run: async () => {
        const expected = await trainWithMinimize(model, () => tf.train.adam(0.01));
        const comparisons: Comparison[] = [];
        for (const engine of ['ops', 'auto'] as const) {
          const actual = await trainWithMinimize(model, (m) => new GroupedOptimizer('adam', [{ params: m }], { learningRate: 0.01, engine }));
          comparisons.push({ what: `${backend} adam minimize, ${engine} engine vs stock`, actual, expected });
        }
        return comparisons;
      },
    });
    cases.push({
      name: `${model.name}, adamw with layer-wise decay: default engine equals ops; save, reload, resume equals uninterrupted`,
      run: async () => {
        const make = (engine: 'ops' | 'auto'): MakeOptimizer => (m) =>
          new GroupedOptimizer('adamw', layerDecayGroups(m, { decay: 0.5, weightDecay: 0.05 }), { learningRate: 0.01, engine });
        const ops = await trainWithFit(model, make('ops'));
        return [
          { what: `${backend} adamw layer decay, default engine vs ops`, actual: await trainWithFit(model, make('auto')), expected: ops },
          { what: `${backend} adamw layer decay, saved after 2 epochs and resumed`, actual: await trainResumed(model, make('auto'), 2, EPOCHS - 2), expected: ops },
        ];
      },
    });
  }
  return cases;
}

/** Models the backend cannot train (stock tfjs cannot either), and why. */
export function unsupportedModels(backend: string): Array<{ name: string; why: string }> {
  return MODELS.flatMap((m) => (m.unsupported?.[backend] ? [{ name: m.name, why: m.unsupported[backend]! }] : []));
}
