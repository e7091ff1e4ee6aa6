// The fused engines that live outside select.ts (which knows cpu and wasm): importing this module
// registers them. src/index.ts imports it, so that `engine: 'auto' | 'fused'` finds them.
import './webgpu/index.js';
