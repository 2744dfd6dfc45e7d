// LiteRT.js (TFLite's own runtime, XNNPACK compiled to WebAssembly), loaded
// into this Node process as the reference for parity tests. It targets
// browsers; these shims are what it needs under Node 20 (single-threaded build).
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';

const wasmDir = path.join(path.dirname(require.resolve('@litertjs/core/package.json')), 'wasm');

interface LiteRtTensor {
  toTypedArray(): Float32Array | Int8Array | Uint8Array | Int32Array;
  delete(): void;
}
interface LiteRtModel {
  getInputDetails(): { name: string; shape: Int32Array; dtype: string }[];
  getOutputDetails(): { name: string; shape: Int32Array; dtype: string }[];
  run(inputs: LiteRtTensor[]): Promise<LiteRtTensor[]> | LiteRtTensor[];
  delete?(): void;
}
interface LiteRtModule {
  loadLiteRt(dir: string): Promise<unknown>;
  loadAndCompile(bytes: Uint8Array, options: { accelerator: string }): Promise<LiteRtModel>;
  Tensor: new (data: ArrayBufferView, shape: number[]) => LiteRtTensor;
}

let loading: Promise<LiteRtModule> | undefined;

function installShims(): void {
  const g = globalThis as Record<string, unknown>;
  g.self = globalThis;
  g.importScripts = (...files: string[]) => {
    for (const f of files) {
      const file = f.startsWith('file:') ? new URL(f).pathname : path.isAbsolute(f) ? f : path.join(wasmDir, path.basename(f));
      vm.runInThisContext(fs.readFileSync(file, 'utf8'), { filename: file });
    }
  };
  g.__dirname = wasmDir;
  g.require = createRequire(path.join(wasmDir, 'loader.js'));
}

/** Loads LiteRT.js once per process. Its log lines go to stderr. */
export function liteRt(): Promise<LiteRtModule> {
  loading ??= (async () => {
    installShims();
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const lrt = (await (new Function('m', 'return import(m)'))('@litertjs/core')) as LiteRtModule;
    await lrt.loadLiteRt(`${wasmDir}/`);
    return lrt;
  })();
  return loading;
}

/** Runs `bytes` once in LiteRT.js and returns its outputs in model order. */
export async function runReference(bytes: Uint8Array, inputs: ArrayBufferView[]): Promise<Float32Array[]> {
  const lrt = await liteRt();
  const model = await lrt.loadAndCompile(bytes, { accelerator: 'wasm' });
  const details = model.getInputDetails();
  const tensors = inputs.map((data, k) => new lrt.Tensor(data, Array.from(details[k].shape)));
  try {
    const outputs = await model.run(tensors);
    const values = outputs.map((t) => Float32Array.from(t.toTypedArray() as ArrayLike<number>));
    for (const t of outputs) t.delete();
    return values;
  } finally {
    for (const t of tensors) t.delete();
    model.delete?.();
  }
}
