// webgpu backend: one compute dispatch per group step (per chunk, if the group outgrows a storage
// binding), whatever the number of variables. The mechanics:
//   1. every param, gradient and slot is on the GPU as a buffer; a param or slot whose data id is
//      shared with another tensor first gets a private buffer (in-place writes must not leak);
//   2. into tfjs's own command encoder (so ordering with the ops that made the gradients, and with
//      whatever reads the params next, is tfjs's ordering): copy every buffer into the group's
//      arena, one dispatch of the rule's kernel over the arena, copy params and slots back out;
//   3. mark the data ids as used by the queue (tfjs then defers recycling their buffers) and submit.
// Submitting at the end of each group step is what makes reusing an arena's uniform buffer safe:
// queue.writeBuffer takes effect at the next submit, before the commands encoded earlier run.
// With clipping (runClipped): clipvalue is a clamp in each group's kernel; globalClipnorm adds the
// norm dispatches of global-norm.ts before the first group's (one per norm arena chunk, usually one,
// and one to combine), so a step is groups + 2 dispatches, and nothing is read back to the CPU.
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, StepClip, UpdateEngine } from '../engine.js';
import type { CompiledRule } from '../../rules/rule.js';
import { clipScalars, withClip } from '../../rules/clip.js';
import { opsEngine } from '../ops.js';
import { ArenaCache, type Arena } from './arena.js';
import { BUFFER_COPY_DST, BUFFER_COPY_SRC, BUFFER_STORAGE, BUFFER_UNIFORM, activeWebGpuBackend, bufferOf, ensureOwnBuffer, forgetCpuCopy, type GpuBuffer, type GpuDevice, type WebGpuBackend } from './backend.js';
import { fusedKernel, kernelShapeFor, workgroupGrid, writeUniforms, type KernelShape } from './kernel.js';
import { CLIP_STATE_BYTES, COMBINE_WGSL, MAX_NORM_CHUNKS, NORM_UNIFORM_BYTES, NORM_WGSL, NORM_WORKGROUPS, combineUniforms, normUniforms } from './global-norm.js';

/** What the engine keeps per GPU device: arenas, compiled pipelines, and the clip state of globalClipnorm. */
class DeviceState {
  readonly arenas: ArenaCache;
  /** globalClipnorm's partial sums and factor (global-norm.ts), bound to every arena chunk as binding 2. */
  readonly clipState: GpuBuffer;
  private readonly pipelines = new Map<string, object>();
  private readonly pipelineLayout: object;
  private combine: { pipeline: object; uniforms: GpuBuffer; bindGroup: object } | null = null;

  constructor(readonly device: GpuDevice, readonly shape: KernelShape, maxBindingBytes?: number) {
    this.clipState = device.createBuffer({ label: 'tfjs-layer-decay clip state', size: CLIP_STATE_BYTES, usage: BUFFER_STORAGE | BUFFER_COPY_SRC });
    this.arenas = new ArenaCache(device, this.clipState, maxBindingBytes);
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.arenas.bindGroupLayout] });
  }

  /** The kernel's pipeline, compiled once per rule key: scalars are uniforms, so nothing else recompiles. */
  pipeline(kernel: { key: string; wgsl: string }, layout = this.pipelineLayout): object {
    let pipeline = this.pipelines.get(kernel.key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ label: `tfjs-layer-decay ${kernel.key}`, code: kernel.wgsl });
      // WebGPU reports shader errors asynchronously; say which rule broke and show its WGSL.
      module.getCompilationInfo?.().then((info) => {
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length > 0) console.error(`tfjs-layer-decay: WGSL of ${kernel.key} does not compile:\n${errors.map((e) => `line ${e.lineNum}: ${e.message}`).join('\n')}\n${kernel.wgsl}`);
      }, () => undefined);
      pipeline = this.device.createComputePipeline({ label: `tfjs-layer-decay ${kernel.key}`, layout, compute: { module, entryPoint: 'main' } });
      this.pipelines.set(kernel.key, pipeline);
    }
    return pipeline;
  }

  /** The combine dispatch's pipeline, uniforms {count, c} and bind group (clip state, uniforms), made on first use. */
  combineParts(): { pipeline: object; uniforms: GpuBuffer; bindGroup: object } {
    if (!this.combine) {
      const COMPUTE = 0x4;
      const layout = this.device.createBindGroupLayout({
        label: 'tfjs-layer-decay clip norm combine',
        entries: [
          { binding: 0, visibility: COMPUTE, buffer: { type: 'storage' } },
          { binding: 1, visibility: COMPUTE, buffer: { type: 'uniform' } },
        ],
      });
      const uniforms = this.device.createBuffer({ label: 'tfjs-layer-decay clip norm combine', size: NORM_UNIFORM_BYTES, usage: BUFFER_UNIFORM | BUFFER_COPY_DST });
      const pipeline = this.pipeline({ key: 'global norm combine', wgsl: COMBINE_WGSL }, this.device.createPipelineLayout({ bindGroupLayouts: [layout] }));
      const bindGroup = this.device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: this.clipState } }, { binding: 1, resource: { buffer: uniforms } }] });
      this.combine = { pipeline, uniforms, bindGroup };
    }
    return this.combine;
  }

  /** Frees the GPU memory (arenas and clip state); the state is not used after. */
  destroy(): void {
    this.arenas.clear();
    this.clipState.destroy();
    this.combine?.uniforms.destroy();
  }
}

