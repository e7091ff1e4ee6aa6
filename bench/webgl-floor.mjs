// The reference points of the webgl rows (browser benchmark), written directly against WebGL2 on a
// context of their own, no tfjs. p, g, m, v in RGBA32F textures (4 elements per texel, as tfjs's
// packed textures), ping-ponged between two sets:
//   - floor: the least any WebGL Adam step over these params could do: ONE draw over all of them,
//     the three outputs through multiple render targets (which tfjs's program API does not offer: one
//     render target per program);
//   - copy: the same draw with the math taken out (outputs = inputs): what moving the bytes costs;
//   - the steps between the floor and the fused engine, to show where its time goes: the same block
//     in one program per output (m from m, g; v from v, g; p from all four, recomputing m and v), as
//     tfjs's program API forces; and that per variable, one block of textures each (3 draws a variable).
// Each step ends with a 1-texel readPixels, which waits for the draws, as the optimizer rows wait for
// a read of one parameter.

const VERTEX = `#version 300 es
in vec2 corner;
void main() { gl_Position = vec4(corner, 0.0, 1.0); }`;

const MATH = {
  m: 'm = b1 * m + (1.0 - b1) * g;',
  v: 'v = b2 * v + (1.0 - b2) * g * g;',
  p: 'p = p - lr * (m / bc1) / (sqrt(v / bc2) + eps);',
};

/** A fragment shader writing `outputs` (['p', 'm', 'v'] through 3 render targets, or one of them). */
const fragment = (outputs, math) => `#version 300 es
precision highp float;
uniform sampler2D P, G, M, V;
uniform float lr, b1, b2, eps, bc1, bc2;
${outputs.map((o, i) => `layout(location = ${i}) out vec4 out_${o};`).join('\n')}
void main() {
  ivec2 c = ivec2(gl_FragCoord.xy);
  vec4 g = texelFetch(G, c, 0);
  ${outputs.includes('p') ? 'vec4 p = texelFetch(P, c, 0), m = texelFetch(M, c, 0), v = texelFetch(V, c, 0);' : outputs[0] === 'm' ? 'vec4 m = texelFetch(M, c, 0);' : 'vec4 v = texelFetch(V, c, 0);'}
  ${!math ? (outputs.includes('p') ? 'p = p + g * 0.0;' : `${outputs[0]} = ${outputs[0]} + g * 0.0;`) : outputs.includes('p') ? `${MATH.m}\n  ${MATH.v}\n  ${MATH.p}` : MATH[outputs[0]]}
  ${outputs.map((o) => `out_${o} = ${o};`).join(' ')}
}`;

function compile(gl, type, source) {
  const shader = gl.createShader(type);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`webgl floor: ${gl.getShaderInfoLog(shader)}\n${source}`);
  return shader;
}

/**
 * A bench impl ({step(): Promise<void>, dispose()}) over `sizes` (a parameter count: one block of
 * textures; or one count per variable: a block each). `programs`: 'mrt' (one draw writes p, m and v)
 * or 'per-output' (three draws, as tfjs's API allows). `math: false`: the copy.
 */
export function webglFloor(sizes, { math = true, programs = 'mrt' } = {}) {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2');
  if (!gl || !gl.getExtension('EXT_color_buffer_float')) throw new Error('webgl floor: no WebGL2 with float render targets');
  const quad = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, quad);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const passes = (programs === 'mrt' ? [['p', 'm', 'v']] : [['m'], ['v'], ['p']]).map((outputs) => {
    const program = gl.createProgram();
    gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
    gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fragment(outputs, math)));
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`webgl floor: ${gl.getProgramInfoLog(program)}`);
    gl.useProgram(program);
    const vao = gl.createVertexArray();
    gl.bindVertexArray(vao);
    const corner = gl.getAttribLocation(program, 'corner');
    gl.enableVertexAttribArray(corner);
    gl.vertexAttribPointer(corner, 2, gl.FLOAT, false, 0, 0);
    ['P', 'G', 'M', 'V'].forEach((name, unit) => gl.uniform1i(gl.getUniformLocation(program, name), unit));
    const uniforms = Object.fromEntries(['lr', 'b1', 'b2', 'eps', 'bc1', 'bc2'].map((n) => [n, gl.getUniformLocation(program, n)]));
    return { program, vao, outputs, uniforms };
  });
  const blocks = (typeof sizes === 'number' ? [sizes] : sizes).map((size) => {
    const texels = Math.ceil(size / 4);
    const width = Math.min(texels, 4096);
    const height = Math.ceil(texels / width);
    const fill = new Float32Array(width * height * 4).fill(0.01);
    const texture = () => {
      const t = gl.createTexture();
      gl.bindTexture(gl.TEXTURE_2D, t);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA32F, width, height, 0, gl.RGBA, gl.FLOAT, fill);
      for (const p of [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]) gl.texParameteri(gl.TEXTURE_2D, p, gl.NEAREST);
      return t;
    };
    // sets[k] = {p, m, v}: read one set, write the other; a framebuffer per set and pass.
    const sets = [0, 1].map(() => ({ p: texture(), m: texture(), v: texture() }));
    const framebuffers = sets.map((set) => passes.map(({ outputs }) => {
      const fb = gl.createFramebuffer();
      gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
      outputs.forEach((o, i) => gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, set[o], 0));
      gl.drawBuffers(outputs.map((_, i) => gl.COLOR_ATTACHMENT0 + i));
      return fb;
    }));
    return { width, height, sets, g: texture(), framebuffers };
  });
  const pixel = new Float32Array(4);
  let t = 0;
  return {
    async step() {
      t++;
      const write = (t + 1) % 2;
      for (const block of blocks) {
        const read = block.sets[t % 2];
        [read.p, block.g, read.m, read.v].forEach((tex, unit) => {
          gl.activeTexture(gl.TEXTURE0 + unit);
          gl.bindTexture(gl.TEXTURE_2D, tex);
        });
        gl.viewport(0, 0, block.width, block.height);
        passes.forEach(({ program, vao, uniforms }, k) => {
          gl.useProgram(program);
          gl.bindVertexArray(vao);
          gl.uniform1f(uniforms.lr, 1e-3);
          gl.uniform1f(uniforms.b1, 0.9);
          gl.uniform1f(uniforms.b2, 0.999);
          gl.uniform1f(uniforms.eps, 1e-7);
          gl.uniform1f(uniforms.bc1, 1 - 0.9 ** t);
          gl.uniform1f(uniforms.bc2, 1 - 0.999 ** t);
          gl.bindFramebuffer(gl.FRAMEBUFFER, block.framebuffers[write][k]);
          gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
        });
      }
      gl.readBuffer(gl.COLOR_ATTACHMENT0);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, pixel);
    },
    dispose() { gl.getExtension('WEBGL_lose_context')?.loseContext(); },
  };
}
