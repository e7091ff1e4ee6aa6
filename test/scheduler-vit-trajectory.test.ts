// MAE fine-tuning in miniature: ViT-like variables grouped by MAE's param_groups_lrd (layer decay
// 0.75, weight decay 0.05 except 1-D and no-decay parameters), AdamW, 50 steps of MAE's per-step
// warmup-cosine. The optimizer applying the scales itself (Graph mode) and LayerScaleLR applying them
// (Eager mode) give the same weights bit for bit on cpu; both match a float64 reference of MAE +
// PyTorch AdamW written out below; and a run checkpointed at step 20 and restored continues the
// schedule at step 20, not 0, bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import * as schedules from '../src/schedules.js';
import { GroupedOptimizer } from '../src/optimizer.js';
import type { GroupSpec } from '../src/groups.js';
import { LayerScaleLR } from '../src/scheduler.js';
import { useBackend } from './support/backend.js';
import { seededRandom, maxRelativeDifference } from './support/rule-cases.js';
import { vitLikeInitialValues, vitLikeParams, vitLikeShapes, type VitLikeParam } from './support/vit-like-params.js';

await useBackend('cpu');

const DEPTH = 3;
const DIM = 4;
const STEPS = 50;
const RESUME_AT = 20;
// MAE main_finetune.py names: lr, min_lr, warmup_epochs, epochs, weight_decay, layer_decay (here per step).
const MAE = { lr: 5e-3, min_lr: 1e-4, warmup_epochs: 10, epochs: STEPS, weight_decay: 0.05, layer_decay: 0.75 };
const NO_WEIGHT_DECAY = ['pos_embed', 'cls_token', 'dist_token']; // timm VisionTransformer.no_weight_decay()
const ADAMW = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }; // PyTorch defaults

const SCHEDULE = schedules.warmupCosine({ lr: MAE.lr, warmupSteps: MAE.warmup_epochs, totalSteps: MAE.epochs, minLr: MAE.min_lr });

// ---------------------------------------------------------------------------------------------
// MAE util/lr_decay.py and util/lr_sched.py, transcribed.

function getLayerIdForVit(name: string, numLayers: number): number {
  if (name === 'cls_token' || name === 'pos_embed') return 0;
  if (name.startsWith('patch_embed')) return 0;
  if (name.startsWith('blocks')) return Number(name.split('.')[1]) + 1;
  return numLayers;
}

interface MaeGroup { name: string; lr_scale: number; weight_decay: number; params: number[] }

/** param_groups_lrd over the parameter list (name, shape); params are indices into that list. */
function paramGroupsLrd(named: Array<[string, number[]]>): MaeGroup[] {
  const numLayers = DEPTH + 1;
  const layerScales = Array.from({ length: numLayers + 1 }, (_, i) => MAE.layer_decay ** (numLayers - i));
  const groups = new Map<string, MaeGroup>();
  named.forEach(([n, shape], index) => {
    const noDecay = shape.length === 1 || NO_WEIGHT_DECAY.includes(n);
    const layerId = getLayerIdForVit(n, numLayers);
    const groupName = `layer_${layerId}_${noDecay ? 'no_decay' : 'decay'}`;
    if (!groups.has(groupName)) {
      groups.set(groupName, { name: groupName, lr_scale: layerScales[layerId]!, weight_decay: noDecay ? 0 : MAE.weight_decay, params: [] });
    }
    groups.get(groupName)!.params.push(index);
  });
  return [...groups.values()];
}

function adjustLearningRate(epoch: number): number {
  if (epoch < MAE.warmup_epochs) return (MAE.lr * epoch) / MAE.warmup_epochs;
  return MAE.min_lr + (MAE.lr - MAE.min_lr) * 0.5 * (1 + Math.cos((Math.PI * (epoch - MAE.warmup_epochs)) / (MAE.epochs - MAE.warmup_epochs)));
}

// ---------------------------------------------------------------------------------------------
// The loss: sum over parameters of c · (p − target)², c in [0.5, 2], targets 3 to 4 away from every
// start value, so gradients never vanish and float32 and float64 runs stay comparable.

