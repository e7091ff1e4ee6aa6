#!/usr/bin/env node
// Builds the browser example (examples/browser/build.ts, compiled by `npm run build`) and serves it
// on 127.0.0.1 (a secure context, so WebGPU is allowed).
//
//   node examples/browser/serve.mjs [port] [--no-build]
//
// port: a number, or 0 / nothing for any free port. Prints "serving http://127.0.0.1:PORT/" once it
// listens (test/browser.test.ts waits for that line). Then open, for example:
//   http://127.0.0.1:PORT/                                   auto backend (webgpu, else webgl, else cpu)
//   http://127.0.0.1:PORT/?seed=1&steps=20&backend=webgpu    deterministic, webgpu or an error
//   ...&engine=ops                                           tfjs ops instead of the fused update
import http from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const pageDir = join(root, 'examples/browser/dist');
const args = process.argv.slice(2);
const port = Number(args.find((a) => /^\d+$/.test(a)) ?? 0);
const build = !args.includes('--no-build');

if (build) {
  const compiled = join(root, 'dist/examples/browser/build.js');
  if (!existsSync(compiled)) {
    console.error(`${compiled} is missing: run \`npm run build\` first (or npm run example:browser)`);
    process.exit(1);
  }
  const { buildPage } = await import(compiled);
  const started = Date.now();
  const { files } = await buildPage(pageDir);
  const sizes = Object.entries(files).map(([n, s]) => `${n} ${(s / 1024).toFixed(0)} KiB`).join(', ');
  console.log(`built examples/browser/dist in ${Date.now() - started} ms: ${sizes}`);
} else if (!existsSync(join(pageDir, 'main.js'))) {
  console.error(`${pageDir}/main.js is missing: run without --no-build`);
  process.exit(1);
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.bin': 'application/octet-stream',
  '.wasm': 'application/wasm',
};

const server = http.createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const file = normalize(join(pageDir, path.endsWith('/') ? `${path}index.html` : path));
  if (!file.startsWith(pageDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end(`not found: ${path}\n`);
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
  res.end(readFileSync(file));
});

server.listen(port, '127.0.0.1', () => {
  console.log(`serving http://127.0.0.1:${server.address().port}/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
}
