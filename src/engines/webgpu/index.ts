// Registers the fused WebGPU engine for tfjs's 'webgpu' backend. Importing this module is all it
// takes; it does not import @tensorflow/tfjs-backend-webgpu (the engine finds the backend at run time).
import { registerFusedEngine } from '../select.js';
import { webgpuEngine } from './engine.js';

registerFusedEngine('webgpu', webgpuEngine);

export { webgpuEngine, releaseWebGpuArenas, webGpuArenaStats } from './engine.js';