const SHAPES = vitLikeShapes(DEPTH, DIM);
const MAE_GROUPS = paramGroupsLrd(SHAPES);
const LOSS_TERMS = vitLikeInitialValues(DEPTH, DIM).map((p0, i) => {
  const random = seededRandom(100 + i);
  const c = Float32Array.from(p0, () => 0.5 + 1.5 * random());
  const target = Float32Array.from(p0, (p) => p + 3 + random());
  return { c, target };
});

function lossOf(params: VitLikeParam[]) {
  const terms = LOSS_TERMS.map(({ c, target }, i) => ({ c: tf.tensor(c, SHAPES[i]![1]), target: tf.tensor(target, SHAPES[i]![1]) }));
  return () => tf.addN(params.map((p, i) => terms[i]!.c.mul(p.variable.sub(terms[i]!.target).square()).sum())) as tf.Scalar;
}

/** The groups as GroupedOptimizer specs: the same grouping, names and numbers as MAE's. */
function groupSpecs(params: VitLikeParam[]): GroupSpec[] {
  return MAE_GROUPS.map((g) => ({ name: g.name, params: g.params.map((i) => params[i]!.variable), lrScale: g.lr_scale, weightDecay: g.weight_decay }));
}

const snapshot = (params: VitLikeParam[]) => params.map((p) => Array.from(p.variable.dataSync()));

// ---------------------------------------------------------------------------------------------
// The runs.

/** Graph mode: the optimizer holds the schedule and applies schedule(t) × lrScale itself. */
function nativeOptimizer(params: VitLikeParam[]) {
  return new GroupedOptimizer('adamw', groupSpecs(params), { learningRate: SCHEDULE, ...ADAMW });
}

/** Eager mode: the optimizer's own rate is a number that must never be used; LayerScaleLR sets every group. */
function eagerOptimizer(params: VitLikeParam[]) {
  const optimizer = new GroupedOptimizer('adamw', groupSpecs(params), { learningRate: 1, ...ADAMW });
  return { optimizer, scheduler: new LayerScaleLR(optimizer, SCHEDULE) };
}

function train(optimizer: GroupedOptimizer, loss: () => tf.Scalar, steps: number, scheduler?: LayerScaleLR) {
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(loss);
    scheduler?.step();
  }
}

let native: number[][];
let eager: number[][];

test('MAE grouping as data: 4 layers + head, decay and no_decay groups', () => {
  const summary = MAE_GROUPS.map((g) => `${g.name}:${g.lr_scale.toFixed(6)}:${g.weight_decay}:${g.params.length}`);
  assert.equal(summary, [
    'layer_0_no_decay:0.316406:0:3', // cls_token, pos_embed, patch_embed bias
    'layer_0_decay:0.316406:0.05:1', // patch_embed weight
    'layer_1_no_decay:0.421875:0:8', 'layer_1_decay:0.421875:0.05:4',
    'layer_2_no_decay:0.562500:0:8', 'layer_2_decay:0.562500:0.05:4',
    'layer_3_no_decay:0.750000:0:8', 'layer_3_decay:0.750000:0.05:4',
    'layer_4_no_decay:1.000000:0:3', 'layer_4_decay:1.000000:0.05:1', // fc_norm ×2, head bias; head weight
  ]);
});

test('Graph mode and Eager mode: the same weights, bit for bit, over 50 steps', () => {
  const a = vitLikeParams('native', DEPTH, DIM);
  train(nativeOptimizer(a), lossOf(a), STEPS);
  native = snapshot(a);

  const b = vitLikeParams('eager', DEPTH, DIM);
  const { optimizer, scheduler } = eagerOptimizer(b);
  train(optimizer, lossOf(b), STEPS, scheduler);
  eager = snapshot(b);

  assert.ok(native.some((values, i) => values.some((x, j) => x !== vitLikeInitialValues(DEPTH, DIM)[i]![j])), 'the weights must move');
  native.forEach((values, i) => assert.equal(eager[i], values, SHAPES[i]![0]));
});

