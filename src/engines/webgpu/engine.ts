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
import * as tfc from '@tensorflow/tfjs-core';
import type { GroupStep, UpdateEngine } from '../engine.js';
import { opsEngine } from '../ops.js';
import { ArenaCache } from './arena.js';
import { activeWebGpuBackend, bufferOf, ensureOwnBuffer, forgetCpuCopy, type GpuBuffer, type GpuDevice, type WebGpuBackend } from './backend.js';
import { fusedKernel, kernelShapeFor, workgroupGrid, writeUniforms, type FusedKernel, type KernelShape } from './kernel.js';

/** What the engine keeps per GPU device: arenas and compiled pipelines. */
class DeviceState {
  readonly arenas: ArenaCache;
  private readonly pipelines = new Map<string, object>();
  private readonly pipelineLayout: object;

  constructor(readonly device: GpuDevice, readonly shape: KernelShape, maxBindingBytes?: number) {
    this.arenas = new ArenaCache(device, maxBindingBytes);
    this.pipelineLayout = device.createPipelineLayout({ bindGroupLayouts: [this.arenas.bindGroupLayout] });
  }

  /** The kernel's pipeline, compiled once per rule key: scalars are uniforms, so nothing else recompiles. */
  pipeline(kernel: FusedKernel): object {
    let pipeline = this.pipelines.get(kernel.key);
    if (!pipeline) {
      const module = this.device.createShaderModule({ label: `tfjs-layer-decay ${kernel.key}`, code: kernel.wgsl });
      // WebGPU reports shader errors asynchronously; say which rule broke and show its WGSL.
      module.getCompilationInfo?.().then((info) => {
        const errors = info.messages.filter((m) => m.type === 'error');
        if (errors.length > 0) console.error(`tfjs-layer-decay: WGSL of ${kernel.key} does not compile:\n${errors.map((e) => `line ${e.lineNum}: ${e.message}`).join('\n')}\n${kernel.wgsl}`);
      }, () => undefined);
      pipeline = this.device.createComputePipeline({ label: `tfjs-layer-decay ${kernel.key}`, layout: this.pipelineLayout, compute: { module, entryPoint: 'main' } });
      this.pipelines.set(kernel.key, pipeline);
    }
    return pipeline;
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
      current?.arenas.clear();
      current = new DeviceState(backend.device, options.kernelShape ?? kernelShapeFor(backend.adapterInfo), options.maxBindingBytes);
    }
    return current;
  };
  return {
    name: 'webgpu',
    releaseArenas: () => current?.arenas.clear(),
    arenaStats: () => current?.arenas.stats() ?? { arenas: 0, bytes: 0 },
    run: (step) => runStep(step, deviceState),
  };
}

function runStep(step: GroupStep, deviceState: (backend: WebGpuBackend) => DeviceState): void {
  const backend = activeWebGpuBackend();
  const entries = step.entries.filter((e) => e.param.size > 0);
  if (entries.length === 0) return;
  // A tfjs whose backend has another shape, data held in textures, or data stored as another dtype
  // than the tensor says (bufferOf: null): the portable path.
  const tensorsOf = (e: (typeof entries)[number]): tfc.Tensor[] => [e.param, e.grad, ...e.slots];
  if (!backend || entries.some((e) => tensorsOf(e).some((t) => t.dtype !== 'float32' || bufferOf(backend, t) === null))) {
    opsEngine.run(step);
    return;
  }
  for (const e of entries) {
    ensureOwnBuffer(backend, e.param);
    for (const s of e.slots) ensureOwnBuffer(backend, s);
  }
  const state = deviceState(backend);
  const kernel = fusedKernel(step.rule, state.shape);
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
    writeUniforms(step.rule, step.scalars, chunk.n4, uniforms);
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
