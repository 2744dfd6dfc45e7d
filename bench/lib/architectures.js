'use strict';

// Five architectures users bring (issue 12), written with xnnlite's own model
// writer from dist/ (build it first: npx tsc -p tsconfig.json), with seeded
// weights at realistic sizes. Nothing is written to disk: each builder returns
// the model's bytes, and inputsOf(name) the deterministic inputs the tests and
// the benchmark feed. Shared by test/24-architectures.ts (through
// test/helpers/architectures.ts) and npm run bench.
//
//   yolo-detector        YOLOv8n-like at 160x160: Focus slicing (STRIDED_SLICE
//                        stride 2), SiLU backbone, C2f blocks (SPLIT_V), SPPF,
//                        upsampling neck (RESIZE_NEAREST_NEIGHBOR), LEAKY_RELU
//                        heads, boxes and scores decoded and concatenated.
//   ssd-detector         SSD MobileNetV1-like at 128x128: RELU6 depthwise
//                        separable backbone, four feature maps, box and class
//                        heads, TFLite_Detection_PostProcess with constant anchors.
//   bert-encoder         BERT-like, int32 token ids [1,32], vocabulary 4000,
//                        hidden 128, 2 layers of 4 heads, FFN 512, layer norm as
//                        TFLite writes it, GELU, the attention mask from the ids.
//   movenet-decoder      MoveNet-like at 192x192 (int32 pixels): MobileNetV2
//                        backbone to heatmaps [1,24,24,17] and offsets, then the
//                        keypoint decoding (ARG_MAX, FLOOR_DIV/FLOOR_MOD, GATHER_ND...).
//   deeplab-segmenter    DeepLabV3-like at 128x128: MobileNetV2 backbone at output
//                        stride 8 with atrous depthwise convolutions written as
//                        SPACE_TO_BATCH_ND -> DEPTHWISE_CONV_2D -> BATCH_TO_SPACE_ND,
//                        ASPP (a rate-4 CONV_2D written the same way, image pooling),
//                        RESIZE_BILINEAR, ARG_MAX to int64, CAST to int32.

const path = require('node:path');
const dist = path.join(__dirname, '..', '..', 'dist');
const { writeModel } = require(path.join(dist, 'model', 'writer.js'));
const { Activation, BuiltinOptions, OptionSlot, Padding, TensorType } = require(path.join(dist, 'model', 'schema.js'));
const { builder: flexBuilder } = require('flatbuffers/js/flexbuffers.js');

// ---------------------------------------------------------------------------
// Seeded values