test('both equal a float64 reference of MAE param_groups_lrd + adjust_learning_rate + PyTorch AdamW within 1e-5', () => {
  const p = vitLikeInitialValues(DEPTH, DIM).map((v) => Float64Array.from(v));
  const m = p.map((x) => new Float64Array(x.length));
  const v = p.map((x) => new Float64Array(x.length));
  for (let t = 0; t < STEPS; t++) {
    const lr = adjustLearningRate(t); // adjust_learning_rate(optimizer, step / len + epoch, args) before the step
    const grads = p.map((x, i) => x.map((pi, j) => 2 * LOSS_TERMS[i]!.c[j]! * (pi - LOSS_TERMS[i]!.target[j]!)));
    const step = t + 1;
    for (const group of MAE_GROUPS) {
      const groupLr = lr * group.lr_scale; // param_group["lr"] = lr * param_group["lr_scale"]
      for (const i of group.params) {
        for (let j = 0; j < p[i]!.length; j++) {
          // torch.optim.AdamW, single-tensor path
          p[i]![j]! *= 1 - groupLr * group.weight_decay;
          m[i]![j] = ADAMW.beta1 * m[i]![j]! + (1 - ADAMW.beta1) * grads[i]![j]!;
          v[i]![j] = ADAMW.beta2 * v[i]![j]! + (1 - ADAMW.beta2) * grads[i]![j]! ** 2;
          const biasCorrection1 = 1 - ADAMW.beta1 ** step;
          const biasCorrection2 = 1 - ADAMW.beta2 ** step;
          const denom = Math.sqrt(v[i]![j]!) / Math.sqrt(biasCorrection2) + ADAMW.epsilon;
          p[i]![j]! -= (groupLr / biasCorrection1) * (m[i]![j]! / denom);
        }
      }
    }
  }
  const worst = Math.max(...p.map((ref, i) => maxRelativeDifference(native[i]!, ref)));
  assert.ok(worst <= 1e-5, `largest relative difference from the float64 reference: ${worst}`);
});

test('Graph mode resumed at step 20 from getConfig/fromConfig + getWeights/setWeights continues the schedule there', async () => {
  const c = vitLikeParams('native-resumed', DEPTH, DIM);
  const loss = lossOf(c);
  const before = nativeOptimizer(c);
  train(before, loss, RESUME_AT);
  const config = before.getConfig();
  const weights = await before.getWeights();

  const after = GroupedOptimizer.fromConfig(GroupedOptimizer, config) as GroupedOptimizer;
  await after.setWeights(weights);
  assert.is(after.iterations, RESUME_AT);
  assert.equal(after.paramGroups.map((g) => g.lr), MAE_GROUPS.map((g) => SCHEDULE(RESUME_AT) * g.lr_scale), 'rates at step 20, not 0');
  train(after, loss, STEPS - RESUME_AT);
  snapshot(c).forEach((values, i) => assert.equal(values, native[i], SHAPES[i]![0]));
});

test('Graph mode resumed with setWeights on a fresh optimizer (same options) continues at step 20', async () => {
  const d = vitLikeParams('native-set-weights', DEPTH, DIM);
  const loss = lossOf(d);
  const before = nativeOptimizer(d);
  train(before, loss, RESUME_AT);
  const after = nativeOptimizer(d);
  await after.setWeights(await before.getWeights());
  assert.is(after.learningRate, SCHEDULE(RESUME_AT));
  train(after, loss, STEPS - RESUME_AT);
  snapshot(d).forEach((values, i) => assert.equal(values, native[i], SHAPES[i]![0]));
});

test('Eager mode resumed at step 20: a LayerScaleLR on the restored optimizer starts at step 20', async () => {
  const e = vitLikeParams('eager-resumed', DEPTH, DIM);
  const loss = lossOf(e);
  const before = eagerOptimizer(e);
  train(before.optimizer, loss, RESUME_AT, before.scheduler);
  const config = before.optimizer.getConfig();
  const weights = await before.optimizer.getWeights();

  const optimizer = GroupedOptimizer.fromConfig(GroupedOptimizer, config) as GroupedOptimizer;
  await optimizer.setWeights(weights);
  const scheduler = new LayerScaleLR(optimizer, SCHEDULE);
  assert.is(scheduler.lastStep, RESUME_AT);
  assert.equal(scheduler.getLastLr(), MAE_GROUPS.map((g) => SCHEDULE(RESUME_AT) * g.lr_scale));
  train(optimizer, loss, STEPS - RESUME_AT, scheduler);
  snapshot(e).forEach((values, i) => assert.equal(values, eager[i], SHAPES[i]![0]));
});

test.run();
