// Every operator's shape rule (lib/core/shapes): against the shapes real
// converters declare (the zoo, the architecture models, the mixed models),
// against LiteRT.js at other input shapes than a model declares, and its
// refusals.
import t from 'tap';
import fs from 'node:fs';
import { BuiltinOptions } from '../lib/model/schema';
import { supportedOps, shapeRuleOf } from '../lib/ops/registry';
import { ARCHITECTURES } from './helpers/architectures';
import { gridAnchors, postprocessOptions } from './helpers/detection-options';
import * as idx from './helpers/index-options';
import * as lay from './helpers/layout-options';
import { l2Norm, localResponseNormalization } from './helpers/math-options';
import { mixedModels } from './helpers/mixed-model';
import { f32, i32, weights, type OpCase, type TensorArg } from './helpers/op-model';
import * as o from './helpers/options';
import { declaredShapeMismatches, liteRtShapes, ruleShapes, type ShapeCase } from './helpers/shape-cases';
import { ZOO } from './helpers/zoo';

const input = (shape: number[], dtype?: TensorArg['dtype']): TensorArg => ({ shape, dtype });
const constant = (shape: number[], seed = 3) => f32(shape, weights(shape, seed));
const op = (name: string, c: Omit<OpCase, 'op'>): OpCase => ({ op: name, ...c });

t.test('every operator but the folded DENSIFY and the control flow the session runs has a shape rule', async (t) => {
  t.same(supportedOps().filter((name) => !shapeRuleOf(name)),
    ['ASSIGN_VARIABLE', 'CALL_ONCE', 'DENSIFY', 'IF', 'READ_VARIABLE', 'VAR_HANDLE', 'WHILE']);
});

t.test('the rules reproduce every shape the converters declared', async (t) => {
  const models: [string, Uint8Array][] = [
    ...ZOO.map((z) => [z.name, fs.readFileSync(z.file)] as [string, Uint8Array]),
    ...ARCHITECTURES.map((a) => [a.name, a.build()] as [string, Uint8Array]),
    ...mixedModels().map((m) => [`mixed ${m.name}`, m.bytes] as [string, Uint8Array]),
  ];
  for (const [name, bytes] of models) {
    const { checked, mismatches } = declaredShapeMismatches(bytes);
    t.ok(checked > 10, `${name}: ${checked} computed tensors`);
    t.same(mismatches, [], `${name}: every computed shape as declared`);
  }
});