/** Test knobs: a kernel shape other than the adapter's, a smaller storage binding than the device's. */
export interface WebGpuEngineOptions { kernelShape?: KernelShape; maxBindingBytes?: number }

export interface WebGpuEngine extends UpdateEngine {
  /** Frees every arena (they are rebuilt on the next step). For tests, and for apps done training. */
  releaseArenas(): void;
  /** Arenas held and their bytes on the GPU (0 before the first step). */
  arenaStats(): { arenas: number; bytes: number };
}

/** A WebGPU engine with its own arenas and pipelines; `webgpuEngine` is the one the engine table uses. */
export function createWebGpuEngine(options: WebGpuEngineOptions = {}): WebGpuEngine {
  let current: DeviceState | null = null;
  const deviceState = (backend: WebGpuBackend): DeviceState => {
    if (current?.device !== backend.device) {
      current?.destroy();
      current = new DeviceState(backend.device, options.kernelShape ?? kernelShapeFor(backend.adapterInfo), options.maxBindingBytes);
    }
    return current;
  };
  return {
    name: 'webgpu',
    releaseArenas: () => current?.arenas.clear(),
    arenaStats: () => current?.arenas.stats() ?? { arenas: 0, bytes: 0 },
    run: (step) => runStep(step, deviceState),
    runClipped: (steps, clip) => runClipped(steps, clip, deviceState),
  };
}

type Entry = GroupStep['entries'][number];
const tensorsOf = (e: Entry): tfc.Tensor[] => [e.param, e.grad, ...e.slots];

/**
 * Whether every tensor is float32 data in a GPU buffer (uploading CPU-resident data). Not so with a
 * tfjs whose backend has another shape, data held in textures, or data stored as another dtype than
 * the tensor says (bufferOf: null): then the portable path.
 */
function onGpu(backend: WebGpuBackend, tensors: readonly tfc.Tensor[]): boolean {
  return tensors.every((t) => t.dtype === 'float32' && bufferOf(backend, t) !== null);
}

function runStep(step: GroupStep, deviceState: (backend: WebGpuBackend) => DeviceState): void {
  const backend = activeWebGpuBackend();
  const entries = step.entries.filter((e) => e.param.size > 0);
  if (entries.length === 0) return;
  if (!backend || !onGpu(backend, entries.flatMap(tensorsOf))) {
    opsEngine.run(step);
    return;
  }
  runGroup(backend, deviceState(backend), step.rule, step.scalars, entries);
}

/**
 * clipvalue: each group's kernel clamps g (src/rules/clip.ts). globalClipnorm: the norm dispatches
 * (global-norm.ts) first, then each group's kernel multiplies g by the factor they left in the clip
 * state. clipnorm (a norm per variable) is not fused here: false, and the optimizer clips with ops.
 */
function runClipped(steps: readonly GroupStep[], clip: StepClip, deviceState: (backend: WebGpuBackend) => DeviceState): boolean {
  if (clip.kind === 'clipnorm') return false;
  const backend = activeWebGpuBackend();
  const groups = steps.map((s) => ({ ...s, entries: s.entries.filter((e) => e.param.size > 0) })).filter((s) => s.entries.length > 0);
  if (!backend) return false;
  const normGrads = clip.kind === 'globalClipnorm' ? clip.grads.filter((g) => g.size > 0) : [];
  if (!onGpu(backend, [...groups.flatMap((s) => s.entries.flatMap(tensorsOf)), ...normGrads])) return false;
  if (groups.length === 0) return true;
  const state = deviceState(backend);
  if (clip.kind === 'globalClipnorm') {
    const arena = state.arenas.acquire(normGrads.map((g) => g.size), 1, NORM_UNIFORM_BYTES, 'norm');
    if (arena.chunks.length > MAX_NORM_CHUNKS) return false;
    encodeGlobalNorm(backend, state, arena, normGrads, clip.value);
  }
  const scalars = clip.kind === 'clipvalue' ? clipScalars('value', clip.value) : {};
  const math = clip.kind === 'clipvalue' ? 'value' : 'scale';
  for (const s of groups) runGroup(backend, state, withClip(s.rule, math), { ...s.scalars, ...scalars }, s.entries);
  return true;
}

