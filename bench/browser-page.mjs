// The browser benchmark's page: bundled by esbuild and run in headless Chromium by
// bench/browser.mjs, one fresh page per backend. window.runBrowserBench(backend, sets) measures each
// set as the Node worker does (bench/measure-set.mjs) on tfjs's 'webgl' or 'webgpu' backend, and
// returns the rows. GPU commands are counted per step: draw calls on webgl (the WebGL2 context's
// drawArrays/drawElements), compute dispatches on webgpu.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { webgpuEngine } from '../dist/src/engines/webgpu/engine.js';
import { createWebGlEngine } from '../dist/src/engines/webgl/engine.js';
import { measureSet, median } from './measure-set.mjs';
import { webgpuFloor, webgpuCopy } from './webgpu-floor.mjs';
import { webglFloor } from './webgl-floor.mjs';

// Fewer steps than in Node: SwiftShader in Chromium is slow, stock Adam about a second a step.
const PLAN = {
  'vit-ti': { warmup: 2, slowSteps: 4, fastSteps: 8 },
  'vit-b': { warmup: 1, slowSteps: 1, fastSteps: 3, sequentialSlow: true },
  'tiny-2000': { warmup: 2, slowSteps: 3, fastSteps: 6 },
};

let commands = 0;
function countCommands(backend) {
  const wrap = (proto, names) => {
    for (const name of names) {
      const original = proto[name];
      proto[name] = function (...args) { commands++; return original.apply(this, args); };
    }
  };
  if (backend === 'webgl') wrap(WebGL2RenderingContext.prototype, ['drawArrays', 'drawElements']);
  else wrap(GPUComputePassEncoder.prototype, ['dispatchWorkgroups']);
}

/** Median ms of the floor's draw with the math taken out: the same bytes read and written. */
async function webglCopyMs(params) {
  const copy = webglFloor(params, { math: false });
  const ms = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await copy.step();
    ms.push(performance.now() - t0);
  }
  copy.dispose();
  return median(ms.slice(2));
}

async function runBrowserBench(backend, sets) {
  if (!(await tf.setBackend(backend)) || tf.getBackend() !== backend) throw new Error(`no ${backend} backend in this browser`);
  await tf.ready();
  countCommands(backend);
  let adapter;
  if (backend === 'webgpu') {
    tf.env().set('WEBGPU_CPU_FORWARD', false); // the GPU must do the work under test
    const { vendor, architecture } = tf.backend().adapterInfo ?? {};
    adapter = `${vendor} ${architecture}`;
  } else {
    const gl = tf.backend().gpgpu.gl;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    adapter = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  }
  const rows = [];
  for (const setName of sets) {
    const measured = await measureSet({
      setName,
      plan: PLAN[setName],
      floor: (params) => (backend === 'webgpu' ? webgpuFloor(tf.backend().device, tf.backend().adapterInfo, params) : webglFloor(params)),
      copyMs: (params) => (backend === 'webgpu' ? webgpuCopy(tf.backend().device, Math.ceil((params * 28) / 8) * 4) : webglCopyMs(params)),
      count: () => commands,
      release: () => { if (backend === 'webgpu') webgpuEngine.releaseArenas(); },
      // The WebGL engine with unpacked textures (1 element per fragment, as with WEBGL_PACK off): the
      // packed programs' gain. Its gradients come packed and are unpacked for it, a draw each.
      engines: backend === 'webgl' ? { 'grouped-fused-unpacked': createWebGlEngine({ packed: false }) } : {},
    });
    rows.push(...measured.map((r) => ({ runtime: 'chromium', backend, adapter, ...r })));
  }
  return rows;
}

globalThis.runBrowserBench = runBrowserBench;