/** One case per family, at input shapes other than the case's own (batch > 1, other sizes, other ranks). */
const CASES: ShapeCase[] = [
  { name: 'ADD broadcasting across ranks', op: op('ADD', { inputs: [input([2, 3]), input([3])], outputs: [f32([2, 3])] }), resized: [[4, 1, 3], [5, 3]] },
  { name: 'LESS broadcasting a unit dimension', op: op('LESS', { inputs: [input([2, 3]), input([2, 1])], outputs: [{ shape: [2, 3], dtype: 'bool' }] }), resized: [[3, 1, 4], [2, 1]] },
  { name: 'PRELU with constant alpha', op: op('PRELU', { inputs: [input([1, 4, 4, 3]), constant([1, 1, 3])], outputs: [f32([1, 4, 4, 3])] }), resized: [[2, 6, 5, 3]] },
  { name: 'TANH', op: op('TANH', { inputs: [input([2, 3])], outputs: [f32([2, 3])] }), resized: [[5, 7, 2]] },
  { name: 'SOFTMAX', op: op('SOFTMAX', { inputs: [input([2, 3])], outputs: [f32([2, 3])], options: o.softmax(1) }), resized: [[4, 9]] },
  { name: 'LOCAL_RESPONSE_NORMALIZATION', op: op('LOCAL_RESPONSE_NORMALIZATION', { inputs: [input([1, 2, 2, 8])], outputs: [f32([1, 2, 2, 8])], options: localResponseNormalization({ radius: 2, bias: 1, alpha: 1, beta: 0.5 }) }), resized: [[2, 3, 5, 8]] },
  { name: 'L2_NORMALIZATION', op: op('L2_NORMALIZATION', { inputs: [input([2, 8])], outputs: [f32([2, 8])], options: l2Norm() }), resized: [[3, 4, 6]] },
  { name: 'CONV_2D, SAME, stride 2, batch 3', op: op('CONV_2D', { inputs: [input([1, 8, 8, 3]), constant([4, 3, 3, 3]), constant([4], 4)], outputs: [f32([1, 4, 4, 4])], options: o.conv2d({ stride: [2, 2] }) }), resized: [[3, 11, 9, 3]] },
  { name: 'CONV_2D, VALID, dilation 2', op: op('CONV_2D', { inputs: [input([1, 8, 8, 2]), constant([3, 3, 3, 2]), constant([3], 4)], outputs: [f32([1, 4, 4, 3])], options: o.conv2d({ padding: 'VALID', dilation: [2, 2] }) }), resized: [[2, 9, 12, 2]] },
  { name: 'DEPTHWISE_CONV_2D, multiplier 2, VALID, stride 2', op: op('DEPTHWISE_CONV_2D', { inputs: [input([1, 8, 8, 4]), constant([1, 3, 3, 8])], outputs: [f32([1, 3, 3, 8])], options: o.depthwise({ padding: 'VALID', stride: [2, 2], multiplier: 2 }) }), resized: [[2, 10, 7, 4]] },
  { name: 'TRANSPOSE_CONV (its constant output_shape)', op: op('TRANSPOSE_CONV', { inputs: [i32([1, 8, 8, 2]), constant([2, 3, 3, 3]), input([1, 4, 4, 3])], outputs: [f32([1, 8, 8, 2])], options: o.transposeConv({ stride: [2, 2] }) }), resized: [[1, 4, 4, 3]] },
  { name: 'FULLY_CONNECTED, batch 6', op: op('FULLY_CONNECTED', { inputs: [input([2, 8]), constant([4, 8])], outputs: [f32([2, 4])], options: o.fullyConnected() }), resized: [[6, 8]] },
  { name: 'FULLY_CONNECTED flattening a 3-D input', op: op('FULLY_CONNECTED', { inputs: [input([2, 3, 8]), constant([4, 8])], outputs: [f32([6, 4])], options: o.fullyConnected() }), resized: [[3, 4, 8]] },
  { name: 'FULLY_CONNECTED, keep_num_dims', op: op('FULLY_CONNECTED', { inputs: [input([1, 3, 8]), constant([4, 8])], outputs: [f32([1, 3, 4])], options: o.fullyConnected({ keepNumDims: true }) }), resized: [[2, 5, 8]] },
  { name: 'BATCH_MATMUL broadcasting batch dimensions', op: op('BATCH_MATMUL', { inputs: [input([2, 3, 4]), input([4, 5])], outputs: [f32([2, 3, 5])], options: o.batchMatmul() }), resized: [[3, 2, 6, 4], [1, 4, 7]] },
  { name: 'BATCH_MATMUL, adj_y', op: op('BATCH_MATMUL', { inputs: [input([2, 3, 4]), input([2, 5, 4])], outputs: [f32([2, 3, 5])], options: o.batchMatmul({ adjY: true }) }), resized: [[5, 3, 4], [1, 7, 4]] },
  { name: 'MAX_POOL_2D, SAME, stride 2, batch 3', op: op('MAX_POOL_2D', { inputs: [input([1, 8, 8, 3])], outputs: [f32([1, 4, 4, 3])], options: o.pool({ filter: [2, 2], stride: [2, 2] }) }), resized: [[3, 9, 7, 3]] },
  { name: 'AVERAGE_POOL_2D, VALID', op: op('AVERAGE_POOL_2D', { inputs: [input([1, 8, 8, 2])], outputs: [f32([1, 6, 6, 2])], options: o.pool({ padding: 'VALID', filter: [3, 3] }) }), resized: [[2, 6, 5, 2]] },
  { name: 'MEAN over [1, 2], keep_dims', op: op('MEAN', { inputs: [input([1, 4, 4, 3]), i32([1, 2])], outputs: [f32([1, 1, 1, 3])], options: o.reducer(true) }), resized: [[3, 5, 6, 4]] },
  { name: 'REDUCE_MAX over [0, -1, 0]', op: op('REDUCE_MAX', { inputs: [input([2, 3, 4]), i32([0, -1, 0])], outputs: [f32([3])], options: o.reducer(false) }), resized: [[5, 6, 7]] },
  { name: 'RESHAPE to [-1, 3] (shape input)', op: op('RESHAPE', { inputs: [input([2, 6]), i32([-1, 3])], outputs: [f32([4, 3])] }), resized: [[4, 6]] },
  { name: 'RESHAPE to [2, -1] (options only)', op: op('RESHAPE', { inputs: [input([2, 6])], outputs: [f32([2, 6])], options: o.reshape([2, -1]) }), resized: [[5, 2, 2]] },
  { name: 'SQUEEZE every unit dimension', op: op('SQUEEZE', { inputs: [input([1, 3, 1, 4])], outputs: [f32([3, 4])], options: o.squeeze([]) }), resized: [[1, 5, 1, 1]] },
  { name: 'SQUEEZE axis -2', op: op('SQUEEZE', { inputs: [input([2, 3, 1, 4])], outputs: [f32([2, 3, 4])], options: o.squeeze([-2]) }), resized: [[1, 5, 1, 2]] },
  { name: 'EXPAND_DIMS at -1', op: op('EXPAND_DIMS', { inputs: [input([2, 3]), i32([-1])], outputs: [f32([2, 3, 1])] }), resized: [[4, 5, 6]] },
  { name: 'CONCATENATION along -1', op: op('CONCATENATION', { inputs: [input([2, 3]), input([2, 4])], outputs: [f32([2, 7])], options: o.concatenation(-1) }), resized: [[5, 3], [5, 1]] },
  { name: 'PACK along 1', op: op('PACK', { inputs: [input([2, 3]), input([2, 3])], outputs: [f32([2, 2, 3])], options: lay.pack(2, 1) }), resized: [[4, 5], [4, 5]] },
  { name: 'UNPACK along 0', op: op('UNPACK', { inputs: [input([2, 3])], outputs: [f32([3]), f32([3])], options: lay.unpack(2, 0) }), resized: [[2, 7, 2]] },
  { name: 'SPLIT along 1', op: op('SPLIT', { inputs: [i32([1]), input([2, 4])], outputs: [f32([2, 2]), f32([2, 2])], options: o.split(2) }), resized: [[3, 6]] },
  { name: 'SPLIT_V with a -1 size', op: op('SPLIT_V', { inputs: [input([2, 4]), i32([1, -1]), i32([1])], outputs: [f32([2, 1]), f32([2, 3])], options: lay.splitV(2) }), resized: [[3, 6]] },
  { name: 'SLICE with size -1', op: op('SLICE', { inputs: [input([3, 4]), i32([0, 1]), i32([-1, 2])], outputs: [f32([3, 2])] }), resized: [[5, 6]] },
  { name: 'STRIDED_SLICE, negative strides and begin/end masks', op: op('STRIDED_SLICE', { inputs: [input([4, 6]), i32([1, -1]), i32([0, 0]), i32([1, -2])], outputs: [f32([3, 3])], options: lay.stridedSlice({ endMask: 1 }) }), resized: [[7, 9]] },
  { name: 'STRIDED_SLICE, ellipsis, new axis and shrink', op: op('STRIDED_SLICE', { inputs: [input([2, 3, 4]), i32([0, 0, 1]), i32([0, 0, 3]), i32([1, 1, 1])], outputs: [f32([2, 3, 1])], options: lay.stridedSlice({ ellipsisMask: 1, newAxisMask: 2, shrinkAxisMask: 4 }) }), resized: [[5, 2, 6, 3]] },
  { name: 'STRIDED_SLICE, offset', op: op('STRIDED_SLICE', { inputs: [input([4, 6]), i32([1, 2]), i32([2, 3]), i32([1, 2])], outputs: [f32([2, 2])], options: lay.stridedSlice({ offset: true }) }), resized: [[5, 8]] },
  { name: 'TRANSPOSE', op: op('TRANSPOSE', { inputs: [input([2, 3, 4]), i32([1, 2, 0])], outputs: [f32([3, 4, 2])] }), resized: [[5, 6, 7]] },
  { name: 'REVERSE_V2', op: op('REVERSE_V2', { inputs: [input([2, 3]), i32([1])], outputs: [f32([2, 3])] }), resized: [[4, 5]] },
  { name: 'PAD', op: op('PAD', { inputs: [input([2, 3]), i32([1, 2, 0, 1], [2, 2])], outputs: [f32([5, 4])] }), resized: [[4, 5]] },
  { name: 'MIRROR_PAD, REFLECT', op: op('MIRROR_PAD', { inputs: [input([3, 4]), i32([1, 1, 2, 0], [2, 2])], outputs: [f32([5, 6])], options: lay.mirrorPad('REFLECT') }), resized: [[5, 6]] },
  { name: 'TILE', op: op('TILE', { inputs: [input([2, 3]), i32([2, 1])], outputs: [f32([4, 3])] }), resized: [[4, 5]] },
  { name: 'BROADCAST_TO', op: op('BROADCAST_TO', { inputs: [input([2, 3]), i32([3, 2, 3])], outputs: [f32([3, 2, 3])] }), resized: [[1, 3]], version: 2 },
  { name: 'SPACE_TO_BATCH_ND', op: op('SPACE_TO_BATCH_ND', { inputs: [input([1, 4, 4, 1]), i32([2, 2]), i32([0, 0, 1, 1], [2, 2])], outputs: [f32([4, 2, 3, 1])] }), resized: [[2, 6, 8, 3]] },
  { name: 'BATCH_TO_SPACE_ND', op: op('BATCH_TO_SPACE_ND', { inputs: [input([4, 2, 2, 1]), i32([2, 2]), i32([0, 1, 0, 0], [2, 2])], outputs: [f32([1, 3, 4, 1])] }), resized: [[8, 3, 3, 2]] },
  { name: 'DEPTH_TO_SPACE', op: op('DEPTH_TO_SPACE', { inputs: [input([1, 2, 2, 8])], outputs: [f32([1, 4, 4, 2])], options: o.blockSize('DEPTH_TO_SPACE', 2) }), resized: [[2, 3, 4, 8]] },
  { name: 'SPACE_TO_DEPTH', op: op('SPACE_TO_DEPTH', { inputs: [input([1, 4, 4, 2])], outputs: [f32([1, 2, 2, 8])], options: o.blockSize('SPACE_TO_DEPTH', 2) }), resized: [[3, 6, 2, 1]] },
  { name: 'RESIZE_BILINEAR', op: op('RESIZE_BILINEAR', { inputs: [input([1, 4, 4, 3]), i32([8, 6])], outputs: [f32([1, 8, 6, 3])], options: o.resizeBilinear() }), resized: [[2, 3, 5, 1]] },
  { name: 'RESIZE_NEAREST_NEIGHBOR', op: op('RESIZE_NEAREST_NEIGHBOR', { inputs: [input([1, 4, 4, 3]), i32([8, 6])], outputs: [f32([1, 8, 6, 3])], options: lay.resizeNearest() }), resized: [[3, 2, 2, 2]] },
  { name: 'GATHER along 1', op: op('GATHER', { inputs: [input([3, 4]), input([2], 'int32')], outputs: [f32([3, 2])], options: idx.gather(1) }), resized: [[5, 6], [3, 2]] },
  { name: 'GATHER, batch_dims 1', op: op('GATHER', { inputs: [input([2, 4, 3]), input([2, 5], 'int32')], outputs: [f32([2, 5, 3])], options: idx.gather(1, 1) }), resized: [[3, 6, 2], [3, 4]] },
  { name: 'GATHER_ND', op: op('GATHER_ND', { inputs: [input([4, 3]), input([2, 1], 'int32')], outputs: [f32([2, 3])] }), resized: [[6, 5], [3, 2, 1]] },
  { name: 'SCATTER_ND into its constant shape', op: op('SCATTER_ND', { inputs: [input([2, 1], 'int32'), input([2, 3]), i32([4, 3])], outputs: [f32([4, 3])] }), resized: [[5, 1], [5, 3]] },
  { name: 'EMBEDDING_LOOKUP', op: op('EMBEDDING_LOOKUP', { inputs: [input([2], 'int32'), constant([5, 3])], outputs: [f32([2, 3])] }), resized: [[7]] },
  { name: 'ARG_MAX along 1', op: op('ARG_MAX', { inputs: [input([2, 5]), i32([1])], outputs: [{ shape: [2], dtype: 'int32' }], options: idx.argMinMax('ARG_MAX') }), resized: [[4, 7, 3]] },
  { name: 'TOPK_V2', op: op('TOPK_V2', { inputs: [input([3, 5]), i32([2], [])], outputs: [f32([3, 2]), { shape: [3, 2], dtype: 'int32' }] }), resized: [[4, 2, 6]] },
  { name: 'ONE_HOT along the last axis', op: op('ONE_HOT', { inputs: [input([3], 'int32'), i32([4], []), constant([]), constant([], 5)], outputs: [f32([3, 4])], options: idx.oneHot(-1) }), resized: [[2, 5]] },
  { name: 'SELECT_V2 broadcasting three operands', op: op('SELECT_V2', { inputs: [input([2, 1], 'bool'), input([1, 3]), input([3])], outputs: [f32([2, 3])] }), resized: [[4, 1, 1], [5, 3], [1]] },
  { name: 'SELECT with a rank-1 condition', op: op('SELECT', { inputs: [input([2], 'bool'), input([2, 3]), input([2, 3])], outputs: [f32([2, 3])] }), resized: [[4], [4, 5], [4, 5]] },
  { name: 'CUMSUM', op: op('CUMSUM', { inputs: [input([2, 3]), i32([1], [])], outputs: [f32([2, 3])], options: idx.cumsum() }), resized: [[4, 6]] },
  { name: 'SHAPE', op: op('SHAPE', { inputs: [input([2, 3])], outputs: [{ shape: [2], dtype: 'int32' }], options: idx.shape('INT32') }), resized: [[4, 5, 6]] },
  { name: 'ZEROS_LIKE', op: op('ZEROS_LIKE', { inputs: [input([2, 3])], outputs: [f32([2, 3])] }), resized: [[4, 1, 6]] },
  { name: 'CAST', op: op('CAST', { inputs: [input([2, 3])], outputs: [{ shape: [2, 3], dtype: 'int32' }] }), resized: [[3, 7]] },
  { name: 'NON_MAX_SUPPRESSION_V4 (its constant max_output_size)', op: op('NON_MAX_SUPPRESSION_V4', { inputs: [input([6, 4]), input([6]), i32([3], []), constant([]), f32([], Float32Array.of(-1))], outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }], options: o.empty(BuiltinOptions.NonMaxSuppressionV4Options) }), resized: [[9, 4], [9]] },
  {
    name: 'TFLite_Detection_PostProcess (options size it)',
    op: op('TFLite_Detection_PostProcess', {
      custom: true, inputs: [input([1, 8, 4]), input([1, 8, 3]), f32([8, 4], gridAnchors(8))],
      outputs: [f32([1, 3, 4]), f32([1, 3]), f32([1, 3]), f32([1])],
      customOptions: postprocessOptions({ maxDetections: 3, maxClassesPerDetection: 1, scoreThreshold: 0, iouThreshold: 0.5, numClasses: 2 }),
    }),
    resized: [[1, 8, 4], [1, 8, 3]],
  },
];