/** A deterministic generator of values in [0, 1) (mulberry32). */
function random(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const product = (shape) => shape.reduce((a, b) => a * b, 1);

// ---------------------------------------------------------------------------
// Options tables (field slots from dist/model/schema.js)

const field = (slot, kind, value) => ({ slot, kind, value });

// BuiltinOptions union members the schema module does not list (schema.fbs numbers).
const BATCH_TO_SPACE_ND_OPTIONS = 24;
const SPACE_TO_BATCH_ND_OPTIONS = 25;

const options = {
  conv2d({ padding = 'SAME', stride = 1, dilation = 1, act = 'NONE' } = {}) {
    const S = OptionSlot.Conv2D;
    return {
      type: BuiltinOptions.Conv2DOptions,
      fields: [field(S.padding, 'i8', Padding[padding]), field(S.strideW, 'i32', stride), field(S.strideH, 'i32', stride),
        field(S.activation, 'i8', Activation[act]), field(S.dilationW, 'i32', dilation), field(S.dilationH, 'i32', dilation)],
    };
  },
  depthwise({ padding = 'SAME', stride = 1, dilation = 1, act = 'NONE', multiplier = 1 } = {}) {
    const S = OptionSlot.DepthwiseConv2D;
    return {
      type: BuiltinOptions.DepthwiseConv2DOptions,
      fields: [field(S.padding, 'i8', Padding[padding]), field(S.strideW, 'i32', stride), field(S.strideH, 'i32', stride),
        field(S.depthMultiplier, 'i32', multiplier), field(S.activation, 'i8', Activation[act]),
        field(S.dilationW, 'i32', dilation), field(S.dilationH, 'i32', dilation)],
    };
  },
  pool({ padding = 'SAME', stride = 1, filter }) {
    const S = OptionSlot.Pool2D;
    return {
      type: BuiltinOptions.Pool2DOptions,
      fields: [field(S.padding, 'i8', Padding[padding]), field(S.strideW, 'i32', stride), field(S.strideH, 'i32', stride),
        field(S.filterW, 'i32', filter), field(S.filterH, 'i32', filter), field(S.activation, 'i8', 0)],
    };
  },
  fullyConnected({ act = 'NONE', keepNumDims = false } = {}) {
    const S = OptionSlot.FullyConnected;
    return { type: BuiltinOptions.FullyConnectedOptions, fields: [field(S.activation, 'i8', Activation[act]), field(S.keepNumDims, 'bool', keepNumDims)] };
  },
  arithmetic(op, act = 'NONE') {
    const type = { ADD: BuiltinOptions.AddOptions, SUB: BuiltinOptions.SubOptions, MUL: BuiltinOptions.MulOptions, DIV: BuiltinOptions.DivOptions }[op];
    return { type, fields: [field(OptionSlot.Arithmetic.activation, 'i8', Activation[act])] };
  },
  concatenation(axis) {
    return { type: BuiltinOptions.ConcatenationOptions, fields: [field(OptionSlot.Concatenation.axis, 'i32', axis), field(OptionSlot.Concatenation.activation, 'i8', 0)] };
  },
  reshape(shape) {
    return { type: BuiltinOptions.ReshapeOptions, fields: [field(OptionSlot.Reshape.newShape, 'i32[]', shape)] };
  },
  softmax(beta) {
    return { type: BuiltinOptions.SoftmaxOptions, fields: [field(OptionSlot.Softmax.beta, 'f32', beta)] };
  },
  reducer(keepDims) {
    return { type: BuiltinOptions.ReducerOptions, fields: [field(OptionSlot.Reducer.keepDims, 'bool', keepDims)] };
  },
  resizeBilinear({ alignCorners = false, halfPixelCenters = false } = {}) {
    const S = OptionSlot.ResizeBilinear;
    return { type: BuiltinOptions.ResizeBilinearOptions, fields: [field(S.alignCorners, 'bool', alignCorners), field(S.halfPixelCenters, 'bool', halfPixelCenters)] };
  },
  resizeNearest({ alignCorners = false, halfPixelCenters = false } = {}) {
    const S = OptionSlot.ResizeNearestNeighbor;
    return { type: BuiltinOptions.ResizeNearestNeighborOptions, fields: [field(S.alignCorners, 'bool', alignCorners), field(S.halfPixelCenters, 'bool', halfPixelCenters)] };
  },
  splitV(numSplits) {
    return { type: BuiltinOptions.SplitVOptions, fields: [field(OptionSlot.SplitV.numSplits, 'i32', numSplits)] };
  },
  stridedSlice({ beginMask = 0, endMask = 0, shrinkAxisMask = 0 } = {}) {
    const S = OptionSlot.StridedSlice;
    return {
      type: BuiltinOptions.StridedSliceOptions,
      fields: [field(S.beginMask, 'i32', beginMask), field(S.endMask, 'i32', endMask), field(S.ellipsisMask, 'i32', 0),
        field(S.newAxisMask, 'i32', 0), field(S.shrinkAxisMask, 'i32', shrinkAxisMask), field(S.offset, 'bool', false)],
    };
  },
  leakyRelu(alpha) {
    return { type: BuiltinOptions.LeakyReluOptions, fields: [field(OptionSlot.LeakyRelu.alpha, 'f32', alpha)] };
  },
  batchMatmul({ adjX = false, adjY = false } = {}) {
    return { type: BuiltinOptions.BatchMatMulOptions, fields: [field(OptionSlot.BatchMatMul.adjX, 'bool', adjX), field(OptionSlot.BatchMatMul.adjY, 'bool', adjY)] };
  },
  gather(axis) {
    return { type: BuiltinOptions.GatherOptions, fields: [field(OptionSlot.Gather.axis, 'i32', axis), field(OptionSlot.Gather.batchDims, 'i32', 0)] };
  },
  argMax(outputType) {
    return { type: BuiltinOptions.ArgMaxOptions, fields: [field(OptionSlot.ArgMinMax.outputType, 'i8', TensorType[outputType])] };
  },
  pack(count, axis) {
    return { type: BuiltinOptions.PackOptions, fields: [field(OptionSlot.Pack.valuesCount, 'i32', count), field(OptionSlot.Pack.axis, 'i32', axis)] };
  },
  gelu(approximate) {
    return { type: BuiltinOptions.GeluOptions, fields: [field(OptionSlot.Gelu.approximate, 'bool', approximate)] };
  },
  /** The empty options table TFLite's converter writes for some operators. */
  empty(type) {
    return { type, fields: [] };
  },
};

/** TFLite_Detection_PostProcess's flexbuffer map (keys sorted, floats 32-bit as the converter writes them). */
function postprocessOptions(entries) {
  const b = flexBuilder();
  b.startMap();
  for (const key of Object.keys(entries).sort()) {
    const v = entries[key];
    b.addKey(key);
    if (typeof v === 'boolean') b.add(v);
    else if (Number.isInteger(v) && !key.endsWith('_scale') && !key.endsWith('threshold')) b.addInt(v);
    else b.addFloat(Math.fround(v));
  }
  b.end();
  return b.finish();
}

// ---------------------------------------------------------------------------
// A graph under construction: tensors (shapes worked out as each op is
// added), operators in execution order, and the layers these models use.

class Graph {
  constructor(seed) {
    this.tensors = [];
    this.operators = [];
    this.inputs = [];
    this.outputs = [];
    this.next = random(seed);
    this.names = new Map();
  }

  add(name, shape, dtype = 'float32', data = undefined) {
    const n = this.names.get(name) ?? 0;
    this.names.set(name, n + 1);
    this.tensors.push({ name: n ? `${name}_${n}` : name, shape, dtype, data });
    return { id: this.tensors.length - 1, shape, dtype };
  }

  input(name, shape, dtype = 'float32') {
    const t = this.add(name, shape, dtype);
    this.inputs.push(t.id);
    return t;
  }

  output(t, name) {
    this.tensors[t.id].name = name;
    this.outputs.push(t.id);
    return t;
  }

  constant(name, shape, data, dtype = 'float32') {
    return this.add(name, shape, dtype, data);
  }

  ints(name, values, shape = [values.length]) {
    return this.constant(name, shape, Int32Array.from(values), 'int32');
  }

  floats(name, values, shape = [values.length]) {
    return this.constant(name, shape, Float32Array.from(values));
  }

  scalar(name, value) {
    return this.floats(name, [value], []);
  }

  /** Weights uniform in [-a, a]. */
  uniform(name, shape, a, mean = 0) {
    return this.constant(name, shape, Float32Array.from({ length: product(shape) }, () => mean + (2 * this.next() - 1) * a));
  }

  /** Adds an operator; `outputs` are [name, shape, dtype?]; returns the output tensors. */
  op(op, inputs, outputs, opOptions = undefined, extra = {}) {
    const outs = outputs.map(([name, shape, dtype]) => this.add(name, shape, dtype));
    this.operators.push({ op, inputs: inputs.map((t) => (t ? t.id : -1)), outputs: outs.map((t) => t.id), options: opOptions, ...extra });
    return outs;
  }

  op1(op, inputs, name, shape, dtype, opOptions) {
    return this.op(op, inputs, [[name, shape, dtype]], opOptions)[0];
  }

  bytes(description) {
    return writeModel({
      description,
      subgraphs: [{ name: 'main', tensors: this.tensors, inputs: this.inputs, outputs: this.outputs, operators: this.operators }],
    });
  }

  // --- layers ---------------------------------------------------------------

  /** CONV_2D with a bias (batch norm folded in, as converters write it); He-uniform weights. */
  conv(x, cout, k, { stride = 1, padding = 'SAME', dilation = 1, act = 'NONE', gain = 6, biasMean = 0, name = 'conv' } = {}) {
    const [n, h, w, cin] = x.shape;
    const weights = this.uniform(`${name}/weights`, [cout, k, k, cin], Math.sqrt(gain / (k * k * cin)));
    const bias = this.uniform(`${name}/bias`, [cout], 0.1, biasMean);
    const size = (d) => (padding === 'SAME' ? Math.ceil(d / stride) : Math.floor((d - dilation * (k - 1) - 1) / stride) + 1);
    return this.op1('CONV_2D', [x, weights, bias], name, [n, size(h), size(w), cout], 'float32', options.conv2d({ stride, padding, dilation, act }));
  }

  depthwise(x, k, { stride = 1, padding = 'SAME', dilation = 1, act = 'NONE', name = 'depthwise' } = {}) {
    const [n, h, w, c] = x.shape;
    const weights = this.uniform(`${name}/weights`, [1, k, k, c], Math.sqrt(6 / (k * k)));
    const bias = this.uniform(`${name}/bias`, [c], 0.1);
    const size = (d) => (padding === 'SAME' ? Math.ceil(d / stride) : Math.floor((d - dilation * (k - 1) - 1) / stride) + 1);
    return this.op1('DEPTHWISE_CONV_2D', [x, weights, bias], name, [n, size(h), size(w), c], 'float32', options.depthwise({ stride, padding, dilation, act }));
  }

  fullyConnected(x, units, { act = 'NONE', keepNumDims = false, gain = 3, name = 'dense' } = {}) {
    const inner = x.shape[x.shape.length - 1];
    const weights = this.uniform(`${name}/weights`, [units, inner], Math.sqrt(gain / inner));
    const bias = this.uniform(`${name}/bias`, [units], 0.05);
    const shape = keepNumDims ? [...x.shape.slice(0, -1), units] : [product(x.shape) / inner, units];
    return this.op1('FULLY_CONNECTED', [x, weights, bias], name, shape, 'float32', options.fullyConnected({ act, keepNumDims }));
  }

  binary(op, a, b, { act = 'NONE', name = op.toLowerCase() } = {}) {
    const rank = Math.max(a.shape.length, b.shape.length);
    const pad = (s) => [...Array(rank - s.length).fill(1), ...s];
    const [sa, sb] = [pad(a.shape), pad(b.shape)];
    const shape = sa.map((d, i) => (d === 1 ? sb[i] : d));
    const opOptions = ['ADD', 'SUB', 'MUL', 'DIV'].includes(op) ? options.arithmetic(op, act)
      : op === 'SQUARED_DIFFERENCE' ? options.empty(BuiltinOptions.SquaredDifferenceOptions)
        : op === 'FLOOR_DIV' ? options.empty(BuiltinOptions.FloorDivOptions)
          : op === 'FLOOR_MOD' ? options.empty(BuiltinOptions.FloorModOptions)
            : op === 'NOT_EQUAL' ? options.empty(BuiltinOptions.NotEqualOptions)
              : ['MAXIMUM', 'MINIMUM'].includes(op) ? options.empty(BuiltinOptions.MaximumMinimumOptions) : undefined;
    const dtype = op === 'NOT_EQUAL' ? 'bool' : a.dtype;
    return this.op1(op, [a, b], name, shape, dtype, opOptions);
  }

  unary(op, x, { name = op.toLowerCase(), dtype = x.dtype, opOptions = undefined } = {}) {
    const table = { EXP: BuiltinOptions.ExpOptions, NEG: BuiltinOptions.NegOptions };
    return this.op1(op, [x], name, x.shape, dtype, opOptions ?? (table[op] !== undefined ? options.empty(table[op]) : undefined));
  }

  /** SiLU as converters write it: LOGISTIC, then MUL. */
  silu(x, name = 'silu') {
    return this.binary('MUL', x, this.unary('LOGISTIC', x, { name: `${name}/sigmoid` }), { name });
  }

  leakyRelu(x, alpha = 0.1, name = 'leaky_relu') {
    return this.op1('LEAKY_RELU', [x], name, x.shape, 'float32', options.leakyRelu(alpha));
  }

  reshape(x, shape, name = 'reshape') {
    return this.op1('RESHAPE', [x, this.ints(`${name}/shape`, shape)], name, shape, x.dtype, options.reshape(shape));
  }

  transpose(x, perm, name = 'transpose') {
    return this.op1('TRANSPOSE', [x, this.ints(`${name}/perm`, perm)], name, perm.map((p) => x.shape[p]), x.dtype, options.empty(BuiltinOptions.TransposeOptions));
  }

  concat(values, axis, name = 'concat') {
    const a = axis < 0 ? values[0].shape.length + axis : axis;
    const shape = values[0].shape.map((d, i) => (i === a ? values.reduce((s, v) => s + v.shape[i], 0) : d));
    return this.op1('CONCATENATION', values, name, shape, values[0].dtype, options.concatenation(axis));
  }

  splitV(x, sizes, axis, name = 'split') {
    const outs = sizes.map((s, k) => [`${name}/${k}`, x.shape.map((d, i) => (i === axis ? s : d)), x.dtype]);
    return this.op('SPLIT_V', [x, this.ints(`${name}/sizes`, sizes), this.ints(`${name}/axis`, [axis], [])], outs, options.splitV(sizes.length));
  }

  /** MEAN, SUM, REDUCE_MAX over constant axes. */
  reduce(op, x, axes, keepDims, name = op.toLowerCase()) {
    const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
    return this.op1(op, [x, this.ints(`${name}/axes`, axes)], name, shape, x.dtype, options.reducer(keepDims));
  }

  cast(x, dtype, name = 'cast') {
    return this.op1('CAST', [x], name, x.shape, dtype);
  }

  /** A dilated convolution as TFLite writes it: SPACE_TO_BATCH_ND, a VALID convolution, BATCH_TO_SPACE_ND (SAME padding, sizes divisible by the rate). */
  atrous(x, rate, k, convolve, name = 'atrous') {
    const [n, h, w, c] = x.shape;
    const pad = (rate * (k - 1)) / 2;
    const [ph, pw] = [(h + 2 * pad) / rate, (w + 2 * pad) / rate];
    if (!Number.isInteger(ph) || !Number.isInteger(pw)) throw new Error('atrous: sizes must divide by the rate');
    const block = this.ints(`${name}/block_shape`, [rate, rate]);
    const batched = this.op1('SPACE_TO_BATCH_ND', [x, block, this.ints(`${name}/paddings`, [pad, pad, pad, pad], [2, 2])],
      `${name}/space_to_batch`, [n * rate * rate, ph, pw, c], 'float32', options.empty(SPACE_TO_BATCH_ND_OPTIONS));
    const y = convolve(batched);
    const [, oh, ow, oc] = y.shape;
    return this.op1('BATCH_TO_SPACE_ND', [y, this.ints(`${name}/block_shape_1`, [rate, rate]), this.ints(`${name}/crops`, [0, 0, 0, 0], [2, 2])],
      `${name}/batch_to_space`, [n, oh * rate, ow * rate, oc], 'float32', options.empty(BATCH_TO_SPACE_ND_OPTIONS));
  }

  /** MobileNetV2's inverted residual block: 1x1 expansion (RELU6), 3x3 depthwise (RELU6, strided or atrous), linear 1x1 projection, residual when shapes allow. */
  invertedResidual(x, expansion, cout, { stride = 1, rate = 1, name = 'block' } = {}) {
    const cin = x.shape[3];
    let y = expansion === 1 ? x : this.conv(x, cin * expansion, 1, { act: 'RELU6', name: `${name}/expand` });
    y = rate === 1
      ? this.depthwise(y, 3, { stride, act: 'RELU6', name: `${name}/depthwise` })
      : this.atrous(y, rate, 3, (b) => this.depthwise(b, 3, { padding: 'VALID', act: 'RELU6', name: `${name}/depthwise` }), `${name}/atrous`);
    y = this.conv(y, cout, 1, { gain: 3, name: `${name}/project` });
    return stride === 1 && cin === cout ? this.binary('ADD', x, y, { name: `${name}/add` }) : y;
  }
}

// ---------------------------------------------------------------------------
// 1. YOLO-style detector

/** Conv + SiLU, YOLOv8's Conv block. */
function convSilu(g, x, cout, k, stride, name) {
  return g.silu(g.conv(x, cout, k, { stride, name }), `${name}/silu`);
}

/** YOLOv8's C2f: 1x1 conv, SPLIT_V in halves, bottlenecks on the second half, everything concatenated, 1x1 conv. */
function c2f(g, x, cout, n, shortcut, name) {
  const h = cout / 2;
  const y = convSilu(g, x, 2 * h, 1, 1, `${name}/cv1`);
  const parts = g.splitV(y, [h, h], 3, `${name}/split`);
  for (let i = 0; i < n; i++) {
    const last = parts[parts.length - 1];
    let b = convSilu(g, last, h, 3, 1, `${name}/m${i}/cv1`);
    b = convSilu(g, b, h, 3, 1, `${name}/m${i}/cv2`);
    parts.push(shortcut ? g.binary('ADD', last, b, { name: `${name}/m${i}/add` }) : b);
  }
  return convSilu(g, g.concat(parts, 3, `${name}/concat`), cout, 1, 1, `${name}/cv2`);
}

function yoloDetector({ size = 160, classes = 80 } = {}) {
  const g = new Graph(101);
  const image = g.input('images', [1, size, size, 3]);
  // Focus (space-to-depth by slicing): x[:, ::2, ::2], x[:, 1::2, ::2], x[:, ::2, 1::2], x[:, 1::2, 1::2].
  const half = size / 2;
  const slices = [[0, 0], [1, 0], [0, 1], [1, 1]].map(([dy, dx], k) => g.op1('STRIDED_SLICE',
    [image, g.ints(`focus/begin${k}`, [0, dy, dx, 0]), g.ints(`focus/end${k}`, [1, size, size, 3]), g.ints(`focus/strides${k}`, [1, 2, 2, 1])],
    `focus/slice${k}`, [1, half, half, 3], 'float32', options.stridedSlice()));
  let x = convSilu(g, g.concat(slices, 3, 'focus/concat'), 16, 3, 1, 'focus/conv');
  x = convSilu(g, x, 32, 3, 2, 'stage1/conv');
  x = c2f(g, x, 32, 1, true, 'stage1/c2f');
  x = convSilu(g, x, 64, 3, 2, 'stage2/conv');
  const p3 = c2f(g, x, 64, 2, true, 'stage2/c2f');
  x = convSilu(g, p3, 128, 3, 2, 'stage3/conv');
  const p4 = c2f(g, x, 128, 2, true, 'stage3/c2f');
  x = convSilu(g, p4, 256, 3, 2, 'stage4/conv');
  x = c2f(g, x, 256, 1, true, 'stage4/c2f');
  // SPPF: three chained 5x5 max pools, concatenated.
  const s = convSilu(g, x, 128, 1, 1, 'sppf/cv1');
  const pools = [s];
  for (let i = 0; i < 3; i++) pools.push(g.op1('MAX_POOL_2D', [pools[i]], `sppf/pool${i}`, s.shape, 'float32', options.pool({ filter: 5 })));
  const p5 = convSilu(g, g.concat(pools, 3, 'sppf/concat'), 256, 1, 1, 'sppf/cv2');
  // Neck: top-down with nearest-neighbour upsampling, then bottom-up.
  const up = (t, name) => g.op1('RESIZE_NEAREST_NEIGHBOR', [t, g.ints(`${name}/size`, [t.shape[1] * 2, t.shape[2] * 2])], name,
    [1, t.shape[1] * 2, t.shape[2] * 2, t.shape[3]], 'float32', options.resizeNearest());
  const n4 = c2f(g, g.concat([up(p5, 'neck/up1'), p4], 3, 'neck/concat1'), 128, 1, false, 'neck/c2f1');
  const out3 = c2f(g, g.concat([up(n4, 'neck/up2'), p3], 3, 'neck/concat2'), 64, 1, false, 'neck/c2f2');
  const out4 = c2f(g, g.concat([convSilu(g, out3, 64, 3, 2, 'neck/down1'), n4], 3, 'neck/concat3'), 128, 1, false, 'neck/c2f3');
  const out5 = c2f(g, g.concat([convSilu(g, out4, 128, 3, 2, 'neck/down2'), p5], 3, 'neck/concat4'), 256, 1, false, 'neck/c2f4');
  // Heads: a box branch and a class branch per scale (LEAKY_RELU), concatenated per cell, flattened, all scales concatenated.
  const strides = [8, 16, 32];
  const flat = [out3, out4, out5].map((f, i) => {
    const name = `head${i}`;
    let box = g.leakyRelu(g.conv(f, 64, 3, { name: `${name}/box1` }), 0.1, `${name}/box1/act`);
    box = g.leakyRelu(g.conv(box, 64, 3, { name: `${name}/box2` }), 0.1, `${name}/box2/act`);
    box = g.conv(box, 4, 1, { gain: 3, name: `${name}/box3` });
    let cls = g.leakyRelu(g.conv(f, classes, 3, { name: `${name}/cls1` }), 0.1, `${name}/cls1/act`);
    cls = g.leakyRelu(g.conv(cls, classes, 3, { name: `${name}/cls2` }), 0.1, `${name}/cls2/act`);
    // A prior of about 5% per class (bias -3), and weights large enough to spread the scores.
    cls = g.conv(cls, classes, 1, { gain: 40, biasMean: -3, name: `${name}/cls3` });
    const cell = g.concat([box, cls], 3, `${name}/concat`);
    return g.reshape(cell, [1, f.shape[1] * f.shape[2], 4 + classes], `${name}/reshape`);
  });
  const all = g.concat(flat, 1, 'head/concat');
  const anchors = all.shape[1];
  const [rawBoxes, rawScores] = g.splitV(all, [4, classes], 2, 'head/split');
  // Boxes: (2 sigmoid - 0.5 + cell) * stride for the centre, 4 sigmoid * stride for the size, as one scale and one offset per anchor.
  const scale = new Float32Array(anchors * 4);
  const offset = new Float32Array(anchors * 4);
  let a = 0;
  [out3, out4, out5].forEach((f, i) => {
    const st = strides[i];
    for (let y = 0; y < f.shape[1]; y++) {
      for (let x2 = 0; x2 < f.shape[2]; x2++, a++) {
        scale.set([2 * st, 2 * st, 4 * st, 4 * st], 4 * a);
        offset.set([(x2 - 0.5) * st, (y - 0.5) * st, 0, 0], 4 * a);
      }
    }
  });
  const boxes = g.binary('ADD', g.binary('MUL', g.unary('LOGISTIC', rawBoxes, { name: 'decode/sigmoid' }), g.constant('decode/scale', [1, anchors, 4], scale), { name: 'decode/scale' }),
    g.constant('decode/offset', [1, anchors, 4], offset), { name: 'decode/boxes' });
  const scores = g.unary('LOGISTIC', rawScores, { name: 'decode/scores' });
  g.output(g.concat([boxes, scores], 2, 'detections'), 'detections');
  return g.bytes('YOLO-style detector (xnnlite test architecture)');
}

// ---------------------------------------------------------------------------
// 2. SSD-style detector

/** SSD's anchor generator: per cell, one anchor per aspect ratio, [y, x, h, w]. */
function ssdAnchors(maps, ratios) {
  const scales = maps.map((_, i) => 0.2 + ((0.95 - 0.2) * i) / (maps.length - 1));
  const out = [];
  maps.forEach((size, i) => {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (const r of ratios) out.push((y + 0.5) / size, (x + 0.5) / size, scales[i] / Math.sqrt(r), scales[i] * Math.sqrt(r));
      }
    }
  });
  return Float32Array.from(out);
}

