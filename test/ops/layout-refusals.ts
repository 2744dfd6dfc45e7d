// The layout operators refuse at load what the reference kernels cannot run
// as TFLite would (index operands computed at run time, quantizations that
// differ, bad option values, types TFLite's kernels lack), the kernels
// refuse programs whose parameters do not fit their tensors, and the
// gather gives the same results on several threads.
import t, { type Test } from 'tap';
import { inspectModel, loadModel } from '../../lib/index';
import { native } from '../../lib/native';
import { ints, layoutModel, longs, onReferenceKernels, operand, quant, type LayoutCase } from '../helpers/layout-model';
import { mirrorPad, pack, resizeNearest, splitV, stridedSlice, unpack } from '../helpers/layout-options';
import { concatenation, split } from '../helpers/options';
import { kernelPlan } from '../helpers/plans';

async function refused(t: Test, c: LayoutCase, message: RegExp) {
  await t.rejects(loadModel(layoutModel(c)), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message }, message.source.replace(/#\\d\+/g, '#N').replace(/\\/g, ''));
}

// int16 data keeps the operator off XNNPACK, so that the reference kernels' reason is the one reported.
const i16 = (shape: number[], scale = 0.25) => operand(shape, 'int16', quant(scale, 0));

t.test('index operands computed at run time', async (t) => {
  const runTime = (shape: number[]) => operand(shape, 'int32');
  await refused(t, { op: 'TRANSPOSE', inputs: [i16([2, 3]), runTime([2])], outputs: [i16([3, 2])] }, /TRANSPOSE #\d+: perm \(got a tensor computed at run time, expected a constant: the output shape would depend on run-time values\)/);
  await refused(t, { op: 'SPLIT', inputs: [runTime([]), i16([4])], outputs: [i16([2]), i16([2])], options: split(2) }, /SPLIT #\d+: axis \(got a tensor computed at run time/);
  await refused(t, { op: 'PAD', inputs: [i16([2]), runTime([1, 2])], outputs: [i16([4])] }, /PAD #\d+: paddings \(got a tensor computed at run time/);
  await refused(t, { op: 'TILE', inputs: [i16([2]), runTime([1])], outputs: [i16([4])] }, /TILE #\d+: multiples \(got a tensor computed at run time/);
  await refused(t, { op: 'SLICE', inputs: [i16([4]), runTime([1]), ints([2])], outputs: [i16([2])] }, /SLICE #\d+: begin \(got a tensor computed at run time/);
  await refused(t, { op: 'STRIDED_SLICE', inputs: [i16([4]), ints([0]), ints([4]), runTime([1])], outputs: [i16([2])], options: stridedSlice() }, /STRIDED_SLICE #\d+: strides \(got a tensor computed at run time/);
  await refused(t, { op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [i16([1, 2, 2, 1]), runTime([2])], outputs: [i16([1, 4, 4, 1])] }, /RESIZE_NEAREST_NEIGHBOR #\d+: size \(got a tensor computed at run time/);
  await refused(t, { op: 'BROADCAST_TO', inputs: [i16([2]), runTime([2])], outputs: [i16([3, 2])], version: 2 }, /BROADCAST_TO #\d+: shape \(got a tensor computed at run time/);
  await refused(t, { op: 'MIRROR_PAD', inputs: [i16([3]), runTime([1, 2])], outputs: [i16([5])], options: mirrorPad('REFLECT') }, /MIRROR_PAD #\d+: paddings \(got a tensor computed at run time/);
  await refused(t, { op: 'SPACE_TO_BATCH_ND', inputs: [i16([1, 2, 2, 1]), runTime([2]), ints([0, 0, 0, 0], [2, 2])], outputs: [i16([4, 1, 1, 1])] }, /SPACE_TO_BATCH_ND #\d+: block_shape \(got a tensor computed at run time/);
  await refused(t, { op: 'REVERSE_V2', inputs: [i16([3]), runTime([1])], outputs: [i16([3])] }, /REVERSE_V2 #\d+: axis \(got a tensor computed at run time/);
  await refused(t, { op: 'SPLIT_V', inputs: [i16([4]), runTime([2]), ints([0], [])], outputs: [i16([1]), i16([3])], options: splitV(2) }, /SPLIT_V #\d+: size_splits \(got a tensor computed at run time/);
});

t.test('quantizations that differ', async (t) => {
  await refused(t, { op: 'TRANSPOSE', inputs: [i16([2, 3]), ints([1, 0])], outputs: [i16([3, 2], 0.5)] }, /TRANSPOSE #\d+: quantization of out0_int16 \(got scale 0.5 and zero point 0, expected scale 0.25 and zero point 0 like in0: TFLite's TRANSPOSE does not requantize\)/);
  await refused(t, { op: 'TILE', inputs: [operand([2], 'uint8', quant(0.5, 3)), ints([2])], outputs: [operand([4], 'uint8', quant(0.5, 4))] }, /TILE #\d+: quantization of out0 \(got scale 0.5 and zero point 4/);
  await refused(t, { op: 'CONCATENATION', inputs: [i16([2]), i16([2], 0.125)], outputs: [i16([4])], options: concatenation(0) }, /CONCATENATION #\d+: quantization of in2 \(got scale 0.125/);
  await refused(t, { op: 'MIRROR_PAD', inputs: [operand([3], 'int8', quant(0.5, 1)), ints([1, 1], [1, 2])], outputs: [operand([5], 'int8', null)], options: mirrorPad('SYMMETRIC') }, /MIRROR_PAD #\d+: quantization of out0_int8/);
  await refused(t, { op: 'SPACE_TO_BATCH_ND', inputs: [operand([1, 2, 2, 1], 'int16', quant(0.5, 2)), ints([2, 2]), ints([0, 0, 0, 0], [2, 2])], outputs: [operand([4, 1, 1, 1], 'int16', quant(0.5, 2))] },
    /SPACE_TO_BATCH_ND #\d+: zero point of int16 tensor in0 \(got 2, expected 0\)/);
  await refused(t, { op: 'PADV2', inputs: [operand([2], 'int8', quant(0.5, 1)), ints([1, 1], [1, 2]), { shape: [], dtype: 'int8', data: Int8Array.of(4), quantization: quant(0.25, 1) }], outputs: [operand([4], 'int8', quant(0.5, 1))] },
    /PADV2 #\d+: constant_values quantization \(got scale 0.25 and zero point 1, expected the output's scale 0.5 and zero point 1\)/);
  await refused(t, { op: 'UNPACK', inputs: [operand([2, 2], 'int8', { scale: [0.5, 0.25], zeroPoint: [0, 0], quantizedDimension: 0 })], outputs: [operand([2], 'int8'), operand([2], 'int8')], options: unpack(2, 0) },
    /UNPACK #\d+: quantization of in0 \(got 2 scales, expected one\)/);
});

t.test('bad option values and index operands', async (t) => {
  await refused(t, { op: 'MIRROR_PAD', inputs: [i16([3]), ints([1, 1], [1, 2])], outputs: [i16([5])], options: mirrorPad(5) }, /MIRROR_PAD #\d+: mode \(got 5, expected REFLECT \(0\) or SYMMETRIC \(1\)\)/);
  await refused(t, { op: 'MIRROR_PAD', inputs: [i16([3]), ints([1, 1], [1, 2])], outputs: [i16([5])] }, /MIRROR_PAD #\d+: options \(got none, expected MirrorPadOptions\)/);
  await refused(t, { op: 'MIRROR_PAD', inputs: [i16([3]), ints([3, 0], [1, 2])], outputs: [i16([6])], options: mirrorPad('REFLECT') }, /MIRROR_PAD #\d+: paddings along axis 0 \(got 3 and 0, expected at most 2 for REFLECT of size 3\)/);
  await refused(t, { op: 'MIRROR_PAD', inputs: [i16([3]), ints([1, 1], [1, 2])], outputs: [i16([5])], options: resizeNearest() }, /MIRROR_PAD #\d+: options \(got type 74, expected MirrorPadOptions\)/);
  await refused(t, { op: 'PACK', inputs: [i16([2]), i16([2])], outputs: [i16([2, 2])], options: pack(3, 0) }, /PACK #\d+: values_count \(got 3, expected the 2 inputs\)/);
  await refused(t, { op: 'PACK', inputs: [i16([2]), i16([2])], outputs: [i16([2, 2])], options: pack(2, 2) }, /PACK #\d+: axis \(got 2, expected -2 to 1\)/);
  await refused(t, { op: 'UNPACK', inputs: [i16([2, 3])], outputs: [i16([3]), i16([3])], options: unpack(3, 0) }, /UNPACK #\d+: num \(got 3 for 2 outputs/);
  await refused(t, { op: 'STRIDED_SLICE', inputs: [i16([4]), ints([0]), ints([4]), ints([0])], outputs: [i16([2])], options: stridedSlice() }, /STRIDED_SLICE #\d+: stride along axis 0 \(got 0, expected nonzero/);
  await refused(t, { op: 'STRIDED_SLICE', inputs: [i16([4, 2]), ints([4, 0]), ints([5, 2]), ints([1, 1])], outputs: [i16([2])], options: stridedSlice({ shrinkAxisMask: 1 }) }, /STRIDED_SLICE #\d+: shrunk axis 0 \(got begin 4, expected an index inside -4..3\)/);
  await refused(t, { op: 'STRIDED_SLICE', inputs: [i16([4, 2]), ints([0, 0]), ints([2, 2]), ints([1, 1])], outputs: [i16([2, 2])], options: stridedSlice({ offset: true, ellipsisMask: 1 }) }, /STRIDED_SLICE #\d+: offset \(got true/);
  await refused(t, { op: 'STRIDED_SLICE', inputs: [i16([4]), ints([0]), ints([4]), ints([2])], outputs: [i16([3])], options: stridedSlice() }, /STRIDED_SLICE #\d+: output 0 shape \(got \[3\], expected \[2\]\)/);
  await refused(t, { op: 'STRIDED_SLICE', inputs: [i16([4]), longs([0]), ints([4]), ints([2])], outputs: [i16([2])], options: stridedSlice() }, /STRIDED_SLICE #\d+: begin type \(got int64, expected int32\)/);
  await refused(t, { op: 'SLICE', inputs: [i16([4]), ints([2]), ints([3])], outputs: [i16([3])] }, /SLICE #\d+: slice along axis 0 \(got begin 2 and size 3, expected a window inside 0..4\)/);
  await refused(t, { op: 'REVERSE_V2', inputs: [i16([2, 3, 4]), ints([0, 2])], outputs: [i16([2, 3, 4])] }, /REVERSE_V2 #\d+: axis \(got \[0,2\], expected adjacent axes, each once/);
  await refused(t, { op: 'SPLIT_V', inputs: [i16([4]), ints([-1, -1]), ints([0], [])], outputs: [i16([2]), i16([2])], options: splitV(2) }, /SPLIT_V #\d+: size_splits \(got \[-1,-1\]/);
  await refused(t, { op: 'SPLIT', inputs: [ints([0], []), i16([5])], outputs: [i16([2]), i16([2])], options: split(2) }, /SPLIT #\d+: size along axis 0 \(got 5, expected a multiple of 2\)/);
  await refused(t, { op: 'CONCATENATION', inputs: [i16([2]), i16([2])], outputs: [i16([4])], options: concatenation(0, 'RELU') }, /CONCATENATION #\d+: fused activation \(got 1, expected NONE/);
  await refused(t, { op: 'PAD', inputs: [i16([2]), ints([1, -1], [1, 2])], outputs: [i16([2])] }, /PAD #\d+: paddings \(got \[1,-1\], expected non-negative int32 values\)/);
  await refused(t, { op: 'PAD', inputs: [i16([2]), ints([1, 1])], outputs: [i16([4])] }, /PAD #\d+: paddings shape \(got \[2\], expected \[1, 2\]\)/);
  await refused(t, { op: 'PAD', inputs: [i16([1, 1, 1, 1, 1, 2]), ints(new Array(12).fill(0), [6, 2])], outputs: [i16([1, 1, 1, 1, 1, 2])] }, /PAD #\d+: input rank \(got 6, expected at most 5\)/);
  await refused(t, { op: 'BATCH_TO_SPACE_ND', inputs: [i16([4, 1, 1, 1]), ints([2, 2]), ints([1, 1, 0, 0], [2, 2])], outputs: [i16([1, 1, 2, 1])] }, /BATCH_TO_SPACE_ND #\d+: crops .*expected to leave at least one row and column/);
  await refused(t, { op: 'SPACE_TO_BATCH_ND', inputs: [i16([1, 3, 2, 1]), ints([2, 2]), ints([0, 0, 0, 0], [2, 2])], outputs: [i16([4, 1, 1, 1])] }, /SPACE_TO_BATCH_ND #\d+: padded size \(got 3 x 2, expected multiples of the block 2 x 2\)/);
  await refused(t, { op: 'BROADCAST_TO', inputs: [i16([2]), ints([3, 3])], outputs: [i16([3, 3])], version: 2 }, /BROADCAST_TO #\d+: shape \(got \[3,3\], expected a shape \[2\] broadcasts to\)/);
  await refused(t, { op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [i16([2, 2, 1]), ints([4, 4])], outputs: [i16([4, 4, 1])] }, /RESIZE_NEAREST_NEIGHBOR #\d+: input rank \(got 3, expected 4\)/);
});

t.test('damaged index operands', async (t) => {
  await t.rejects(loadModel(layoutModel({ op: 'MIRROR_PAD', inputs: [i16([3]), { shape: [1, 2], dtype: 'int32', data: Int32Array.of(1) }], outputs: [i16([5])], options: mirrorPad('REFLECT') })),
    { code: 'ERR_XNNLITE_MODEL_FORMAT', message: /static data has 4 bytes, but shape \[1,2\] of int32 needs 8/ }, 'paddings shorter than their shape');
  await refused(t, { op: 'MIRROR_PAD', inputs: [i16([3]), { shape: [1, 2], dtype: 'float32', data: Float32Array.of(1, 1) }], outputs: [i16([5])], options: mirrorPad('REFLECT') },
    /MIRROR_PAD #\d+: paddings type \(got float32, expected int32 or int64\)/);
  await refused(t, { op: 'TILE', inputs: [i16([3]), ints([2, 2])], outputs: [i16([6])] }, /TILE #\d+: multiples \(got \[2,2\], expected a non-negative value per input axis: 1\)/);
});

t.test('types TFLite has no kernel for', async (t) => {
  await refused(t, { op: 'RESIZE_NEAREST_NEIGHBOR', inputs: [operand([1, 2, 2, 1], 'int64'), ints([4, 4])], outputs: [operand([1, 4, 4, 1], 'int64')] },
    /RESIZE_NEAREST_NEIGHBOR #\d+: type \(got int64, expected float32, int8, uint8, int16, int32, bool\)/);
  await refused(t, { op: 'PACK', inputs: [operand([2], 'bool'), operand([2], 'bool')], outputs: [operand([2, 2], 'bool')], options: pack(2, 0) }, /PACK #\d+: type \(got bool/);
  await refused(t, { op: 'UNPACK', inputs: [operand([2, 2], 'int64')], outputs: [operand([2], 'int64'), operand([2], 'int64')], options: unpack(2, 0) }, /UNPACK #\d+: type \(got int64/);
  await refused(t, { op: 'SPLIT_V', inputs: [operand([4], 'bool'), ints([2, 2]), ints([0], [])], outputs: [operand([2], 'bool'), operand([2], 'bool')], options: splitV(2) }, /SPLIT_V #\d+: type \(got bool/);
  await refused(t, { op: 'TILE', inputs: [operand([2], 'int32'), ints([2])], outputs: [operand([4], 'int64')] }, /TILE #\d+: output 0 type \(got int64, expected int32 like input 0\)/);
  await refused(t, { op: 'REVERSE_V2', inputs: [{ shape: [2], dtype: 'float16' }, ints([0])], outputs: [{ shape: [2], dtype: 'float16' }] }, /REVERSE_V2 #\d+: type \(got float16/);
});

t.test('the layout kernels refuse programs whose parameters do not fit their tensors', async (t) => {
  const { SessionRuntime } = native();
  const create = (kernel: string, tensorBytes: number[], inputs: number[], ints: number[]) => SessionRuntime.create(kernelPlan({
    tensors: tensorBytes.map((bytes) => ({ bytes })), inputs: [], outputs: [],
    ops: [{ kernel, label: 'OP #0', inputs, outputs: [tensorBytes.length - 1], ints, reals: [] }],
  }), 1, 0);
  // Reads the plan now, throwing what it refuses; a runtime made all the same is disposed once made.
  const program = (kernel: string, tensorBytes: number[], inputs: number[], ints: number[]) => () => {
    create(kernel, tensorBytes, inputs, ints).then((runtime) => runtime.dispose(), () => undefined);
  };
  const accepted = async (kernel: string, tensorBytes: number[], inputs: number[], ints: number[], what: string) => {
    (await create(kernel, tensorBytes, inputs, ints)).dispose();
    t.pass(what);
  };
  const gather = (tensorBytes: number[], ints: number[]) => program('layout_gather', tensorBytes, [0], ints);
  const scatter = (tensorBytes: number[], ints: number[], fill = -1) => program('layout_scatter', tensorBytes, [0, fill], ints);
  // 4 blocks of 2 bytes from offsets 6, 4, 2, 0 of an 8-byte input (a reversal).
  await accepted('layout_gather', [8, 8], [0], [2, 1, 4, 6, -2, 0], 'a consistent gather');
  await accepted('layout_gather', [8, 8], [0], [2, 1, 4, 0, 0, 1, 6, 4, 2, 0], 'a consistent gather by a table');
  const fits = /layout_(gather|scatter) parameters do not fit its tensors/;
  t.throws(gather([7, 8], [2, 1, 4, 6, -2, 0]), { message: /offsets outside the input/ }, 'reads past the input');
  t.throws(gather([8, 8], [2, 1, 4, 4, -2, 0]), { message: /offsets outside the input/ }, 'a step that reaches below 0');
  t.throws(gather([8, 6], [2, 1, 4, 6, -2, 0]), { message: /operand sizes/ }, 'writes past the output');
  t.throws(gather([8, 8], [2, 1, 4, 0, 0, 1, 6, 4, 9, 0]), { message: /offsets outside the input/ }, 'a table entry past the input');
  t.throws(gather([8, 8], [2, 1, 4, 0, 0, 1, 6, 4, -2, 0]), { message: /offsets outside the input/ }, 'a negative table entry');
  t.throws(gather([8, 8], [2, 1, 4, 0, 0, 1, 6, 4, 2]), { message: /bad axes/ }, 'a table cut short');
  t.throws(gather([8, 8], [2, 1, 4, 0, 2, 2]), { message: /bad axes/ }, 'an unknown table flag');
  t.throws(gather([8, 8], [2, 1, 4, 0, 2, 0, 7]), { message: /bad axes/ }, 'parameters left over');
  t.throws(gather([8, 8], [2, 17, ...new Array(17 * 4).fill(0).map((_, i) => (i % 4 === 0 ? 1 : 0))]), { message: /bad axes/ }, 'too many axes');
  t.throws(gather([8, 8], [0, 1, 4, 0, 2, 0]), { message: /bad axes/ }, 'an empty block');
  t.throws(gather([8, 8], [2, 1, 0, 0, 2, 0]), { message: /bad axes/ }, 'an empty axis');
  t.throws(gather([8, 8], [2, 2, 2 ** 40, 0, 1, 0, 2 ** 40, 0, 0, 0]), { message: fits }, 'sizes whose product overflows');
  t.throws(gather([8, 8], [2, 1, 3, 2 ** 52, 2 ** 52, 0]), { message: /offsets outside the input/ }, 'offsets far past the input');
  await accepted('layout_scatter', [4, 12], [0, -1], [2, 2, 0, 1, 2, 2, 8, 0], 'a consistent scatter');
  await accepted('layout_scatter', [4, 2, 12], [0, 1], [2, 2, 0, 1, 2, 2, 8, 0], 'a consistent scatter with a fill operand');
  t.throws(scatter([4, 12], [2, 2, 0, 1, 2, 4, 8, 0]), { message: /offsets outside the output/ }, 'writes past the output');
  t.throws(scatter([2, 12], [2, 2, 0, 1, 2, 2, 8, 0]), { message: /operand sizes/ }, 'reads past the input');
  t.throws(scatter([4, 12], [2, 3, 0, 1, 2, 2, 8, 0]), { message: /bad fill size/ }, 'a fill of 3 bytes');
  t.throws(scatter([4, 1, 12], [2, 2, 0, 1, 2, 2, 8, 0], 1), { message: /fill operand size/ }, 'a fill operand too small');
  t.throws(program('concatenation', [4, 4], [0], [1, 1, 1, 5000, ...new Array(5000).fill(1)]), { message: /bad input count/ }, 'a concatenation of more inputs than it names');
});

t.test('a gather split into tasks on several threads gives the single-threaded result', async (t) => {
  const shape = [64, 96, 12];
  const c: LayoutCase = { op: 'TRANSPOSE', inputs: [operand(shape, 'int32'), ints([2, 0, 1])], outputs: [operand([12, 64, 96], 'int32')] };
  const x = Int32Array.from({ length: 64 * 96 * 12 }, (_, i) => i * 7 - 3);
  const expected = new Int32Array(x.length);
  for (let a = 0; a < 64; a++) for (let b = 0; b < 96; b++) for (let k = 0; k < 12; k++) expected[(k * 64 + a) * 96 + b] = x[(a * 96 + b) * 12 + k];
  const bytes = layoutModel(c);
  const placement = (await onReferenceKernels(() => inspectModel(bytes))).placement.find((p) => p.op === 'TRANSPOSE');
  t.equal(placement?.runsOn, 'reference', 'TRANSPOSE runs on the reference kernels');
  const model = await onReferenceKernels(() => loadModel(bytes));
  t.teardown(() => model.dispose());
  for (const threads of [1, 2, 3]) {
    const session = await model.createSession({ threads });
    const out = (await session.run<Int32Array>({ in0: x })).out0;
    t.same(Array.from(out.subarray(0, 8)), Array.from(expected.subarray(0, 8)), `${threads} threads: first elements`);
    t.ok(out.every((v, i) => v === expected[i]), `${threads} threads: every element`);
  }
});