t.test('at other input shapes, the rules give the output shapes LiteRT.js computes', async (t) => {
  for (const c of CASES) {
    const [ours, theirs] = [ruleShapes(c), await liteRtShapes(c)];
    t.same(ours, theirs, `${c.name}: ${ours.map((s) => `[${s}]`).join(', ')}`);
  }
});

t.test('refusals name the operator, the shapes and the reason', async (t) => {
  const refuses = (c: ShapeCase, message: RegExp) => t.throws(() => ruleShapes(c), { name: 'ShapeError', code: 'ERR_XNNLITE_SHAPE', message }, c.name);
  const conv = op('CONV_2D', { inputs: [input([1, 8, 8, 3]), constant([4, 3, 3, 3]), constant([4], 4)], outputs: [f32([1, 8, 8, 4])], options: o.conv2d() });
  refuses({ name: 'a rank the operator does not take', op: conv, resized: [[8, 8, 3]] }, /^CONV_2D #0 cannot take inputs of shapes \[8,8,3\], \[4,3,3,3\], \[4\]: input rank \(got 3, expected 4\)$/);
  refuses({ name: 'channels that no longer match the constant filter', op: conv, resized: [[1, 8, 8, 5]] }, /CONV_2D #0 .*input channels \(got 5, expected a multiple of the filter's 3 input channels/);
  refuses({ name: 'an image smaller than a VALID window', op: op('MAX_POOL_2D', { inputs: [input([1, 8, 8, 3])], outputs: [f32([1, 6, 6, 3])], options: o.pool({ padding: 'VALID', filter: [3, 3] }) }), resized: [[1, 2, 8, 3]] },
    /MAX_POOL_2D #0 .*input height and width \(got 2 x 8, expected at least the 3 x 3 window/);
  refuses({ name: 'weights whose depth no longer divides the input', op: op('FULLY_CONNECTED', { inputs: [input([2, 8]), constant([4, 8])], outputs: [f32([2, 4])], options: o.fullyConnected() }), resized: [[3, 5]] },
    /FULLY_CONNECTED #0 .*input elements \(got 15 in \[3,5\], expected a multiple of the weights' depth 8\)/);
  refuses({ name: 'shapes that do not broadcast', op: op('ADD', { inputs: [input([2, 3]), input([3])], outputs: [f32([2, 3])] }), resized: [[2, 3], [4]] },
    /ADD #0 cannot take inputs of shapes \[2,3\], \[4\]: input shapes \(got \[2,3\] and \[4\], expected shapes that broadcast\)/);
  refuses({ name: 'BATCH_MATMUL inner dimensions', op: op('BATCH_MATMUL', { inputs: [input([2, 3, 4]), input([4, 5])], outputs: [f32([2, 3, 5])] }), resized: [[2, 3, 6], [4, 5]] },
    /BATCH_MATMUL #0 .*inner dimensions \(got 6 and 4, expected them equal\)/);
  refuses({ name: 'a constant new shape the input no longer fills', op: op('RESHAPE', { inputs: [input([2, 6]), i32([4, 3])], outputs: [f32([4, 3])] }), resized: [[2, 7]] },
    /RESHAPE #0 .*new shape \(got \[4,3\], expected 14 elements like the input \[2,7\]\)/);
  refuses({ name: 'a constant output_shape of another batch', op: op('TRANSPOSE_CONV', { inputs: [i32([1, 8, 8, 2]), constant([2, 3, 3, 3]), input([1, 4, 4, 3])], outputs: [f32([1, 8, 8, 2])], options: o.transposeConv({ stride: [2, 2] }) }), resized: [[2, 4, 4, 3]] },
    /TRANSPOSE_CONV #0 .*input batch \(got 2, expected 1 as the constant output_shape \[1,8,8,2\] says\)/);
  refuses({ name: 'a slice window past the resized input', op: op('SLICE', { inputs: [input([3, 4]), i32([0, 1]), i32([2, 2])], outputs: [f32([2, 2])] }), resized: [[3, 2]] },
    /SLICE #0 .*slice along axis 1 \(got begin 1 and size 2, expected a window inside 0\.\.2\)/);
});

t.test('an output shape that depends on run-time values says so', async (t) => {
  const refuses = (c: ShapeCase, message: RegExp) => t.throws(() => ruleShapes(c), { name: 'ShapeError', message }, c.name);
  refuses({ name: 'RESHAPE to a computed shape', op: op('RESHAPE', { inputs: [input([2, 6]), input([2], 'int32')], outputs: [f32([4, 3])] }), resized: [[3, 6], [2]] },
    /RESHAPE #0 .*shape \(got a tensor computed at run time, expected a constant: the output shape would depend on run-time values\)/);
  refuses({ name: 'WHERE of a computed condition', op: op('WHERE', { inputs: [input([2, 3], 'bool')], outputs: [{ shape: [3, 2], dtype: 'int64' }] }), resized: [[4, 3]] },
    /WHERE #1 .*output shape depends on the run-time values of input 0 \(the number of true elements\)/);
  refuses({ name: 'TOPK_V2 with a computed k', op: op('TOPK_V2', { inputs: [input([3, 5]), input([], 'int32')], outputs: [f32([3, 2]), { shape: [3, 2], dtype: 'int32' }] }), resized: [[4, 5], []] },
    /TOPK_V2 #0 .*output shape depends on the run-time values of input 1 \(k\)/);
  refuses({ name: 'NON_MAX_SUPPRESSION_V4 with a computed max_output_size', op: op('NON_MAX_SUPPRESSION_V4', { inputs: [input([6, 4]), input([6]), input([], 'int32'), constant([]), constant([])], outputs: [{ shape: [3], dtype: 'int32' }, { shape: [], dtype: 'int32' }] }), resized: [[7, 4], [7], []] },
    /NON_MAX_SUPPRESSION_V4 #0 .*max_output_size \(got a tensor computed at run time, expected a constant: the output shape would depend on run-time values\)/);
  refuses({ name: 'RANGE of a computed limit', op: op('RANGE', { inputs: [i32([0], []), input([], 'int32'), i32([1], [])], outputs: [{ shape: [4], dtype: 'int32' }] }), resized: [[1]] },
    /RANGE #0 .*output shape depends on the run-time values of input 1 \(limit\)/);
});

t.test('constant operands still size the generators', async (t) => {
  const sizes = (c: OpCase) => ruleShapes({ name: c.op, op: c, resized: [] });
  const longs = (values: bigint[]): TensorArg => ({ shape: [values.length], dtype: 'int64', data: new Uint8Array(BigInt64Array.from(values).buffer) });
  t.same(sizes(op('FILL', { inputs: [longs([2n, 0n, 3n]), f32([], Float32Array.of(1))], outputs: [f32([2, 0, 3])] })), [[2, 0, 3]], 'FILL of int64 dims');
  t.same(sizes(op('RANGE', { inputs: [f32([], Float32Array.of(1)), f32([], Float32Array.of(-2)), f32([], Float32Array.of(-0.7))], outputs: [f32([5])] })), [[5]], 'RANGE down by -0.7');
  t.same(sizes(op('WHERE', { inputs: [{ shape: [2, 3], dtype: 'int32', data: Int32Array.of(0, 4, 0, -1, 0, 9) }], outputs: [{ shape: [3, 2], dtype: 'int64' }] })), [[3, 2]], 'WHERE of a constant');
});