function ssdDetector({ size = 128, classes = 20, maxDetections = 10 } = {}) {
  const g = new Graph(202);
  const image = g.input('normalized_input_image_tensor', [1, size, size, 3]);
  const separable = (x, cout, stride, name) => g.conv(g.depthwise(x, 3, { stride, act: 'RELU6', name: `${name}/depthwise` }), cout, 1, { act: 'RELU6', name: `${name}/pointwise` });
  let x = g.conv(image, 32, 3, { stride: 2, act: 'RELU6', name: 'conv0' });
  x = separable(x, 64, 1, 'sep1');
  x = separable(x, 128, 2, 'sep2');
  x = separable(x, 128, 1, 'sep3');
  x = separable(x, 256, 2, 'sep4');
  const f1 = separable(x, 256, 1, 'sep5');
  x = separable(f1, 512, 2, 'sep6');
  for (let i = 0; i < 3; i++) x = separable(x, 512, 1, `sep${7 + i}`);
  const f2 = x;
  const extra = (t, mid, cout, name) => g.conv(g.conv(t, mid, 1, { act: 'RELU6', name: `${name}/1x1` }), cout, 3, { stride: 2, act: 'RELU6', name: `${name}/3x3` });
  const f3 = extra(f2, 128, 256, 'extra1');
  const f4 = extra(f3, 64, 128, 'extra2');
  const ratios = [1, 2, 0.5];
  const perCell = ratios.length;
  const maps = [f1, f2, f3, f4];
  const boxes = [];
  const logits = [];
  maps.forEach((f, i) => {
    const cells = f.shape[1] * f.shape[2] * perCell;
    boxes.push(g.reshape(g.conv(f, perCell * 4, 3, { gain: 3, name: `box_predictor${i}` }), [1, cells, 4], `box_predictor${i}/reshape`));
    logits.push(g.reshape(g.conv(f, perCell * (classes + 1), 3, { gain: 3, biasMean: -2, name: `class_predictor${i}` }), [1, cells, classes + 1], `class_predictor${i}/reshape`));
  });
  const encodings = g.concat(boxes, 1, 'box_encodings');
  const scores = g.unary('LOGISTIC', g.concat(logits, 1, 'class_predictions'), { name: 'class_scores' });
  const n = encodings.shape[1];
  const anchors = g.constant('anchors', [n, 4], ssdAnchors(maps.map((f) => f.shape[1]), ratios));
  const custom = postprocessOptions({
    max_detections: maxDetections, max_classes_per_detection: 1, detections_per_class: 100, use_regular_nms: false,
    nms_score_threshold: 0.3, nms_iou_threshold: 0.6, num_classes: classes, y_scale: 10, x_scale: 10, h_scale: 5, w_scale: 5,
  });
  const outs = g.op('TFLite_Detection_PostProcess', [encodings, scores, anchors],
    [['detection_boxes', [1, maxDetections, 4]], ['detection_classes', [1, maxDetections]], ['detection_scores', [1, maxDetections]], ['num_detections', [1]]],
    undefined, { custom: true, customOptions: custom });
  ['detection_boxes', 'detection_classes', 'detection_scores', 'num_detections'].forEach((name, k) => g.output(outs[k], name));
  return g.bytes('SSD-style detector (xnnlite test architecture)');
}

