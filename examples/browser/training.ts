// The training that the browser page runs and that test/browser.test.ts runs again in Node on the cpu
// backend: one module, so that both sides run identical code (same seeded init, same digits from
// digits.bin, same batches, same schedule, same optimizer). No DOM and no Node here.
//
// A small ViT (examples/vit-finetune/vit.ts: patch_embed, cls_token, pos_embed, blocks_i, norm, head),
// grouped by layerDecayGroups (decay 0.75: the head learns at the full rate, each block below at 0.75×
// the one above), trained with AdamW on a warmup-cosine schedule.
import * as tf from '@tensorflow/tfjs';
import {
  GroupedOptimizer, describeGroups, layerDecayGroups, schedules, type EngineChoice, type GroupsDescription, type LayerDecayGroups,
} from '../../src/index.js';
// Registers the fused WebGPU engine (harmless where the index already does, a no-op on other backends).
import { buildVit, SMALL_VIT, type VitConfig } from '../vit-finetune/vit.js';
import { permutation, seededRandom } from '../vit-finetune/random.js';
import { IMAGE_SIDE, PIXELS, type DigitAsset, type DigitSet } from './digits-asset.js';

export interface TrainingConfig {
  /** Seeds the initial weights and the order of the samples. */
  seed: number;
  steps: number;
  batchSize: number;
  /** Peak base learning rate (the head's; layer i gets lr × decay^(numLayers − i)). */
  lr: number;
  warmupSteps: number;
  decay: number;
  weightDecay: number;
  engine: EngineChoice;
  vit: Omit<VitConfig, 'seed' | 'numClasses'>;
}

export const DEFAULT_CONFIG: TrainingConfig = {
  seed: 1,
  steps: 150,
  batchSize: 32,
  lr: 2e-3,
  warmupSteps: 10,
  decay: 0.75,
  weightDecay: 0.05,
  engine: 'auto',
  vit: withoutClasses(SMALL_VIT),
};

/** The default config for `steps` steps (warmup: a tenth of them, at most 10). */
export function configFor(overrides: Partial<TrainingConfig>): TrainingConfig {
  const steps = overrides.steps ?? DEFAULT_CONFIG.steps;
  return { ...DEFAULT_CONFIG, warmupSteps: Math.min(10, Math.max(1, Math.round(steps / 10))), ...overrides };
}

/**
 * The config a query string asks for (the page's `?seed=1&steps=20&...`; the browser test builds the
 * same config from the same string for its Node run): seed, steps, batch, lr, decay, engine, and the
 * ViT's dim, depth and heads. Unknown keys are left to the caller (backend, eval).
 */
export function configFromQuery(query: string | URLSearchParams): TrainingConfig {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const int = (name: string, fallback: number, min = 1) => {
    const v = params.get(name);
    const n = v === null ? fallback : Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`?${name}= must be a whole number >= ${min}, got '${v}'`);
    return n;
  };
  const real = (name: string, fallback: number) => {
    const v = params.get(name);
    const n = v === null ? fallback : Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`?${name}= must be a number > 0, got '${v}'`);
    return n;
  };
  const engine = (params.get('engine') ?? DEFAULT_CONFIG.engine) as EngineChoice;
  if (typeof engine !== 'string' || !['auto', 'ops', 'fused'].includes(engine)) throw new Error(`?engine= must be auto, ops or fused, got '${engine}'`);
  const vit = DEFAULT_CONFIG.vit;
  return configFor({
    seed: int('seed', DEFAULT_CONFIG.seed, 0),
    steps: int('steps', DEFAULT_CONFIG.steps),
    batchSize: int('batch', DEFAULT_CONFIG.batchSize),
    lr: real('lr', DEFAULT_CONFIG.lr),
    decay: real('decay', DEFAULT_CONFIG.decay),
    engine,
    vit: { ...vit, dim: int('dim', vit.dim), depth: int('depth', vit.depth), numHeads: int('heads', vit.numHeads) },
  });
}

export interface StepReport {
  /** 1-based. */
  step: number;
  loss: number;
  /** Each group's learning rate in this step, in the order of `groupNames`. */
  lrs: number[];
  ms: number;
}

export interface TrainingHooks {
  /** Wraps each optimizer update (applyGradients), e.g. to count GPU dispatches of the update alone. */
  aroundUpdate?: (step: number, update: () => void) => void;
  onStep?: (report: StepReport) => void | Promise<void>;
}

