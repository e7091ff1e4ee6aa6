// The reference points of the webgpu rows, written directly against the device tfjs uses:
//   - floor: a bare one-dispatch Adam kernel over all params, p/g/m/v in four storage buffers,
//     vec4 loads, scalars in a uniform: what one fused step could cost with no copies at all. It
//     spreads the work over invocations exactly as the fused kernel does on this adapter
//     (kernelShapeFor), so the two differ only by what the arena design adds;
//   - copy: one copyBufferToBuffer of the bytes an Adam step moves, the bandwidth ceiling.
// Both wait for the queue to drain, as the optimizer rows wait for a read-back.
const STORAGE = 0x80, COPY_SRC = 0x4, COPY_DST = 0x8, UNIFORM = 0x40;
import { kernelShapeFor, workgroupGrid } from '../dist/src/engines/webgpu/kernel.js';

const floorWgsl = ({ workgroupSize, vec4PerInvocation }) => `
struct U { lr: f32, b1: f32, b2: f32, eps: f32, bc1: f32, bc2: f32, n4: u32 };
@group(0) @binding(0) var<storage, read_write> p: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> g: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> v: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> u: U;
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(global_invocation_id) id: vec3<u32>, @builtin(num_workgroups) n: vec3<u32>) {
  let first = (id.y * n.x * ${workgroupSize}u + id.x) * ${vec4PerInvocation}u;
  for (var k = 0u; k < ${vec4PerInvocation}u; k++) {
    let i = first + k;
    if (i >= u.n4) { return; }
    let gi = g[i];
    let mi = u.b1 * m[i] + (1.0 - u.b1) * gi;
    let vi = u.b2 * v[i] + (1.0 - u.b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i] - u.lr * (mi / u.bc1) / (sqrt(vi / u.bc2) + u.eps);
  }
}`;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

/** The floor as a bench impl: {step(): Promise<void>, dispose()}; each step waits for the GPU. */
export async function webgpuFloor(device, adapterInfo, params) {
  const shape = kernelShapeFor(adapterInfo);
  const n4 = Math.ceil(params / 4);
  if (n4 * 16 > device.limits.maxStorageBufferBindingSize) throw new Error(`floor: ${params} params exceed one storage binding`);
  const buffers = [0, 1, 2, 3].map(() => device.createBuffer({ size: n4 * 16, usage: STORAGE | COPY_DST }));
  const uniforms = device.createBuffer({ size: 32, usage: UNIFORM | COPY_DST });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: floorWgsl(shape) }), entryPoint: 'main' } });
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [...buffers.map((buffer, i) => ({ binding: i, resource: { buffer } })), { binding: 4, resource: { buffer: uniforms } }],
  });
  const grid = workgroupGrid(n4, shape, device.limits.maxComputeWorkgroupsPerDimension);
  let t = 0;
  return {
    async step() {
      t++;
      const data = new ArrayBuffer(32);
      new Float32Array(data, 0, 6).set([1e-3, 0.9, 0.999, 1e-7, 1 - 0.9 ** t, 1 - 0.999 ** t]);
      new Uint32Array(data, 24, 1)[0] = n4;
      device.queue.writeBuffer(uniforms, 0, data);
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(...grid);
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
    },
    dispose() { for (const b of [...buffers, uniforms]) b.destroy(); },
  };
}

/** Median ms of one GPU-side copy of `bytes` (read once, written once), in pieces below the buffer size limit. */
export async function webgpuCopy(device, bytes) {
  const total = Math.ceil(bytes / 4) * 4;
  const piece = Math.min(total, 256 << 20);
  const src = device.createBuffer({ size: piece, usage: COPY_SRC });
  const dst = device.createBuffer({ size: piece, usage: COPY_DST });
  const ms = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const encoder = device.createCommandEncoder();
    for (let done = 0; done < total; done += piece) encoder.copyBufferToBuffer(src, 0, dst, 0, Math.min(piece, total - done));
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    ms.push(performance.now() - t0);
  }
  src.destroy();
  dst.destroy();
  return median(ms.slice(2));
}