// ---------------------------------------------------------------------------
// 3. BERT-style text encoder

/** Layer normalization as TFLite's converter writes it: MEAN, SQUARED_DIFFERENCE, MEAN, ADD epsilon, RSQRT, SUB, MUL, MUL gamma, ADD beta. */
function layerNorm(g, x, name) {
  const hidden = x.shape[x.shape.length - 1];
  const axis = x.shape.length - 1;
  const mean = g.reduce('MEAN', x, [axis], true, `${name}/mean`);
  const variance = g.reduce('MEAN', g.binary('SQUARED_DIFFERENCE', x, mean, { name: `${name}/squared_difference` }), [axis], true, `${name}/variance`);
  const inv = g.unary('RSQRT', g.binary('ADD', variance, g.scalar(`${name}/epsilon`, 1e-12), { name: `${name}/add_epsilon` }), { name: `${name}/rsqrt` });
  const normed = g.binary('MUL', g.binary('SUB', x, mean, { name: `${name}/sub` }), inv, { name: `${name}/normalized` });
  const gamma = g.uniform(`${name}/gamma`, [hidden], 0.2, 1);
  const beta = g.uniform(`${name}/beta`, [hidden], 0.1);
  return g.binary('ADD', g.binary('MUL', normed, gamma, { name: `${name}/scale` }), beta, { name: `${name}/output` });
}

