// The parts of tfjs's WebGL backend (@tensorflow/tfjs-backend-webgl 4.22) that the fused engine
// uses, reached duck-typed through tfc.backend(): this library must not depend on that package.
// Only its public program API: a GPGPUProgram (inputs, output shape, GLSL for main()) run by
// `runWebGLProgram`, which compiles and caches the shader, converts inputs between packed and
// unpacked textures as the program asks, and renders into a NEW texture of its own.
import * as tfc from '@tensorflow/tfjs-core';

/** tfjs-backend-webgl's GPGPUProgram, as far as this engine fills it in. */
export interface GpgpuProgram {
  /** The samplers; tfjs generates `get<Name>AtOutCoords()` for each. */
  variableNames: string[];
  outputShape: number[];
  /** GLSL with `void main()`, calling `setOutput(...)`; tfjs prepends its helpers. */
  userCode: string;
  /** Packed: one texel holds a 2x2 block of the last two dimensions (4 elements per fragment). */
  packedInputs: boolean;
  packedOutput: boolean;
  /** Uniforms of our own, set from runWebGLProgram's customUniformValues (so new values never recompile). */
  customUniforms?: Array<{ name: string; type: 'float'; arrayIndex?: number }>;
}

export interface WebGlBackend {
  /**
   * Runs the program over `inputs` into a new texture and returns its tensor info (refCount 1).
   * preventEagerUnpackingOfOutput: keep a packed result packed.
   */
  runWebGLProgram(program: GpgpuProgram, inputs: tfc.TensorInfo[], outputDtype: 'float32', customUniformValues?: number[][], preventEagerUnpackingOfOutput?: boolean): tfc.TensorInfo;
  /** The rendering context (tfjs's GPGPUContext). */
  gpgpu: { gl: unknown };
}

/** The active backend if it is tfjs's WebGL backend (by shape, not by class), else null. */
export function activeWebGlBackend(): WebGlBackend | null {
  const b = tfc.backend() as unknown as Partial<WebGlBackend> | undefined;
  if (!b || typeof b.runWebGLProgram !== 'function' || typeof b.gpgpu !== 'object' || b.gpgpu === null) return null;
  return b as WebGlBackend;
}
