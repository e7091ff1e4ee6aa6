// The user's training loop, on every backend that runs in Node (cpu, wasm, real WebGPU on
// SwiftShader): see support/user-training.ts. One process, the backends one after another.
import { userTrainingSuite } from './support/user-training.js';
import { releaseWebGpu } from './support/backend.js';

for (const backend of ['cpu', 'wasm', 'webgpu'] as const) userTrainingSuite(backend).run();

// uvu runs the queued suites in order; let the process exit once they are done.
process.on('beforeExit', () => { if ((globalThis as { navigator?: unknown }).navigator) releaseWebGpu(); });