function bertEncoder({ vocab = 4000, sequence = 32, hidden = 128, heads = 4, intermediate = 512, layers = 2 } = {}) {
  const g = new Graph(303);
  const headSize = hidden / heads;
  const ids = g.input('input_ids', [1, sequence], 'int32');
  // Embeddings: word GATHER, position and token-type (type 0) embeddings added, layer norm.
  const table = g.uniform('embeddings/word', [vocab, hidden], 0.5);
  const words = g.op1('GATHER', [table, ids], 'embeddings/gather', [1, sequence, hidden], 'float32', options.gather(0));
  const positions = g.uniform('embeddings/position', [1, sequence, hidden], 0.2);
  const tokenType = g.uniform('embeddings/token_type', [hidden], 0.1);
  let x = g.binary('ADD', g.binary('ADD', words, positions, { name: 'embeddings/add_position' }), tokenType, { name: 'embeddings/add_token_type' });
  x = layerNorm(g, x, 'embeddings/layer_norm');
  // The extended attention mask: (1 - (ids != 0)) * -10000, from the ids reshaped (int32) to [1, 1, 1, sequence].
  const idsB = g.reshape(ids, [1, 1, 1, sequence], 'attention_mask/reshape');
  const present = g.cast(g.binary('NOT_EQUAL', idsB, g.ints('attention_mask/pad_id', [0], []), { name: 'attention_mask/not_equal' }), 'float32', 'attention_mask/cast');
  const mask = g.binary('MUL', g.binary('SUB', g.scalar('attention_mask/one', 1), present, { name: 'attention_mask/sub' }), g.scalar('attention_mask/minus', -10000), { name: 'attention_mask/mul' });
  const toHeads = (t, name) => g.transpose(g.reshape(t, [1, sequence, heads, headSize], `${name}/reshape`), [0, 2, 1, 3], `${name}/transpose`);
  for (let l = 0; l < layers; l++) {
    const name = `layer${l}`;
    const q = toHeads(g.fullyConnected(x, hidden, { name: `${name}/query` }), `${name}/query`);
    const k = toHeads(g.fullyConnected(x, hidden, { name: `${name}/key` }), `${name}/key`);
    const v = toHeads(g.fullyConnected(x, hidden, { name: `${name}/value` }), `${name}/value`);
    let scores = g.op1('BATCH_MATMUL', [q, k], `${name}/scores`, [1, heads, sequence, sequence], 'float32', options.batchMatmul({ adjY: true }));
    scores = g.binary('ADD', g.binary('MUL', scores, g.scalar(`${name}/scale`, 1 / Math.sqrt(headSize)), { name: `${name}/scaled` }), mask, { name: `${name}/masked` });
    const probs = g.op1('SOFTMAX', [scores], `${name}/softmax`, scores.shape, 'float32', options.softmax(1));
    const context = g.op1('BATCH_MATMUL', [probs, v], `${name}/context`, [1, heads, sequence, headSize], 'float32', options.batchMatmul());
    const merged = g.reshape(g.transpose(context, [0, 2, 1, 3], `${name}/context/transpose`), [1, sequence, hidden], `${name}/context/reshape`);
    const attended = g.reshape(g.fullyConnected(merged, hidden, { name: `${name}/attention_output` }), [1, sequence, hidden], `${name}/attention_output/reshape`);
    x = layerNorm(g, g.binary('ADD', attended, x, { name: `${name}/attention_residual` }), `${name}/attention_norm`);
    const inner = g.op1('GELU', [g.fullyConnected(x, intermediate, { name: `${name}/intermediate` })], `${name}/gelu`, [sequence, intermediate], 'float32', options.gelu(true));
    const out = g.reshape(g.fullyConnected(inner, hidden, { name: `${name}/output` }), [1, sequence, hidden], `${name}/output/reshape`);
    x = layerNorm(g, g.binary('ADD', out, x, { name: `${name}/output_residual` }), `${name}/output_norm`);
  }
  g.output(x, 'last_hidden_state');
  // Pooler: the first token ([CLS]) through a dense layer, then TANH (converters fuse only RELU, RELU6 and RELU_N1_TO_1 into FULLY_CONNECTED).
  const first = g.op1('STRIDED_SLICE', [x, g.ints('pooler/begin', [0, 0, 0]), g.ints('pooler/end', [1, 1, hidden]), g.ints('pooler/strides', [1, 1, 1])],
    'pooler/first_token', [1, hidden], 'float32', options.stridedSlice({ shrinkAxisMask: 2 }));
  g.output(g.unary('TANH', g.fullyConnected(first, hidden, { name: 'pooler/dense' }), { name: 'pooler/tanh' }), 'pooled_output');
  return g.bytes('BERT-style text encoder (xnnlite test architecture)');
}

