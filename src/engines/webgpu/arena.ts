// The arena: one scratch storage buffer per group layout, so that a whole group updates in ONE
// dispatch although tfjs's device allows only 8 storage buffers per shader stage (and a tfjs
// program one writable binding). Each step, the group's param, gradient and slot buffers are copied
// in (copyBufferToBuffer, no dispatch), the kernel runs over the arena, and param and slots are
// copied back out: the tf.Variables stay the source of truth, so save/load/setWeights see nothing.
//
// Layout of one chunk: segments [p | g | slot0 | slot1 ...] of n4 vec4s each; within every segment
// the variables sit at the same offsets, each starting on a 16-byte boundary (vec4 loads). The
// padding between variables is computed on like any element and never copied out: harmless.
// A group larger than the device's storage binding limit is cut into chunks (one dispatch each),
// splitting a variable across chunks if it must.
// globalClipnorm's norm arena (global-norm.ts) is one of these too, with the single segment [g]: its
// padding is never written (buffers start zeroed), so it adds nothing to the sum of squares.
import { BUFFER_COPY_DST, BUFFER_COPY_SRC, BUFFER_STORAGE, BUFFER_UNIFORM, type GpuBuffer, type GpuDevice } from './backend.js';

/** A run of one variable's elements: [srcOffset, srcOffset + length) of entry `entry`, at `dstOffset` in every segment. */
export interface Piece { entry: number; srcOffset: number; dstOffset: number; length: number }

export interface ChunkPlan {
  /** Length of each segment in vec4s. */
  n4: number;
  pieces: Piece[];
}

/** Cuts variables of the given sizes (elements) into chunks whose arena fits one storage binding. */
export function planChunks(sizes: readonly number[], segments: number, maxBindingBytes: number): ChunkPlan[] {
  const maxSegment = Math.floor(maxBindingBytes / (16 * segments)) * 4; // elements, a multiple of 4
  if (maxSegment < 4) throw new Error(`webgpu engine: a storage binding of ${maxBindingBytes} bytes cannot hold ${segments} segments`);
  const chunks: ChunkPlan[] = [];
  let pieces: Piece[] = [];
  let cursor = 0;
  const close = () => {
    if (pieces.length > 0) chunks.push({ n4: cursor / 4, pieces });
    pieces = [];
    cursor = 0;
  };
  sizes.forEach((size, entry) => {
    let done = 0;
    while (done < size) {
      if (cursor === maxSegment) close();
      const length = Math.min(size - done, maxSegment - cursor);
      pieces.push({ entry, srcOffset: done, dstOffset: cursor, length });
      cursor += Math.ceil(length / 4) * 4;
      done += length;
    }
  });
  close();
  return chunks;
}

export interface ArenaChunk extends ChunkPlan {
  storage: GpuBuffer;
  uniforms: GpuBuffer;
  bindGroup: object;
}

export interface Arena {
  chunks: ArenaChunk[];
  /** Run counter value when last used (for eviction). */
  lastUsed: number;
}

/** Arenas are reused by layout (segment count and variable sizes): groups of equal layout share one. */
export function layoutKey(sizes: readonly number[], segments: number): string {
  return `${segments}:${sizes.join(',')}`;
}

/** What an arena is for: a group's update, or the gradients of globalClipnorm's norm (never shared with an update's). */
export type ArenaPurpose = 'update' | 'norm';

/** Arenas unused for this many group steps are freed (a layout seen once, e.g. a step without some gradients). */
const EVICT_AFTER_RUNS = 1024;
const SWEEP_EVERY_RUNS = 64;
/** Big enough for 63 scalars; a rule with more gets a larger uniform buffer when it first runs. */
const UNIFORM_BYTES = 256;

/**
 * The arenas of one device, and the bind group layout all arena pipelines share: 0 the arena, 1 its
 * uniforms, 2 the device's clip state (global-norm.ts), bound to every chunk, declared by the
 * kernels that use it.
 */
export class ArenaCache {
  private readonly arenas = new Map<string, Arena>();
  private runs = 0;
  readonly bindGroupLayout: object;

