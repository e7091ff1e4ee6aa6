// The fused WebGPU engine on real WebGPU (Dawn over SwiftShader, see test/run.mjs) against the ops
// path: every rule of the table with three groups, the safety checks shared by all backends, and
// what only a GPU has: dispatches per step, GPU buffers that must not grow, pipelines compiled once,
// groups cut into chunks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '@tensorflow/tfjs';
import { GroupedOptimizer, type UpdateEngine } from '../src/index.js';
import { createWebGpuEngine, webgpuEngine } from '../src/engines/webgpu/engine.js';
import { kernelShapeFor } from '../src/engines/webgpu/kernel.js';
import { read, releaseWebGpu, useBackend } from './support/backend.js';
import { maxRelativeDifference } from './support/rule-cases.js';
import { CLIP_STEPS, RULE_CASES, assertSameTraining, countingFusedEngine, defineClipTests, defineEquivalenceTests, defineSafetyTests, makeProblem, trainGroups } from './support/fused-cases.js';

await useBackend('webgpu');
// Small tensors would otherwise run on the CPU; the GPU must do the work under test.
tf.env().set('WEBGPU_CPU_FORWARD', false);

interface Prototypes {
  GPUComputePassEncoder: { prototype: { dispatchWorkgroups(...a: number[]): void } };
  GPUDevice: { prototype: { createComputePipeline(d: object): object } };
  GPUBuffer: { prototype: { mapAsync(...a: unknown[]): Promise<void> } };
}
const gpu = globalThis as unknown as Prototypes;
let dispatches = 0;
const dispatch = gpu.GPUComputePassEncoder.prototype.dispatchWorkgroups;
gpu.GPUComputePassEncoder.prototype.dispatchWorkgroups = function (this: unknown, ...args: number[]) {
  dispatches++;
  return dispatch.apply(this, args);
};
let pipelinesCreated = 0;
const createComputePipeline = gpu.GPUDevice.prototype.createComputePipeline;
gpu.GPUDevice.prototype.createComputePipeline = function (this: unknown, d: object) {
  pipelinesCreated++;
  return createComputePipeline.call(this, d);
};

// Reads back to the CPU: every read of GPU data (tfjs's data(), a staging buffer) maps a buffer.
let mapped = 0;
const mapAsync = gpu.GPUBuffer.prototype.mapAsync;
gpu.GPUBuffer.prototype.mapAsync = function (this: unknown, ...args: unknown[]) {
  mapped++;
  return mapAsync.apply(this, args);
};

interface BufferManager { getNumUsedBuffers(): number; getNumFreeBuffers(): number; numBytesAllocated: number }
const bufferManager = () => (tf.backend() as unknown as { bufferManager: BufferManager }).bufferManager;

defineEquivalenceTests('webgpu');
defineSafetyTests('webgpu', { leakSteps: 1000 });
defineClipTests('webgpu', webgpuEngine, ['clipvalue', 'globalClipnorm']);

test('webgpu: a 60-variable model steps in at most 2 dispatches per group (ops path: over 10 per variable)', () => {
  const shapes = Array.from({ length: 60 }, (_, i) => [i % 3 === 0 ? 1 : 17 + 31 * i]);
  const count = (engine: 'ops' | 'fused') => {
    const p = makeProblem(shapes, `dispatch-${engine}`);
    const groups = [0, 1, 2, 3].map((g) => ({ params: p.vars.filter((_, i) => i % 4 === g), lrScale: 0.5 ** g, weightDecay: g === 0 ? 0 : 0.01 }));
    const optimizer = new GroupedOptimizer('adamw', groups, { learningRate: 1e-3, engine });
    const grads = p.vars.map((v) => ({ name: v.name, tensor: tf.onesLike(v) }));
    optimizer.applyGradients(grads); // first step: slots are created (fills are dispatches too)
    const before = dispatches;
    for (let t = 0; t < 3; t++) optimizer.applyGradients(grads);
    const perStep = (dispatches - before) / 3;
    optimizer.dispose();
    tf.dispose(grads.map((g) => g.tensor));
    p.dispose();
    return perStep;
  };
  const fused = count('fused');
  const ops = count('ops');
  assert.ok(ops >= 600, `the ops path should dispatch per variable (${ops} per step): is counting working?`);
  assert.ok(fused <= 2 * 4, `fused: ${fused} dispatches per step for 4 groups`);
  assert.ok(fused >= 4, `fused: ${fused} dispatches per step: every group must run`);
});