// ---------------------------------------------------------------------------
// 4. MoveNet-style keypoint decoder

function moveNetDecoder({ size = 192, keypoints = 17 } = {}) {
  const g = new Graph(404);
  const pixels = g.input('input', [1, size, size, 3], 'int32');
  // int32 pixels 0..255 to [-1, 1].
  let x = g.binary('SUB', g.binary('MUL', g.cast(pixels, 'float32', 'preprocess/cast'), g.scalar('preprocess/scale', 1 / 127.5), { name: 'preprocess/mul' }),
    g.scalar('preprocess/one', 1), { name: 'preprocess/sub' });
  x = g.conv(x, 32, 3, { stride: 2, act: 'RELU6', name: 'stem' });
  x = g.invertedResidual(x, 1, 16, { name: 'block1' });
  x = g.invertedResidual(x, 6, 24, { stride: 2, name: 'block2' });
  x = g.invertedResidual(x, 6, 24, { name: 'block3' });
  x = g.invertedResidual(x, 6, 32, { stride: 2, name: 'block4' });
  x = g.invertedResidual(x, 6, 32, { name: 'block5' });
  x = g.invertedResidual(x, 6, 32, { name: 'block6' });
  x = g.invertedResidual(x, 6, 64, { name: 'block7' });
  x = g.invertedResidual(x, 6, 64, { name: 'block8' });
  const head = (channels, name) => {
    let h = g.depthwise(x, 3, { act: 'RELU', name: `${name}/depthwise` });
    h = g.conv(h, 96, 1, { act: 'RELU', name: `${name}/pointwise` });
    return g.conv(h, channels, 1, { gain: 3, name: `${name}/output` });
  };
  const heatmap = head(keypoints, 'heatmap');
  const offsets = head(2 * keypoints, 'offsets');
  const [, h, w] = heatmap.shape;
  // Decoding: the peak of each keypoint's heatmap over the flattened grid.
  const flat = g.reshape(heatmap, [1, h * w, keypoints], 'decode/flatten');
  const peak = g.op1('ARG_MAX', [flat, g.ints('decode/argmax_axis', [1])], 'decode/argmax', [1, keypoints], 'int32', options.argMax('INT32'));
  const width = g.ints('decode/width', [w]);
  const row = g.binary('FLOOR_DIV', peak, width, { name: 'decode/row' });
  const col = g.binary('FLOOR_MOD', peak, width, { name: 'decode/col' });
  const kp = g.ints('decode/keypoint', Array.from({ length: keypoints }, (_, k) => k), [1, keypoints]);
  const peakIndex = g.op1('PACK', [row, col, kp], 'decode/peak_index', [1, keypoints, 3], 'int32', options.pack(3, 2));
  const offsetGrid = g.reshape(offsets, [h, w, keypoints, 2], 'decode/offset_grid');
  const offset = g.op1('GATHER_ND', [offsetGrid, peakIndex], 'decode/offset', [1, keypoints, 2], 'float32', options.empty(BuiltinOptions.GatherNdOptions));
  const cell = g.op1('PACK', [g.cast(row, 'float32', 'decode/row_float'), g.cast(col, 'float32', 'decode/col_float')], 'decode/cell', [1, keypoints, 2], 'float32', options.pack(2, 2));
  const refined = g.binary('ADD', cell, offset, { name: 'decode/refined' });
  // The refined position's cell (FLOOR of the rounded position, clamped), and the heatmap's score there.
  let snapped = g.unary('FLOOR', g.binary('ADD', refined, g.scalar('decode/half', 0.5), { name: 'decode/round' }), { name: 'decode/floor' });
  snapped = g.binary('MINIMUM', g.binary('MAXIMUM', snapped, g.scalar('decode/low', 0), { name: 'decode/clamp_low' }), g.scalar('decode/high', h - 1), { name: 'decode/clamp_high' });
  const snappedIndex = g.concat([g.cast(snapped, 'int32', 'decode/snapped_int'), g.reshape(kp, [1, keypoints, 1], 'decode/keypoint_column')], 2, 'decode/snapped_index');
  const logit = g.op1('GATHER_ND', [g.reshape(heatmap, [h, w, keypoints], 'decode/heatmap_grid'), snappedIndex], 'decode/logit', [1, keypoints], 'float32', options.empty(BuiltinOptions.GatherNdOptions));
  // The peak's share of the heatmap's softmax: exp(-log(sum(exp(logits - max)))).
  const max = g.reduce('REDUCE_MAX', flat, [1], true, 'decode/max');
  const total = g.reduce('SUM', g.unary('EXP', g.binary('SUB', flat, max, { name: 'decode/centered' }), { name: 'decode/exp' }), [1], false, 'decode/sum');
  const share = g.unary('EXP', g.unary('NEG', g.unary('LOG', total, { name: 'decode/log' }), { name: 'decode/neg' }), { name: 'decode/share' });
  const score = g.binary('MUL', g.unary('LOGISTIC', logit, { name: 'decode/sigmoid' }), g.unary('SQRT', share, { name: 'decode/sqrt' }), { name: 'decode/score' });
  const yx = g.binary('MUL', refined, g.scalar('decode/normalize', 1 / h), { name: 'decode/normalized' });
  const keypointsOut = g.concat([yx, g.reshape(score, [1, keypoints, 1], 'decode/score_column')], 2, 'decode/keypoints');
  g.output(g.reshape(keypointsOut, [1, 1, keypoints, 3], 'output_0'), 'output_0');
  return g.bytes('MoveNet-style keypoint decoder (xnnlite test architecture)');
}