  /**
   * `maxBindingBytes`: at most this many bytes per storage binding (default: the device's limit);
   * a smaller value lets tests exercise chunking, which real limits (128 MiB and up) reach only with huge groups.
   */
  constructor(readonly device: GpuDevice, private readonly clipState: GpuBuffer, private readonly maxBindingBytes?: number) {
    const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
    this.bindGroupLayout = device.createBindGroupLayout({
      label: 'tfjs-layer-decay fused update',
      entries: [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'storage' } },
        { binding: 1, visibility: COMPUTE, buffer: { type: 'uniform' } },
        { binding: 2, visibility: COMPUTE, buffer: { type: 'storage' } },
      ],
    });
  }

  /** The arena for this layout, created on first use; call once per group step. */
  acquire(sizes: readonly number[], segments: number, uniformBytes: number, purpose: ArenaPurpose = 'update'): Arena {
    this.runs++;
    if (this.runs % SWEEP_EVERY_RUNS === 0) this.sweep();
    const key = `${purpose}/${layoutKey(sizes, segments)}`;
    let arena = this.arenas.get(key);
    if (!arena) {
      const limits = this.device.limits;
      const plans = planChunks(sizes, segments, this.maxBindingBytes ?? Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize));
      const chunks = plans.map((plan) => this.createChunk(plan, segments, Math.max(UNIFORM_BYTES, uniformBytes)));
      arena = { chunks, lastUsed: this.runs };
      this.arenas.set(key, arena);
    }
    for (const chunk of arena.chunks) {
      if (chunk.uniforms.size < uniformBytes) this.replaceUniforms(chunk, uniformBytes);
    }
    arena.lastUsed = this.runs;
    return arena;
  }

  /** Number of arenas and their bytes on the GPU (tests check that they do not grow). */
  stats(): { arenas: number; bytes: number } {
    let bytes = 0;
    for (const a of this.arenas.values()) for (const c of a.chunks) bytes += c.storage.size + c.uniforms.size;
    return { arenas: this.arenas.size, bytes };
  }

  /** Frees every arena. Safe between steps: all work using them has been submitted. */
  clear(): void {
    for (const arena of this.arenas.values()) destroy(arena);
    this.arenas.clear();
  }

  private sweep() {
    for (const [key, arena] of this.arenas) {
      if (this.runs - arena.lastUsed > EVICT_AFTER_RUNS) {
        destroy(arena);
        this.arenas.delete(key);
      }
    }
  }

  private createChunk(plan: ChunkPlan, segments: number, uniformBytes: number): ArenaChunk {
    const storage = this.device.createBuffer({
      label: 'tfjs-layer-decay arena',
      size: segments * plan.n4 * 16,
      usage: BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST,
    });
    const uniforms = this.device.createBuffer({ label: 'tfjs-layer-decay scalars', size: uniformBytes, usage: BUFFER_UNIFORM | BUFFER_COPY_DST });
    return { ...plan, storage, uniforms, bindGroup: this.bindGroup(storage, uniforms) };
  }

  private replaceUniforms(chunk: ArenaChunk, bytes: number) {
    chunk.uniforms.destroy();
    chunk.uniforms = this.device.createBuffer({ label: 'tfjs-layer-decay scalars', size: Math.ceil(bytes / 256) * 256, usage: BUFFER_UNIFORM | BUFFER_COPY_DST });
    chunk.bindGroup = this.bindGroup(chunk.storage, chunk.uniforms);
  }

  private bindGroup(storage: GpuBuffer, uniforms: GpuBuffer): object {
    return this.device.createBindGroup({
      layout: this.bindGroupLayout,
      entries: [
        { binding: 0, resource: { buffer: storage } },
        { binding: 1, resource: { buffer: uniforms } },
        { binding: 2, resource: { buffer: this.clipState } },
      ],
    });
  }
}

function destroy(arena: Arena) {
  for (const c of arena.chunks) {
    c.storage.destroy();
    c.uniforms.destroy();
  }
}
