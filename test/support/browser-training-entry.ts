// The user-training matrix (training-runs.ts) in a browser page: test/browser-training.test.ts
// bundles this file with esbuild and calls window.runTrainingMatrix('webgl' | 'webgpu').
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { matrixCases, problemOf } from './training-runs.js';

export interface CaseReport { name: string; problems: string[]; seconds: number; error?: string }

async function runTrainingMatrix(backend: string, only?: string): Promise<{ backend: string; reports: CaseReport[] }> {
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`no ${backend} backend in this browser`);
  await tf.ready();
  if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false); // the GPU must do the work under test
  const reports: CaseReport[] = [];
  for (const c of matrixCases(backend)) {
    if (only && !c.name.includes(only)) continue;
    const started = performance.now();
    try {
      const problems = (await c.run()).map(problemOf).filter((p): p is string => p !== null);
      reports.push({ name: c.name, problems, seconds: (performance.now() - started) / 1000 });
    } catch (e) {
      reports.push({ name: c.name, problems: [], seconds: (performance.now() - started) / 1000, error: String((e as Error).stack ?? e) });
    }
  }
  return { backend, reports };
}

(globalThis as { runTrainingMatrix?: typeof runTrainingMatrix }).runTrainingMatrix = runTrainingMatrix;
