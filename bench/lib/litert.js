'use strict';

// LiteRT.js (TFLite's own runtime, XNNPACK compiled to WebAssembly) loaded
// into a Node process, for the parity tests and the benchmark. It targets
// browsers; these shims are what it needs under Node 20 (single-threaded
// builds; its threaded build needs more than this). Started with
// --experimental-wasm-relaxed-simd, Node gets its fastest build; without
// it, its "compat" build.

const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const wasmDir = path.join(path.dirname(require.resolve('@litertjs/core/package.json')), 'wasm');
let loading;

function installShims() {
  globalThis.self = globalThis;
  globalThis.importScripts = (...files) => {
    for (const f of files) {
      const file = f.startsWith('file:') ? new URL(f).pathname : path.isAbsolute(f) ? f : path.join(wasmDir, path.basename(f));
      vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
    }
  };
  globalThis.__dirname = wasmDir;
  globalThis.require = createRequire(path.join(wasmDir, 'loader.js'));
}

/** Loads LiteRT.js once per process (its log lines go to stderr). */
function liteRt() {
  loading ??= (async () => {
    installShims();
    // A real dynamic import, kept out of reach of CommonJS transpilation.
    const lrt = await new Function('m', 'return import(m)')('@litertjs/core');
    await lrt.loadLiteRt(`${wasmDir}/`);
    return lrt;
  })();
  return loading;
}

/** A compiled model with run(inputs) -> Float32Array[] and runTyped(inputs) -> outputs in their own array types. */
async function compile(bytes) {
  const lrt = await liteRt();
  const model = await lrt.loadAndCompile(bytes, { accelerator: 'wasm' });
  const details = model.getInputDetails();
  return {
    model,
    async run(inputs) {
      return (await this.runTyped(inputs)).map((v) => Float32Array.from(v));
    },
    async runTyped(inputs) {
      const tensors = inputs.map((data, k) => new lrt.Tensor(data, Array.from(details[k].shape)));
      try {
        const outputs = await model.run(tensors);
        const values = outputs.map((t) => t.toTypedArray().slice());
        for (const t of outputs) t.delete();
        return values;
      } finally {
        for (const t of tensors) t.delete();
      }
    },
    dispose() {
      if (typeof model.delete === 'function') model.delete();
    },
  };
}

/** Runs `bytes` once and returns its outputs in model order. */
async function runReference(bytes, inputs) {
  const compiled = await compile(bytes);
  try {
    return await compiled.run(inputs);
  } finally {
    compiled.dispose();
  }
}

/** Runs `bytes` once; outputs keep LiteRT.js's array types (Float32Array, Int32Array, Uint8Array: it takes and gives no other). */
async function runReferenceTyped(bytes, inputs) {
  const compiled = await compile(bytes);
  try {
    return await compiled.runTyped(inputs);
  } finally {
    compiled.dispose();
  }
}

/** Runs signature `key` of `bytes` once with inputs by key; returns its outputs by key, in LiteRT.js's array types. */
async function runReferenceSignature(bytes, key, inputs) {
  const lrt = await liteRt();
  const model = await lrt.loadAndCompile(bytes, { accelerator: 'wasm' });
  const runner = model.signatures[key];
  if (!runner) throw new Error(`LiteRT.js finds no signature ${JSON.stringify(key)} (it has ${Object.keys(model.signatures).join(', ')})`);
  const shapes = Object.fromEntries(runner.getInputDetails().map((d) => [d.name, Array.from(d.shape)]));
  const tensors = Object.fromEntries(Object.entries(inputs).map(([name, data]) => [name, new lrt.Tensor(data, shapes[name])]));
  try {
    const outputs = await model.run(key, tensors);
    const values = Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, t.toTypedArray().slice()]));
    for (const t of Object.values(outputs)) t.delete();
    return values;
  } finally {
    for (const t of Object.values(tensors)) t.delete();
    if (typeof model.delete === 'function') model.delete();
  }
}

module.exports = { liteRt, compile, runReference, runReferenceTyped, runReferenceSignature };