// ---------------------------------------------------------------------------
// 5. DeepLab-style segmenter

function deepLabSegmenter({ size = 128, classes = 21, logits = false } = {}) {
  const g = new Graph(505);
  const image = g.input('sub_7', [1, size, size, 3]);
  let x = g.conv(image, 32, 3, { stride: 2, act: 'RELU6', name: 'stem' });
  x = g.invertedResidual(x, 1, 16, { name: 'block1' });
  x = g.invertedResidual(x, 6, 24, { stride: 2, name: 'block2' });
  const lowLevel = x = g.invertedResidual(x, 6, 24, { name: 'block3' });
  x = g.invertedResidual(x, 6, 32, { stride: 2, name: 'block4' });
  x = g.invertedResidual(x, 6, 32, { name: 'block5' });
  // Output stride 8: the later blocks keep the resolution and dilate their depthwise convolutions instead.
  x = g.invertedResidual(x, 6, 64, { rate: 2, name: 'block6' });
  x = g.invertedResidual(x, 6, 64, { rate: 2, name: 'block7' });
  x = g.invertedResidual(x, 6, 96, { rate: 2, name: 'block8' });
  x = g.invertedResidual(x, 6, 96, { rate: 2, name: 'block9' });
  const [, h, w] = x.shape;
  // ASPP: 1x1, a 3x3 at rate 4, image pooling.
  const b1 = g.conv(x, 64, 1, { act: 'RELU', name: 'aspp/1x1' });
  const b2 = g.atrous(x, 4, 3, (t) => g.conv(t, 64, 3, { padding: 'VALID', act: 'RELU', name: 'aspp/3x3_rate4' }), 'aspp/atrous');
  const pooled = g.conv(g.reduce('MEAN', x, [1, 2], true, 'aspp/image_pooling'), 64, 1, { act: 'RELU', name: 'aspp/pooling_conv' });
  const b3 = g.op1('RESIZE_BILINEAR', [pooled, g.ints('aspp/pooling_size', [h, w])], 'aspp/pooling_resize', [1, h, w, 64], 'float32', options.resizeBilinear({ alignCorners: true }));
  const merged = g.conv(g.concat([b1, b2, b3], 3, 'aspp/concat'), 64, 1, { act: 'RELU', name: 'aspp/projection' });
  // DeepLabV3+'s decoder: ASPP upsampled to the low-level features (stride 4), concatenated, a 3x3 convolution, the logits.
  const [, lh, lw] = lowLevel.shape;
  const up = g.op1('RESIZE_BILINEAR', [merged, g.ints('decoder/size', [lh, lw])], 'decoder/resize', [1, lh, lw, 64], 'float32', options.resizeBilinear({ alignCorners: true }));
  const low = g.conv(lowLevel, 48, 1, { act: 'RELU', name: 'decoder/low_level' });
  const decoded = g.conv(g.concat([up, low], 3, 'decoder/concat'), 64, 3, { act: 'RELU', name: 'decoder/conv' });
  const small = g.conv(decoded, classes, 1, { gain: 3, name: 'logits' });
  const full = g.op1('RESIZE_BILINEAR', [small, g.ints('logits/size', [size, size])], 'logits/resize', [1, size, size, classes], 'float32', options.resizeBilinear({ alignCorners: true }));
  const labels = g.op1('ARG_MAX', [full, g.ints('labels/axis', [3])], 'labels/argmax', [1, size, size], 'int64', options.argMax('INT64'));
  g.output(g.cast(labels, 'int32', 'labels'), 'labels');
  if (logits) g.output(full, 'logits');
  return g.bytes('DeepLab-style segmenter (xnnlite test architecture)');
}

