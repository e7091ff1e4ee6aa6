// Picks a tfjs backend for a test file. 'webgpu' is the real WebGPU backend on Dawn (the `webgpu`
// npm package) over whatever Vulkan driver the environment names (SwiftShader here, see
// scripts/swiftshader.sh and test/run.mjs).
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'cpu' | 'wasm' | 'webgpu';

export async function useBackend(name: BackendName): Promise<void> {
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
  } else if (name === 'webgpu') {
    await setUpWebGpu();
  }
  const ok = await tf.setBackend(name);
  if (!ok || tf.getBackend() !== name) throw new Error(`could not start the ${name} backend`);
  await tf.ready();
}

async function setUpWebGpu() {
  const g = globalThis as Record<string, unknown>;
  if ((g.navigator as { gpu?: unknown } | undefined)?.gpu) return;
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, ... that tfjs reads as globals
  Object.defineProperty(globalThis, 'navigator', { value: { gpu: create([]) }, configurable: true, writable: true });
  // The backend registers itself only if navigator.gpu exists when it is imported.
  await import('@tensorflow/tfjs-backend-webgpu');
}

/** Drops Dawn's instance so that the process can exit. */
export function releaseWebGpu() {
  const g = globalThis as Record<string, unknown>;
  tf.engine().reset();
  delete g.navigator;
}

/** Reads a tensor without dataSync (which throws for GPU tensors in Node). */
export async function read(t: tf.Tensor): Promise<Float32Array> {
  return (await t.data()) as Float32Array;
}