/** Encodes the copies of the gradients into the norm arena, one norm dispatch per chunk and the combine; the next submit runs them. */
function encodeGlobalNorm(backend: WebGpuBackend, state: DeviceState, arena: Arena, grads: readonly tfc.Tensor[], c: number): void {
  const normPipeline = state.pipeline({ key: 'global norm partial sums', wgsl: NORM_WGSL });
  const combine = state.combineParts();
  backend.queue.writeBuffer(combine.uniforms, 0, combineUniforms(arena.chunks.length, c));
  arena.chunks.forEach((chunk, k) => backend.queue.writeBuffer(chunk.uniforms, 0, normUniforms(chunk.n4, k)));
  const buffers = grads.map((g) => bufferOf(backend, g)!);
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const encoder = backend.commandEncoder!;
  for (const chunk of arena.chunks) {
    for (const piece of chunk.pieces) encoder.copyBufferToBuffer(buffers[piece.entry]!, piece.srcOffset * 4, chunk.storage, piece.dstOffset * 4, piece.length * 4);
  }
  const pass = encoder.beginComputePass({ label: 'tfjs-layer-decay global norm' });
  pass.setPipeline(normPipeline);
  for (const chunk of arena.chunks) {
    pass.setBindGroup(0, chunk.bindGroup);
    pass.dispatchWorkgroups(NORM_WORKGROUPS);
  }
  pass.setPipeline(combine.pipeline);
  pass.setBindGroup(0, combine.bindGroup);
  pass.dispatchWorkgroups(1);
  pass.end();
  for (const g of grads) backend.commandQueueOwnedIds.add(g.dataId);
}

/** One group's update: copies into its arena, one dispatch per chunk, copies out, submitted. */
function runGroup(backend: WebGpuBackend, state: DeviceState, rule: CompiledRule, scalars: Readonly<Record<string, number>>, entries: Entry[]): void {
  for (const e of entries) {
    ensureOwnBuffer(backend, e.param);
    for (const s of e.slots) ensureOwnBuffer(backend, s);
  }
  const kernel = fusedKernel(rule, state.shape);
  const pipeline = state.pipeline(kernel);
  const arena = state.arenas.acquire(entries.map((e) => e.param.size), kernel.segments, kernel.uniformBytes);
  // Segment s of entry i lives in buffers[i][s]: p, g, then the slots (read after ensureOwnBuffer).
  const buffers: GpuBuffer[][] = entries.map((e) => tensorsOf(e).map((t) => bufferOf(backend, t)!));

  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  const encoder = backend.commandEncoder!;
  const uniforms = new ArrayBuffer(kernel.uniformBytes);
  const maxPerDimension = backend.device.limits.maxComputeWorkgroupsPerDimension;
  for (const chunk of arena.chunks) {
    writeUniforms(rule, scalars, chunk.n4, uniforms);
    backend.queue.writeBuffer(chunk.uniforms, 0, uniforms);
    const segmentBytes = chunk.n4 * 16;
    for (const piece of chunk.pieces) {
      const source = buffers[piece.entry]!;
      for (let s = 0; s < kernel.segments; s++) {
        encoder.copyBufferToBuffer(source[s]!, piece.srcOffset * 4, chunk.storage, s * segmentBytes + piece.dstOffset * 4, piece.length * 4);
      }
    }
    const pass = encoder.beginComputePass({ label: 'tfjs-layer-decay fused update' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, chunk.bindGroup);
    pass.dispatchWorkgroups(...workgroupGrid(chunk.n4, state.shape, maxPerDimension));
    pass.end();
    for (const piece of chunk.pieces) {
      const target = buffers[piece.entry]!;
      for (const s of kernel.written) {
        encoder.copyBufferToBuffer(chunk.storage, s * segmentBytes + piece.dstOffset * 4, target[s]!, piece.srcOffset * 4, piece.length * 4);
      }
    }
  }
  for (const e of entries) {
    for (const t of tensorsOf(e)) backend.commandQueueOwnedIds.add(t.dataId);
    forgetCpuCopy(backend, e.param);
    for (const s of e.slots) forgetCpuCopy(backend, s);
  }
  backend.submitQueue();
}

export const webgpuEngine = createWebGpuEngine();