test('webgpu: with globalClipnorm a step is groups + 2 dispatches (at most 2 x groups + 1), reads nothing back, and equals ops on 60 variables', async () => {
  const shapes = Array.from({ length: 60 }, (_, i) => [i % 3 === 0 ? 1 : 17 + 31 * i]);
  const count = async (engine: 'ops' | 'fused' | UpdateEngine) => {
    const p = makeProblem(shapes, `clip-dispatch-${typeof engine === 'string' ? engine : 'ops-clip'}`);
    const groups = [0, 1, 2, 3].map((g) => ({ params: p.vars.filter((_, i) => i % 4 === g), lrScale: 0.5 ** g, weightDecay: g === 0 ? 0 : 0.01 }));
    // SGD: the update is proportional to the factor (Adam would hide a wrong one: it is scale-invariant).
    const optimizer = new GroupedOptimizer('sgd', groups, { learningRate: 1, globalClipnorm: 1, engine });
    const grads = p.vars.map((v, i) => ({ name: v.name, tensor: tf.fill(v.shape, 1 + (i % 5)) }));
    optimizer.applyGradients(grads); // first step: slots are created (fills are dispatches too)
    const [dispatchesBefore, mappedBefore] = [dispatches, mapped];
    for (let t = 0; t < 3; t++) optimizer.applyGradients(grads);
    const perStep = (dispatches - dispatchesBefore) / 3;
    const reads = mapped - mappedBefore;
    const values = await Promise.all(p.vars.map(async (v) => (await read(v)).slice()));
    optimizer.dispose();
    tf.dispose(grads.map((g) => g.tensor));
    p.dispose();
    return { perStep, reads, values };
  };
  const fused = await count('fused');
  // The fused update with the clip as tfjs ops before it (what every engine without runClipped gets).
  const opsClip = await count({ name: 'webgpu', run: (step) => webgpuEngine.run(step) });
  const ops = await count('ops');
  assert.is(fused.perStep, 4 + 2, 'fused clip: dispatches per step for 4 groups (one per group, one norm, one combine)');
  assert.ok(fused.perStep <= 2 * 4 + 1);
  assert.is(fused.reads, 0, 'the fused step must not read anything back to the CPU');
  assert.ok(opsClip.perStep > 60 * 2, `the ops clip should dispatch per variable (${opsClip.perStep} per step): is counting working?`);
  // 60 squared norms to add: more than one tfjs AddN can bind on WebGPU (see gradient-transforms.ts).
  for (const [label, other] of [['ops', ops], ['fused update + ops clip', opsClip]] as const) {
    other.values.forEach((expected, i) => {
      const diff = maxRelativeDifference(fused.values[i]!, expected);
      assert.ok(diff <= 1e-5, `variable ${i}: fused clip and ${label} differ by ${diff.toExponential(2)}`);
    });
  }
  console.log(`    dispatches per step, 60 variables in 4 groups, globalClipnorm: ops ${ops.perStep}, fused update + ops clip ${opsClip.perStep}, fused clip ${fused.perStep}`);
});

test('webgpu: globalClipnorm over a norm arena cut into chunks equals the ops path', async () => {
  // One segment of 4096 bytes holds 1024 gradient elements: the table's 2,000 make 2 norm chunks,
  // and the groups' arenas are cut too (as in the chunk test above).
  const engine = createWebGpuEngine({ maxBindingBytes: 4096 });
  const chunked = countingFusedEngine(engine);
  try {
    for (const label of ['sgd', 'adamw']) {
      const rc = RULE_CASES.find((r) => r.label === label)!;
      const ops = await trainGroups(rc, 'ops', CLIP_STEPS, { globalClipnorm: 50 });
      const fused = await trainGroups(rc, chunked, CLIP_STEPS, { globalClipnorm: 50 });
      assertSameTraining(fused, ops);
    }
    assert.is(chunked.fused, 2 * CLIP_STEPS, 'every step fused');
  } finally {
    engine.releaseArenas();
  }
});

