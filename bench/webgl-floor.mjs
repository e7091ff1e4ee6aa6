// The reference points of the webgl rows (browser benchmark), written directly against WebGL2 on a
// context of their own, no tfjs:
//   - floor: the least any WebGL Adam step over these params could do: ONE draw over all of them,
//     p, g, m, v in four RGBA32F textures (4 elements per texel, as tfjs's packed textures), the
//     three outputs through multiple render targets (which tfjs's program API does not offer: one
//     render target per program), ping-ponged between two sets of textures;
//   - copy: the same draw with the math taken out (outputs = inputs): what moving the bytes costs.
// Each step ends with a 1-texel readPixels, which waits for the draw, as the optimizer rows wait for
// a read of one parameter.

const VERTEX = `#version 300 es
in vec2 corner;
void main() { gl_Position = vec4(corner, 0.0, 1.0); }`;

const fragment = (math) => `#version 300 es
precision highp float;
uniform sampler2D P, G, M, V;
uniform float lr, b1, b2, eps, bc1, bc2;
layout(location = 0) out vec4 outP;
layout(location = 1) out vec4 outM;
layout(location = 2) out vec4 outV;
void main() {
  ivec2 c = ivec2(gl_FragCoord.xy);
  vec4 p = texelFetch(P, c, 0), g = texelFetch(G, c, 0), m = texelFetch(M, c, 0), v = texelFetch(V, c, 0);
  ${math
    ? `m = b1 * m + (1.0 - b1) * g;
  v = b2 * v + (1.0 - b2) * g * g;
  p = p - lr * (m / bc1) / (sqrt(v / bc2) + eps);`
    : 'p = p + g * 0.0;'}
  outP = p; outM = m; outV = v;
}`;

function compile(gl, type, source) {
  const shader = gl.createShader(type);
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) throw new Error(`webgl floor: ${gl.getShaderInfoLog(shader)}`);
  return shader;
}

/** The floor (math: true) or the copy (math: false) as a bench impl: {step(): Promise<void>, dispose()}. */
export function webglFloor(params, { math = true } = {}) {
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2');
  if (!gl || !gl.getExtension('EXT_color_buffer_float')) throw new Error('webgl floor: no WebGL2 with float render targets');
  const texels = Math.ceil(params / 4);
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
  // sets[k] = [p, m, v]: read one set, write the other.
  const sets = [[texture(), texture(), texture()], [texture(), texture(), texture()]];
  const g = texture();
  const program = gl.createProgram();
  gl.attachShader(program, compile(gl, gl.VERTEX_SHADER, VERTEX));
  gl.attachShader(program, compile(gl, gl.FRAGMENT_SHADER, fragment(math)));
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(`webgl floor: ${gl.getProgramInfoLog(program)}`);
  gl.useProgram(program);
  const quad = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, quad);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const corner = gl.getAttribLocation(program, 'corner');
  gl.enableVertexAttribArray(corner);
  gl.vertexAttribPointer(corner, 2, gl.FLOAT, false, 0, 0);
  ['P', 'G', 'M', 'V'].forEach((name, unit) => gl.uniform1i(gl.getUniformLocation(program, name), unit));
  const uniform = (name) => gl.getUniformLocation(program, name);
  const framebuffers = sets.map((set) => {
    const fb = gl.createFramebuffer();
    gl.bindFramebuffer(gl.FRAMEBUFFER, fb);
    set.forEach((t, i) => gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0 + i, gl.TEXTURE_2D, t, 0));
    gl.drawBuffers([gl.COLOR_ATTACHMENT0, gl.COLOR_ATTACHMENT1, gl.COLOR_ATTACHMENT2]);
    return fb;
  });
  gl.viewport(0, 0, width, height);
  const pixel = new Float32Array(4);
  let t = 0;
  return {
    async step() {
      t++;
      const read = sets[t % 2], write = (t + 1) % 2;
      [read[0], g, read[1], read[2]].forEach((tex, unit) => {
        gl.activeTexture(gl.TEXTURE0 + unit);
        gl.bindTexture(gl.TEXTURE_2D, tex);
      });
      gl.uniform1f(uniform('lr'), 1e-3);
      gl.uniform1f(uniform('b1'), 0.9);
      gl.uniform1f(uniform('b2'), 0.999);
      gl.uniform1f(uniform('eps'), 1e-7);
      gl.uniform1f(uniform('bc1'), 1 - 0.9 ** t);
      gl.uniform1f(uniform('bc2'), 1 - 0.999 ** t);
      gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffers[write]);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      gl.readBuffer(gl.COLOR_ATTACHMENT0);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, pixel);
    },
    dispose() { gl.getExtension('WEBGL_lose_context')?.loseContext(); },
  };
}
