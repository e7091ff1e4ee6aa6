// Which engine runs a group's step: a plain table from the active backend's name to its fused
// engine; the ops engine serves every other backend (and `engine: 'ops'`). No engine here imports
// a backend package: each finds its backend at run time, by shape.
import * as tfc from '@tensorflow/tfjs-core';
import type { UpdateEngine } from './engine.js';
import { opsEngine } from './ops.js';
import { cpuEngine } from './cpu.js';
import { wasmEngine } from './wasm.js';
import { webgpuEngine } from './webgpu/engine.js';
import { webglEngine } from './webgl/engine.js';

/** 'auto': fused where the backend has an engine, else ops. 'fused': an error where it has none. An engine object: that engine. */
export type EngineChoice = 'auto' | 'ops' | 'fused' | UpdateEngine;

const FUSED_ENGINES: Readonly<Record<string, UpdateEngine>> = {
  cpu: cpuEngine,
  wasm: wasmEngine,
  webgpu: webgpuEngine,
  webgl: webglEngine,
};

export function isEngineChoice(x: unknown): x is EngineChoice {
  return x === 'auto' || x === 'ops' || x === 'fused' || (typeof x === 'object' && x !== null && typeof (x as UpdateEngine).run === 'function');
}

export function selectEngine(choice: EngineChoice): UpdateEngine {
  if (typeof choice === 'object') return choice;
  if (choice === 'ops') return opsEngine;
  const backend = tfc.getBackend();
  const fused = Object.hasOwn(FUSED_ENGINES, backend) ? FUSED_ENGINES[backend] : undefined;
  if (fused) return fused;
  if (choice === 'fused') throw new Error(`no fused update for the '${backend}' backend; use engine: 'auto' or 'ops'`);
  return opsEngine;
}