// ---------------------------------------------------------------------------
// Inputs

/** A picture for an NHWC input in [lo, hi]: a colour gradient with a few shaded discs (closer to what vision models see than noise). */
function syntheticImage(shape, lo, hi, seed) {
  const [, h, w, c] = shape;
  const next = random(seed);
  const colour = () => Array.from({ length: c }, next);
  const [from, to] = [colour(), colour()];
  const discs = Array.from({ length: 5 }, () => ({ y: next() * h, x: next() * w, r: (0.1 + 0.25 * next()) * Math.min(h, w), colour: colour() }));
  const out = new Float32Array(product(shape));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = (x + y) / (h + w);
      for (let k = 0; k < c; k++) {
        let v = from[k] + (to[k] - from[k]) * t;
        for (const d of discs) {
          const dist = Math.hypot(y - d.y, x - d.x) / d.r;
          if (dist < 1) v = d.colour[k] * (1 - 0.4 * dist);
        }
        out[(y * w + x) * c + k] = lo + (hi - lo) * v;
      }
    }
  }
  return out;
}

/** Token ids: [CLS], words, [SEP], then padding (id 0) for the last quarter. */
function tokenIds(sequence, vocab, seed) {
  const next = random(seed);
  const used = Math.round(sequence * 0.75);
  return Int32Array.from({ length: sequence }, (_, i) => (i === 0 ? 101 : i === used - 1 ? 102 : i < used ? 1000 + Math.floor(next() * (vocab - 1000)) : 0));
}

const ARCHITECTURES = [
  { name: 'yolo-detector', build: yoloDetector, inputs: () => [syntheticImage([1, 160, 160, 3], 0, 1, 1)] },
  { name: 'ssd-detector', build: ssdDetector, inputs: () => [syntheticImage([1, 128, 128, 3], -1, 1, 2)] },
  { name: 'bert-encoder', build: bertEncoder, inputs: () => [tokenIds(32, 4000, 3)] },
  { name: 'movenet-decoder', build: moveNetDecoder, inputs: () => [Int32Array.from(syntheticImage([1, 192, 192, 3], 0, 255, 4), Math.round)] },
  { name: 'deeplab-segmenter', build: deepLabSegmenter, inputs: () => [syntheticImage([1, 128, 128, 3], -1, 1, 5)] },
];

function architecture(name) {
  const a = ARCHITECTURES.find((m) => m.name === name);
  if (!a) throw new Error(`no architecture ${name}; known: ${ARCHITECTURES.map((m) => m.name).join(', ')}`);
  return a;
}

/** The inputs of architecture `name`, in the model's input order. */
const inputsOf = (name) => architecture(name).inputs();

module.exports = { ARCHITECTURES, architecture, inputsOf, syntheticImage, yoloDetector, ssdDetector, bertEncoder, moveNetDecoder, deepLabSegmenter };