test('webgpu: GPU buffers (tfjs pool and arenas) do not grow from step 10 to step 1000', () => {
  webgpuEngine.releaseArenas(); // count only this test's arenas (older ones would be evicted on the way)
  const p = makeProblem([[1], [7], [37], [8, 8], [130], [1500]], 'buffers');
  const optimizer = new GroupedOptimizer('adam', [{ params: p.vars.slice(0, 3), lrScale: 0.5 }, { params: p.vars.slice(3), weightDecay: 0.01 }], { learningRate: 0.01, engine: 'fused' });
  const snapshot = () => ({
    used: bufferManager().getNumUsedBuffers(),
    free: bufferManager().getNumFreeBuffers(),
    allocated: bufferManager().numBytesAllocated,
    ...webgpuEngine.arenaStats(),
  });
  let atStep10 = snapshot();
  for (let t = 1; t <= 1000; t++) {
    p.step(optimizer, t);
    if (t === 10) atStep10 = snapshot();
  }
  const after = snapshot();
  assert.ok(atStep10.arenas >= 1, 'the fused engine must have used an arena');
  assert.equal(after, atStep10);
  optimizer.dispose();
  p.dispose();
});

test('webgpu: a learning rate that changes every step compiles no new pipeline', async () => {
  const p = makeProblem([[300], [5]], 'pipelines');
  const optimizer = new GroupedOptimizer('adam', [{ params: p.vars }], { learningRate: 0.01, engine: 'fused' });
  p.step(optimizer, 0);
  const before = pipelinesCreated;
  const values: number[] = [];
  for (let t = 1; t < 6; t++) {
    optimizer.setLearningRate(0.01 / (1 + t));
    optimizer.paramGroups[0]!.lrScale = 1 / t;
    p.step(optimizer, t);
    values.push((await read(p.vars[0]!))[0]!);
  }
  assert.is(pipelinesCreated, before, 'pipelines created after the first step');
  assert.is(new Set(values).size, values.length, 'every step moved the weights');
  optimizer.dispose();
  p.dispose();
});

test('webgpu: groups cut into chunks (a variable split across them) still equal the ops path', async () => {
  // Adam's arena has 4 segments: 4096 bytes per binding leave 256 elements per chunk, so the
  // 1500-element variable spans 6 chunks and smaller ones share chunks.
  const chunked = createWebGpuEngine({ maxBindingBytes: 4096 });
  try {
    for (const label of ['adam', 'rmsprop centered momentum']) {
      const rc = RULE_CASES.find((r) => r.label === label)!;
      const ops = await trainGroups(rc, 'ops', 30);
      const before = dispatches;
      const fused = await trainGroups(rc, chunked, 30);
      assert.ok((dispatches - before) / 30 > 3, `chunks must add dispatches (${(dispatches - before) / 30} per step)`);
      assertSameTraining(fused, ops);
    }
  } finally {
    chunked.releaseArenas();
  }
});

test('webgpu: the kernel shape of a hardware GPU (one vec4 per invocation) equals the ops path too', async () => {
  // The table above ran with this adapter's shape (SwiftShader: runs of vec4s per invocation).
  const gpuShape = kernelShapeFor({ vendor: 'nvidia', architecture: 'ampere' });
  assert.not.equal(gpuShape, kernelShapeFor((tf.backend() as unknown as { adapterInfo: { vendor: string; architecture: string } }).adapterInfo));
  const engine = createWebGpuEngine({ kernelShape: gpuShape });
  try {
    for (const label of ['adam', 'adamax decay', 'adadelta']) {
      const rc = RULE_CASES.find((r) => r.label === label)!;
      assertSameTraining(await trainGroups(rc, engine, 30), await trainGroups(rc, 'ops', 30));
    }
  } finally {
    engine.releaseArenas();
  }
});

test('webgpu: with WEBGPU_CPU_FORWARD on (data still on the CPU), fused equals ops', async () => {
  tf.env().set('WEBGPU_CPU_FORWARD', true);
  try {
    for (const label of ['adamw', 'momentum nesterov']) {
      const rc = RULE_CASES.find((r) => r.label === label)!;
      assertSameTraining(await trainGroups(rc, 'fused', 20), await trainGroups(rc, 'ops', 20));
    }
  } finally {
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  }
});

test.after(() => releaseWebGpu());
test.run();
