// Real values to a tensor's stored values and back (lib/tensor-values):
// TFLite's per-tensor scheme, real = scale * (q - zeroPoint).
import t from 'tap';
import type { DType } from '../lib/model/schema';
import type { TensorInfo } from '../lib/tensor-info';
import { INTEGER_RANGES, realToStored, storedToReal } from '../lib/tensor-values';
import { deterministicInput } from './helpers/compare';

function tensor(dtype: DType, scale?: number[], zeroPoint?: number[]): TensorInfo {
  const quantization = scale ? { scale, zeroPoint: zeroPoint ?? scale.map(() => 0), quantizedDimension: 0 } : undefined;
  return { name: 'x', index: 0, shape: [scale?.length ?? 1], dtype, quantization };
}

t.test('float32 values are stored as they are', async (t) => {
  const reals = Float32Array.of(1.5, -2, 1e30);
  t.equal(realToStored(tensor('float32'), reals), reals, 'the same array');
  t.equal(storedToReal(tensor('float32'), reals), reals);
});

t.test('rounding to nearest, ties away from zero', async (t) => {
  const int8 = tensor('int8', [0.5], [3]);
  const reals = Float32Array.of(0, 0.24, 0.25, 0.26, -0.24, -0.25, -0.26, 0.75, -0.75, 1.1);
  const stored = realToStored(int8, reals);
  t.type(stored, Int8Array);
  t.same(Array.from(stored), [3, 3, 4, 4, 3, 2, 2, 5, 1, 5]);
  const uint8 = tensor('uint8', [2], [128]);
  t.same(Array.from(realToStored(uint8, Float32Array.of(1, -1, 3, -3, 2.9))), [129, 127, 130, 126, 129]);
  t.type(realToStored(tensor('int16', [0.25]), Float32Array.of(0.125)), Int16Array);
  t.same(Array.from(realToStored(tensor('int16', [0.25]), Float32Array.of(0.125, -0.125, 0.375))), [1, -1, 2]);
});

t.test('clamped to the dtype\'s range at both ends', async (t) => {
  const cases: [DType, number[], number[], number[]][] = [
    // dtype, scale, zero point, expected for [-Infinity, far below, just below, lowest, highest, just above, far above, Infinity]
    ['int8', [0.1], [-10], [-128, -128, -128, -128, 127, 127, 127, 127]],
    ['uint8', [0.1], [20], [0, 0, 0, 0, 255, 255, 255, 255]],
    ['int16', [0.001], [0], [-32768, -32768, -32768, -32768, 32767, 32767, 32767, 32767]],
  ];
  for (const [dtype, scale, zeroPoint, expected] of cases) {
    const info = tensor(dtype, scale, zeroPoint);
    const [lo, hi] = INTEGER_RANGES[dtype as 'int8' | 'uint8' | 'int16'];
    const real = (q: number) => (q - zeroPoint[0]) * scale[0];
    const reals = Float32Array.of(-Infinity, real(lo) * 1e3 - 1e3, real(lo - 1), real(lo), real(hi), real(hi + 1), real(hi) * 1e3 + 1e3, Infinity);
    t.same(Array.from(realToStored(info, reals)), expected, dtype);
  }
  t.same(INTEGER_RANGES.int16, [-32768, 32767], 'int16 spans the full symmetric range');
});

t.test('a round trip is within half a step', async (t) => {
  for (const [dtype, scale, zeroPoint] of [['int8', 0.0123, -7], ['uint8', 0.0078125, 128], ['int16', 3.1e-5, 0]] as const) {
    const info = tensor(dtype, [scale], [zeroPoint]);
    const [lo, hi] = INTEGER_RANGES[dtype];
    const reals = deterministicInput(1000, (lo - zeroPoint) * scale, (hi - zeroPoint) * scale, 3);
    const back = storedToReal(info, realToStored(info, reals));
    let worst = 0;
    for (let i = 0; i < reals.length; i++) worst = Math.max(worst, Math.abs(back[i] - reals[i]));
    // Half a step, plus float32 rounding of the dequantized value.
    const largest = Math.max(...Array.from(reals, Math.abs));
    t.ok(worst <= scale / 2 + 1.2e-7 * largest, `${dtype}: max |round trip - real| ${worst.toExponential(3)} <= half a step ${(scale / 2).toExponential(3)}`);
    t.same(Array.from(storedToReal(info, realToStored(info, Float32Array.of(0)))), [0], `${dtype}: real 0 is exact (the zero point)`);
  }
});

t.test('stored values back to reals', async (t) => {
  t.same(Array.from(storedToReal(tensor('uint8', [0.5], [128]), Uint8Array.of(0, 128, 255))), [-64, 0, 63.5]);
  t.same(Array.from(storedToReal(tensor('int16', [0.25]), Int16Array.of(-32768, 4))), [-8192, 1]);
  t.same(Array.from(storedToReal(tensor('int8'), Int8Array.of(-5, 7))), [-5, 7], 'integers without quantization parameters are their own values');
});

t.test('conversions it cannot make', async (t) => {
  const perChannel = tensor('int8', [0.1, 0.2]);
  t.throws(() => realToStored(perChannel, new Float32Array(2), 'input "w"'),
    { name: 'TypeError', message: 'Expected per-tensor quantization (one scale and zero point) for input "w" but received 2 scales (per-channel quantization)' });
  t.throws(() => storedToReal(perChannel, new Int8Array(2)), { name: 'TypeError', message: /for tensor "x" but received 2 scales/ });
  t.throws(() => realToStored(tensor('int8'), new Float32Array(1), 'input "flags"'),
    { name: 'TypeError', message: /^Expected quantization parameters \(a scale and zero point\) to convert real values for int8 input "flags" but received a tensor without them/ });
  t.throws(() => realToStored(tensor('int32', [1]), new Float32Array(1), 'input "ids"'),
    { name: 'TypeError', message: 'Expected a float32 or quantized int8, uint8 or int16 tensor to convert real values for input "ids" but received int32' });
  t.throws(() => storedToReal(tensor('string'), new Uint8Array(1), 'output "s"'),
    { name: 'TypeError', message: 'Expected a float32, int8, uint8, int16, int32, int64 or bool tensor for output "s" but received string' });
  t.throws(() => realToStored(tensor('int8', [0.1]), Float32Array.of(1, NaN), 'input "x"'),
    { name: 'TypeError', message: 'Expected a real number for input "x" value 1 but received number NaN' });
  t.throws(() => storedToReal(tensor('int8', [0.1]), new Uint8Array(1), 'output "y"'),
    { name: 'TypeError', message: 'Expected an Int8Array (the tensor is int8) for output "y" but received Uint8Array(1)' });
});
