import vm from 'node:vm';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
const wasmDir = path.resolve('node_modules/@litertjs/core/wasm');
globalThis.self = globalThis;
globalThis.importScripts = (...files) => { for (const f of files) { const p = f.startsWith('file:') ? new URL(f).pathname : (path.isAbsolute(f) ? f : path.join(wasmDir, path.basename(f))); vm.runInThisContext(fs.readFileSync(p, 'utf8'), { filename: p }); } };
globalThis.__dirname = wasmDir;
globalThis.require = createRequire(path.join(wasmDir, 'x.js'));
const lrt = await import('@litertjs/core');
console.log(Object.keys(lrt));
const t0 = performance.now();
await lrt.loadLiteRt(wasmDir + '/');
console.log('loaded', performance.now() - t0);
const bytes = fs.readFileSync('node_modules/@mediapipe/face_detection/face_detection_short_range.tflite');
const model = await lrt.loadAndCompile(new Uint8Array(bytes), { accelerator: 'wasm' });
console.log(model.getInputDetails(), model.getOutputDetails?.());
const d = model.getInputDetails()[0];
const n = d.shape.reduce((a, b) => a * b, 1);
const input = new lrt.Tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5), d.shape);
let out = await model.run([input]); console.log(out);
console.log(Array.isArray(out), Object.keys(out));
const ts = performance.now();
for (let i = 0; i < 20; i++) { out = await model.run([input]); }
console.log('ms', (performance.now() - ts) / 20);
for (const o of (Array.isArray(out) ? out : Object.values(out))) { const a = o.toTypedArray(); console.log(a.constructor.name, a.length, a.slice(0, 4)); }