export interface Training {
  config: TrainingConfig;
  model: tf.LayersModel;
  groups: LayerDecayGroups;
  description: GroupsDescription;
  optimizer: GroupedOptimizer;
  groupNames: string[];
  /** Runs all steps; returns the losses. */
  run(hooks?: TrainingHooks): Promise<StepReport[]>;
  /** Every weight of the model as plain numbers, by variable name. */
  weights(): Promise<Record<string, number[]>>;
  /** Accuracy on the held-out digits. */
  accuracy(): Promise<number>;
  dispose(): void;
}

/** Builds the model, the groups and the optimizer on the active backend. */
export function createTraining(asset: DigitAsset, config: TrainingConfig): Training {
  const model = buildVit({ ...config.vit, numClasses: asset.train.numClasses, seed: config.seed });
  const groups = layerDecayGroups(model, { decay: config.decay, arch: 'vit', weightDecay: config.weightDecay });
  const description = describeGroups(groups);
  const schedule = schedules.warmupCosine({ lr: config.lr, warmupSteps: config.warmupSteps, totalSteps: config.steps });
  const optimizer = new GroupedOptimizer('adamw', groups, { learningRate: schedule, engine: config.engine });
  const groupNames = optimizer.paramGroups.map((g) => g.name ?? `group_${g.index}`);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);

  // The sample order: a fresh seeded permutation for every pass over the training set.
  const random = seededRandom(config.seed);
  const order: number[] = [];
  const batch = (step: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } => {
    const from = (step - 1) * config.batchSize;
    while (order.length < from + config.batchSize) order.push(...permutation(asset.train.size, random));
    const picks = order.slice(from, from + config.batchSize);
    return toTensors(asset.train, picks);
  };

  const run = async (hooks: TrainingHooks = {}): Promise<StepReport[]> => {
    const reports: StepReport[] = [];
    for (let step = 1; step <= config.steps; step++) {
      const started = performance.now();
      const lrs = optimizer.paramGroups.map((g) => g.lr);
      const { xs, ys } = batch(step);
      const { value, grads } = optimizer.computeGradients(() => crossEntropy(ys, model.apply(xs, { training: true }) as tf.Tensor2D), variables);
      const update = () => optimizer.applyGradients(grads);
      if (hooks.aroundUpdate) hooks.aroundUpdate(step, update);
      else update();
      const loss = (await value.data())[0]!;
      tf.dispose([xs, ys, value, ...Object.values(grads)]);
      const report = { step, loss, lrs, ms: performance.now() - started };
      reports.push(report);
      await hooks.onStep?.(report);
    }
    return reports;
  };

  const weights = async (): Promise<Record<string, number[]>> => {
    const out: Record<string, number[]> = {};
    for (const w of model.weights) out[w.name] = Array.from(await w.read().data());
    return out;
  };

  const accuracy = async (): Promise<number> => {
    const all = Array.from({ length: asset.test.size }, (_, i) => i);
    const { xs, ys } = toTensors(asset.test, all);
    const predicted = tf.tidy(() => tf.argMax(model.predict(xs) as tf.Tensor2D, -1));
    const truth = tf.tidy(() => tf.argMax(ys, -1));
    const [p, t] = [await predicted.data(), await truth.data()];
    tf.dispose([xs, ys, predicted, truth]);
    let right = 0;
    for (let i = 0; i < p.length; i++) if (p[i] === t[i]) right++;
    return right / p.length;
  };

  return {
    config, model, groups, description, optimizer, groupNames, run, weights, accuracy,
    dispose: () => { optimizer.dispose(); model.dispose(); },
  };
}

function withoutClasses({ numClasses: _, ...rest }: Omit<VitConfig, 'seed'>): TrainingConfig['vit'] {
  return rest;
}

/** Mean categorical cross-entropy of probabilities (the model ends in softmax), as tfjs-layers computes it. */
function crossEntropy(ys: tf.Tensor2D, probabilities: tf.Tensor2D): tf.Scalar {
  const eps = 1e-7;
  return tf.neg(tf.mean(tf.sum(tf.mul(ys, tf.log(tf.clipByValue(probabilities, eps, 1 - eps))), -1))) as tf.Scalar;
}

function toTensors(set: DigitSet, picks: readonly number[]): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const images = new Float32Array(picks.length * PIXELS);
  const labels = new Int32Array(picks.length);
  picks.forEach((i, n) => {
    images.set(set.images.subarray(i * PIXELS, (i + 1) * PIXELS), n * PIXELS);
    labels[n] = set.labels[i]!;
  });
  return tf.tidy(() => ({
    xs: tf.tensor4d(images, [picks.length, IMAGE_SIDE, IMAGE_SIDE, 1]),
    ys: tf.oneHot(tf.tensor1d(labels, 'int32'), set.numClasses).toFloat() as tf.Tensor2D,
  }));
}
