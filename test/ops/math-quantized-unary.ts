// Quantized EXP, LOG, ABS (int8) and GELU (int8, uint8) on XNNPACK, checked
// against LiteRT.js on every value of the input type: TFLite computes them
// with lookup tables (ABS in fixed point), XNNPACK in float, and the two
// agree exactly only where unary.ts lowers them.
import t from 'tap';
import { inspectModel, loadModel } from '../../lib/index';
import { writeModel } from '../../lib/model/writer';
import { gelu } from '../helpers/math-options';
import { runReferenceTyped } from '../helpers/litert';

interface Q { scale: number; zeroPoint: number }

/** float32 -> QUANTIZE -> op -> DEQUANTIZE -> float32, over `n` elements. */
function quantizedModel(op: string, dtype: 'int8' | 'uint8', inQ: Q, outQ: Q, n: number): Uint8Array {
  const q = (v: Q) => ({ scale: [v.scale], zeroPoint: [v.zeroPoint], quantizedDimension: 0 });
  return writeModel({ subgraphs: [{
    tensors: [
      { name: 'x', shape: [n], dtype: 'float32' },
      { name: 'xq', shape: [n], dtype, quantization: q(inQ) },
      { name: 'yq', shape: [n], dtype, quantization: q(outQ) },
      { name: 'y', shape: [n], dtype: 'float32' },
    ],
    inputs: [0], outputs: [3],
    operators: [
      { op: 'QUANTIZE', inputs: [0], outputs: [1] },
      { op, inputs: [1], outputs: [2], options: op === 'GELU' ? gelu(false) : undefined },
      { op: 'DEQUANTIZE', inputs: [2], outputs: [3] },
    ],
  }] });
}

const CASES: [string, 'int8' | 'uint8', Q, Q][] = [
  ['EXP', 'int8', { scale: 0.02, zeroPoint: 0 }, { scale: 0.05, zeroPoint: -128 }],
  ['EXP', 'int8', { scale: 0.0137, zeroPoint: 7 }, { scale: 0.031, zeroPoint: -120 }],
  ['EXP', 'int8', { scale: 0.031, zeroPoint: 0 }, { scale: 0.2, zeroPoint: -128 }],
  ['GELU', 'int8', { scale: 0.03, zeroPoint: 2 }, { scale: 0.02, zeroPoint: -100 }],
  ['GELU', 'int8', { scale: 0.07, zeroPoint: -5 }, { scale: 0.045, zeroPoint: -90 }],
  ['GELU', 'uint8', { scale: 0.03, zeroPoint: 128 }, { scale: 0.02, zeroPoint: 28 }],
  ['GELU', 'uint8', { scale: 0.1, zeroPoint: 100 }, { scale: 0.05, zeroPoint: 20 }],
  ['LOG', 'int8', { scale: 0.05, zeroPoint: -128 }, { scale: 0.03, zeroPoint: 10 }],
  ['LOG', 'int8', { scale: 0.011, zeroPoint: -128 }, { scale: 0.017, zeroPoint: 50 }],
  ['ABS', 'int8', { scale: 0.05, zeroPoint: 3 }, { scale: 0.05, zeroPoint: -128 }],
  ['ABS', 'int8', { scale: 0.1, zeroPoint: -20 }, { scale: 0.1, zeroPoint: -100 }],
];

t.test('every input value gives what LiteRT.js gives', async (t) => {
  for (const [op, dtype, inQ, outQ] of CASES) {
    await t.test(`${op} ${dtype} ${JSON.stringify(inQ)} -> ${JSON.stringify(outQ)}`, async (t) => {
      const lowest = dtype === 'int8' ? -128 : 0;
      const bytes = quantizedModel(op, dtype, inQ, outQ, 256);
      const report = await inspectModel(bytes);
      t.same(report.placement.map((p) => p.runsOn), ['xnnpack', 'xnnpack', 'xnnpack'], 'runs on XNNPACK');
      const m = await loadModel(bytes);
      t.teardown(() => m.dispose());
      // Each quantized input value once (QUANTIZE maps these floats to exactly those values).
      const x = Float32Array.from({ length: 256 }, (_, i) => (lowest + i - inQ.zeroPoint) * Math.fround(inQ.scale));
      const ours = (await (await m.createSession()).run({ x })).y as Float32Array;
      const reference = (await runReferenceTyped(bytes, [x]))[0];
      const differing = Array.from(reference).findIndex((v, i) => v !== ours[i]);
      t.equal(differing, -1, differing < 0 ? 'all 256 equal' : `input ${x[differing]}: ${ours[differing]} vs ${reference[differing]}`);
    });
  }
});

t.test('quantized forms where XNNPACK and TFLite differ are not lowered', async (t) => {
  const refuse = async (bytes: Uint8Array, reason: RegExp) => t.rejects(loadModel(bytes), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message: reason });
  await refuse(quantizedModel('LOG', 'int8', { scale: 0.05, zeroPoint: -100 }, { scale: 0.03, zeroPoint: 10 }, 8),
    /LOG #1: input zero point \(got -100, expected -128 for int8 LOG on XNNPACK: no negative input\)/);
  await refuse(quantizedModel('ABS', 'int8', { scale: 0.1, zeroPoint: 0 }, { scale: 0.2, zeroPoint: -128 }, 8),
    /ABS #1: output scale \(got 0\.2\d*, expected the input scale 0\.1\d* for int8 ABS on XNNPACK\)/);
  await refuse(quantizedModel('EXP', 'uint8', { scale: 0.05, zeroPoint: 128 }, { scale: 0.05, zeroPoint: 0 }, 8),
    /EXP #1: type \(got uint8, expected float32 or int8 for EXP\)/);
  await refuse(quantizedModel('SQRT', 'int8', { scale: 0.05, zeroPoint: -128 }, { scale: 0.05, zeroPoint: -128 }, 8),
    /SQRT #1: type \(got int8, expected float32\)/);
});
