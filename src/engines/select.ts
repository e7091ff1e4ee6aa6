// Which engine runs a group's step on the active backend.
import * as tfc from '@tensorflow/tfjs-core';
import type { UpdateEngine } from './engine.js';
import { opsEngine } from './ops.js';
import { cpuEngine } from './cpu.js';
import { wasmEngine } from './wasm.js';

export type EngineChoice = 'auto' | 'ops' | 'fused';

const fusedEngines = new Map<string, UpdateEngine>([
  ['cpu', cpuEngine],
  ['wasm', wasmEngine],
]);

/** Lets a backend-specific engine (the WebGPU one) register itself without this file importing it. */
export function registerFusedEngine(backendName: string, engine: UpdateEngine) {
  fusedEngines.set(backendName, engine);
}

export function selectEngine(choice: EngineChoice): UpdateEngine {
  if (choice === 'ops') return opsEngine;
  const fused = fusedEngines.get(tfc.getBackend());
  if (fused) return fused;
  if (choice === 'fused') throw new Error(`no fused update for the '${tfc.getBackend()}' backend; use engine: 'auto' or 'ops'`);
  return opsEngine;
}
