// The parts of tfjs's WebGPU backend (@tensorflow/tfjs-backend-webgpu 4.22) that the fused engine
// uses, reached duck-typed through tfc.backend(): this library must not depend on that package.
// Also the minimal WebGPU types it needs, so that no @webgpu/types dependency leaks into the build.
import * as tfc from '@tensorflow/tfjs-core';

// GPUBufferUsage flags (fixed by the WebGPU spec); the globals may be absent when this loads.
export const BUFFER_COPY_SRC = 0x0004;
export const BUFFER_COPY_DST = 0x0008;
export const BUFFER_UNIFORM = 0x0040;
export const BUFFER_STORAGE = 0x0080;

export interface GpuBuffer { readonly size: number; readonly usage: number; destroy(): void }
export interface GpuComputePass {
  setPipeline(pipeline: object): void;
  setBindGroup(index: number, group: object): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}
export interface GpuCommandEncoder {
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
  beginComputePass(descriptor?: object): GpuComputePass;
}
export interface GpuQueue { writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBuffer): void }
export interface GpuDevice {
  readonly limits: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupsPerDimension: number };
  readonly queue: GpuQueue;
  createBuffer(descriptor: { size: number; usage: number; label?: string }): GpuBuffer;
  createBindGroupLayout(descriptor: object): object;
  createPipelineLayout(descriptor: object): object;
  createShaderModule(descriptor: { code: string; label?: string }): { getCompilationInfo?(): Promise<{ messages: ReadonlyArray<{ type: string; message: string; lineNum: number }> }> };
  createComputePipeline(descriptor: object): object;
  createBindGroup(descriptor: object): object;
}

interface TensorData {
  values: unknown;
  dtype: string;
  refCount: number;
  resource?: unknown;
  /** A buffer the user handed in zero-copy: tfjs never writes or frees it, neither may we. */
  external?: boolean;
}

/** What a WebGPUBackend offers (public or TS-private members; all are plain fields at run time). */
export interface WebGpuBackend {
  device: GpuDevice;
  queue: GpuQueue;
  tensorMap: { get(dataId: object): TensorData | undefined };
  uploadToGPU(dataId: object): void;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  commandEncoder: GpuCommandEncoder | null;
  /** Data ids that encoded commands use: tfjs defers freeing their buffers until the next submit. */
  commandQueueOwnedIds: WeakSet<object>;
  submitQueue(): void;
  refCount(dataId: object): number;
  makeTensorInfo(shape: number[], dtype: 'float32'): tfc.TensorInfo;
  /** The adapter's vendor and architecture ('google', 'swiftshader'), as tfjs keeps them. */
  adapterInfo?: { vendor?: string; architecture?: string };
}

/** The active backend if it is tfjs's WebGPU backend (by shape, not by class), else null. */
export function activeWebGpuBackend(): WebGpuBackend | null {
  const b = tfc.backend() as unknown as Partial<WebGpuBackend>;
  const functions = ['uploadToGPU', 'ensureCommandEncoderReady', 'endComputePassEncoder', 'submitQueue', 'refCount', 'makeTensorInfo'] as const;
  if (!b || typeof b.device !== 'object' || b.device === null || !b.tensorMap || !b.queue) return null;
  if (!functions.every((f) => typeof b[f] === 'function')) return null;
  if (!(b.commandQueueOwnedIds instanceof WeakSet)) return null;
  return b as WebGpuBackend;
}

/** A GPUBuffer by shape: textures and external textures (from pixels) have no size/usage pair. */
function isBuffer(resource: unknown): resource is GpuBuffer {
  const GPUBufferClass = (globalThis as { GPUBuffer?: abstract new () => unknown }).GPUBuffer;
  if (GPUBufferClass) return resource instanceof GPUBufferClass;
  return typeof resource === 'object' && resource !== null && typeof (resource as GpuBuffer).size === 'number' && typeof (resource as GpuBuffer).usage === 'number';
}

/** The tensor's GPU buffer, uploading CPU-resident data first; null if its data is no buffer or holds another dtype than float32. */
export function bufferOf(backend: WebGpuBackend, t: tfc.TensorInfo): GpuBuffer | null {
  backend.uploadToGPU(t.dataId);
  const data = backend.tensorMap.get(t.dataId);
  // webgpu's cast from int32 to float32 shares the data id: the buffer still holds int32 bits.
  if (data?.dtype !== undefined && data.dtype !== 'float32') return null;
  return isBuffer(data?.resource) ? data.resource : null;
}

/**
 * Makes sure that writing into the variable's buffer changes nothing but the variable. tfjs shares
 * one data id between tensors (`tf.variable(t)`, `clone`, `reshape`, setWeights' clones), and a
 * zero-copy external buffer is not ours to write: such a variable first gets a private copy of its
 * buffer, by a copy encoded into tfjs's command encoder (ordered after whatever produced the data).
 * Call after bufferOf (the data is on the GPU) and with the encoder ready, outside a compute pass.
 */
export function ensureOwnBuffer(backend: WebGpuBackend, v: tfc.Variable): void {
  const data = backend.tensorMap.get(v.dataId)!;
  const current = data.resource as GpuBuffer;
  const writable = !data.external && (current.usage & BUFFER_COPY_DST) !== 0;
  if (writable && backend.refCount(v.dataId) <= 1) return;
  const info = backend.makeTensorInfo(v.shape, 'float32');
  backend.uploadToGPU(info.dataId);
  const fresh = backend.tensorMap.get(info.dataId)!.resource as GpuBuffer;
  backend.ensureCommandEncoderReady();
  backend.endComputePassEncoder();
  backend.commandEncoder!.copyBufferToBuffer(current, 0, fresh, 0, v.size * 4);
  backend.commandQueueOwnedIds.add(v.dataId);
  const copy = tfc.engine().makeTensorFromTensorInfo(info);
  v.assign(copy);
  copy.dispose();
}

/**
 * After an in-place write on the GPU: a copy of the old values that tfjs cached on the CPU (after a
 * `data()` read it keeps both) would be returned by the next read. Drop it.
 */
export function forgetCpuCopy(backend: WebGpuBackend, t: tfc.TensorInfo): void {
  const data = backend.tensorMap.get(t.dataId);
  if (data) data.values = null;
}
