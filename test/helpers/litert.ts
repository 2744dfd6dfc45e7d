// The reference runtime (LiteRT.js) for parity tests; the loader lives in
// bench/lib/litert.js, shared with the benchmark.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const litert = require('../../bench/lib/litert.js') as {
  runReference(bytes: Uint8Array, inputs: ArrayBufferView[]): Promise<Float32Array[]>;
  runReferenceTyped(bytes: Uint8Array, inputs: ArrayBufferView[]): Promise<(Float32Array | Int32Array | Uint8Array)[]>;
  runReferenceSignature(bytes: Uint8Array, key: string, inputs: Record<string, ArrayBufferView>): Promise<Record<string, Float32Array | Int32Array | Uint8Array>>;
};

/** Runs `bytes` once in LiteRT.js and returns its outputs in model order. */
export const runReference = litert.runReference;

/** Runs `bytes` once in LiteRT.js; outputs keep their types (LiteRT.js takes and gives float32, int32 and uint8 only). */
export const runReferenceTyped = litert.runReferenceTyped;

/** Runs signature `key` of `bytes` once in LiteRT.js, inputs and outputs by the signature's keys. */
export const runReferenceSignature = litert.runReferenceSignature;
