// A seeded byte-mutation fuzz of quantized models, int8 and int16x8, built
// here with quantize() from zoo and generated float models: random byte
// flips anywhere and in the flatbuffer's tables, extreme values written into
// weight and bias buffers, into scale and zero-point vectors and into shape
// vectors, truncations, and, for tiny int16x8 RESIZE_BILINEAR models,
// consistent random input and output sizes. Such a fuzz, under the
// sanitizers, found the int16x8 RESIZE_BILINEAR kernel reading a row past
// its input on non-integer upscales and signed overflow in the int16x8
// convolution and fully-connected kernels with extreme int64 biases; this
// one keeps looking. Each mutated file must load, get a session and run
// (outputs of the declared lengths; NaN is fine), or be refused at load or
// createSession with a ModelFormatError or an UnsupportedOpError. The cases
// run in a child process (helpers/quantized-fuzz-worker.ts), so that a crash
// or a hang is reported as its case, with the edits that make it, and the
// rest still run; each failing file is kept in a temporary directory named
// in the failure. Mutations per seed model: its base count times
// XNNLITE_FUZZ_SCALE (1 by default; `npm run test:sanitize` uses 2). On a
// 2-core machine the file takes about 25 s at scale 1 (2 s to build the
// seeds, 4 s to start the worker, 13 s for the 3,669 cases, most of it on
// the three zoo models) and about 65 s at scale 4; against the sanitizer
// build, about 50 s at scale 1 and 130 s at scale 4.
import t from 'tap';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { quantize } from '../lib/index';
import { FlatReader } from '../lib/model/flat-reader';
import { readModel } from '../lib/model/reader';
import { Slot } from '../lib/model/schema';
import { writeModel, type ModelSpec } from '../lib/model/writer';
import { deterministicInput } from './helpers/compare';
import { opModel, weights, f32, i32 } from './helpers/op-model';
import * as o from './helpers/options';
import { floatModel } from './helpers/quantize';
import { smallModel } from './helpers/small-model';
import { random } from './helpers/random';
import type { FuzzCase, FuzzJob, FuzzOutcome } from './helpers/quantized-fuzz-worker';

const SCALE = Number(process.env.XNNLITE_FUZZ_SCALE || 1);
if (!(SCALE > 0)) throw new TypeError(`XNNLITE_FUZZ_SCALE must be a positive number (got ${JSON.stringify(process.env.XNNLITE_FUZZ_SCALE)})`);
/** A case that takes longer than this (the seeds run in well under a second, 3x that with sanitizers) is a hang. */
const HANG_MS = 60_000;

// ---- Seed models ---------------------------------------------------------

/** A RESIZE_BILINEAR model whose input and output sizes the geometry mutation may change together. */
interface Geometry {
  from: [number, number];
  to: [number, number];
}

interface Seed {
  name: string;
  bytes: Uint8Array;
  /** Mutations at scale 1. */
  base: number;
  geometry?: Geometry;
}

const samples = (name: string, n: number, seeds: number[]) => seeds.map((s) => ({ [name]: deterministicInput(n, -1, 1, s) }));

/** Conv, depthwise conv and fully connected, each with a bias: int16x8 turns the biases into int64. */
function convFcSpec(): ModelSpec {
  return {
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, 6, 6, 3] },
        { name: 'filter', shape: [4, 3, 3, 3], data: weights([4, 3, 3, 3], 2) },
        { name: 'conv_bias', shape: [4], data: weights([4], 3) },
        { name: 'conv', shape: [1, 6, 6, 4] },
        { name: 'dw_filter', shape: [1, 3, 3, 4], data: weights([1, 3, 3, 4], 4) },
        { name: 'dw_bias', shape: [4], data: weights([4], 5) },
        { name: 'dw', shape: [1, 3, 3, 4] },
        { name: 'new_shape', shape: [2], dtype: 'int32', data: Int32Array.of(1, 36) },
        { name: 'flat', shape: [1, 36] },
        { name: 'fc_weights', shape: [5, 36], data: weights([5, 36], 6) },
        { name: 'fc_bias', shape: [5], data: weights([5], 7) },
        { name: 'y', shape: [1, 5] },
      ],
      inputs: [0],
      outputs: [11],
      operators: [
        { op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: o.conv2d({ activation: 'RELU6' }) },
        { op: 'DEPTHWISE_CONV_2D', inputs: [3, 4, 5], outputs: [6], options: o.depthwise({ stride: [2, 2] }) },
        { op: 'RESHAPE', inputs: [6, 7], outputs: [8], options: o.reshape([1, 36]) },
        { op: 'FULLY_CONNECTED', inputs: [8, 9, 10], outputs: [11], options: o.fullyConnected() },
      ],
    }],
  };
}

/** RESIZE_BILINEAR quantized to int16x8 (float input and output, QUANTIZE and DEQUANTIZE around it). */
async function quantizedResize(from: [number, number], to: [number, number], options: { alignCorners?: boolean; halfPixelCenters?: boolean }) {
  const float32 = opModel({ op: 'RESIZE_BILINEAR', inputs: [f32([1, ...from, 2]), i32([...to])], outputs: [f32([1, ...to, 2])], options: o.resizeBilinear(options) });
  return quantize(float32, { mode: 'int16x8', calibration: samples('in0', from[0] * from[1] * 2, [1, 2]) });
}

/** RESIZE_BILINEAR on int16 input and output, as an int16x8 graph without the float ends. */
function int16Resize(from: [number, number], to: [number, number], options: { alignCorners?: boolean; halfPixelCenters?: boolean }) {
  return writeModel({
    subgraphs: [{
      tensors: [
        { name: 'x', shape: [1, ...from, 3], dtype: 'int16', quantization: { scale: [1 / 4096], zeroPoint: [0], quantizedDimension: 0 } },
        { name: 'size', shape: [2], dtype: 'int32', data: Int32Array.from(to) },
        { name: 'y', shape: [1, ...to, 3], dtype: 'int16', quantization: { scale: [1 / 4096], zeroPoint: [0], quantizedDimension: 0 } },
      ],
      inputs: [0], outputs: [2],
      operators: [{ op: 'RESIZE_BILINEAR', inputs: [0, 1], outputs: [2], options: o.resizeBilinear(options) }],
    }],
  });
}

async function buildSeeds(): Promise<Seed[]> {
  const zoo = async (name: string, mode: 'int8' | 'int16x8') => {
    const { bytes, picture } = floatModel(name);
    return quantize(bytes, { mode, calibration: [picture(1), picture(2)] });
  };
  const align = { alignCorners: true };
  const half = { halfPixelCenters: true };
  return [
    { name: 'int8 selfie_segmentation', bytes: await zoo('selfie_segmentation', 'int8'), base: 200 },
    { name: 'int8 face_detection_short_range', bytes: await zoo('face_detection_short_range', 'int8'), base: 200 },
    { name: 'int8 small model, int8 input and outputs', bytes: await quantize(smallModel(), { mode: 'int8', ioType: 'int8', calibration: samples('image', 192, [1, 2, 3]) }), base: 600 },
    { name: 'int16x8 face_detection_full_range', bytes: await zoo('face_detection_full_range', 'int16x8'), base: 60 },
    { name: 'int16x8 conv, depthwise, fully connected', bytes: await quantize(writeModel(convFcSpec()), { mode: 'int16x8', calibration: samples('x', 108, [1, 2, 3]) }), base: 600 },
    { name: 'int16x8 RESIZE_BILINEAR 5x7 -> 11x16, align corners', bytes: await quantizedResize([5, 7], [11, 16], align), base: 500, geometry: { from: [5, 7], to: [11, 16] } },
    { name: 'int16x8 RESIZE_BILINEAR 5x7 -> 11x16, half-pixel centres', bytes: await quantizedResize([5, 7], [11, 16], half), base: 500, geometry: { from: [5, 7], to: [11, 16] } },
    { name: 'int16 RESIZE_BILINEAR 1x1 -> 55x3, align corners', bytes: int16Resize([1, 1], [55, 3], align), base: 500, geometry: { from: [1, 1], to: [55, 3] } },
    { name: 'int16 RESIZE_BILINEAR 1x1 -> 55x3, half-pixel centres', bytes: int16Resize([1, 1], [55, 3], half), base: 500, geometry: { from: [1, 1], to: [55, 3] } },
  ];
}

// ---- Where things lie in a seed file ------------------------------------

/** A vector of `count` little-endian elements of `width` bytes at byte `at`, belonging to tensor `tensor`. */
interface Vec {
  at: number;
  count: number;
  width: 1 | 2 | 4 | 8;
  tensor: number;
  label: string;
  float?: boolean;
}

interface Targets {
  /** Constant data of int8, int16, int32, int64 and float32 tensors. */
  constants: Vec[];
  /** The int32 and int64 constants read by CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED as biases. */
  biases: Vec[];
  scales: Vec[];
  zeroPoints: Vec[];
  shapes: Vec[];
  /** [start, end) of every buffer's data; the rest of the file is the flatbuffer's tables. */
  data: Array<[number, number]>;
  /** For geometry: the shape vectors of tensors with the resize's input and output shapes, and the size constant. */
  resize?: { inputs: Vec[]; outputs: Vec[]; size: Vec };
}

const WIDTH: Record<string, 1 | 2 | 4 | 8> = { int8: 1, uint8: 1, int16: 2, int32: 4, float32: 4, int64: 8 };

function targets(bytes: Uint8Array): Targets {
  const model = readModel(bytes);
  const sg = model.subgraphs[0];
  const offset = (view: Uint8Array) => view.byteOffset - bytes.byteOffset;
  const name = (k: number) => `tensor ${k} "${sg.tensors[k].name}" (${sg.tensors[k].dtype} [${sg.tensors[k].shape}])`;
  const constants: Vec[] = [];
  for (const tensor of sg.tensors) {
    const width = WIDTH[tensor.dtype];
    if (!tensor.data || !width || tensor.data.length < width) continue;
    constants.push({ at: offset(tensor.data), count: Math.floor(tensor.data.length / width), width, tensor: tensor.index, label: name(tensor.index), float: tensor.dtype === 'float32' });
  }
  const biasIndices = new Set(sg.operators.filter((op) => ['CONV_2D', 'DEPTHWISE_CONV_2D', 'FULLY_CONNECTED'].includes(op.op)).map((op) => op.inputs[2]));
  const biases = constants.filter((c) => biasIndices.has(c.tensor) && (c.width === 4 || c.width === 8) && !c.float);

  const root = new FlatReader(bytes).rootTable();
  const scales: Vec[] = [];
  const zeroPoints: Vec[] = [];
  const shapes: Vec[] = [];
  const tables = root.tables(Slot.Model.subgraphs, 'subgraphs')[0].tables(Slot.SubGraph.tensors, 'tensors');
  tables.forEach((tensor, k) => {
    const shape = tensor.bytes(Slot.Tensor.shape, 'shape');
    if (shape) shapes.push({ at: offset(shape), count: shape.length, width: 4, tensor: k, label: name(k) });
    const q = tensor.subtable(Slot.Tensor.quantization, 'quantization');
    const scale = q?.bytes(Slot.QuantizationParameters.scale, 'scale');
    const zeroPoint = q?.bytes(Slot.QuantizationParameters.zeroPoint, 'zero_point');
    if (scale?.length) scales.push({ at: offset(scale), count: scale.length, width: 4, tensor: k, label: name(k), float: true });
    if (zeroPoint?.length) zeroPoints.push({ at: offset(zeroPoint), count: zeroPoint.length, width: 8, tensor: k, label: name(k) });
  });
  const data = root.tables(Slot.Model.buffers, 'buffers').flatMap((b) => {
    const view = b.bytes(Slot.Buffer.data, 'data');
    return view?.length ? [[offset(view), offset(view) + view.length] as [number, number]] : [];
  });

  let resize: Targets['resize'];
  const op = sg.operators.find((p) => p.op === 'RESIZE_BILINEAR');
  if (op) {
    const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
    const withShape = (k: number) => shapes.filter((s) => same(sg.tensors[s.tensor].shape, sg.tensors[k].shape));
    const size = constants.find((c) => c.tensor === op.inputs[1]);
    if (size) resize = { inputs: withShape(op.inputs[0]), outputs: withShape(op.outputs[0]), size };
  }
  return { constants, biases, scales, zeroPoints, shapes, data, resize };
}

// ---- Mutations -----------------------------------------------------------

const INT_EXTREMES: Record<1 | 2 | 4 | 8, bigint[]> = {
  1: [0x7fn, 0x80n, 0xffn, 0x81n, 0n],
  2: [0x7fffn, 0x8000n, 0xffffn, 0x8001n],
  4: [0x7fffffffn, 0x80000000n, 0xffffffffn, 0x80000001n, 0x40000000n],
  // int64: the extremes, and each side of ±2^47, the largest bias the int16x8 kernels take (TFLite's 48-bit accumulator).
  8: [0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffffffn, 0x8000000000000001n, 0x7fffffff00000000n, 0x80000000n, 0xffffffff80000000n,
    (1n << 47n) - 1n, -(1n << 47n) + 1n, 1n << 47n, -(1n << 47n), (1n << 47n) + 1n, -(1n << 47n) - 1n],
};
const FLOAT_EXTREMES = [NaN, Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, 0, -0, -1, 1e-30, 1e30];
const ZERO_POINTS = [...INT_EXTREMES[8].slice(0, 7), 127n, -128n, 128n, -129n, 255n, 256n, 32767n, -32768n, 32768n, -32769n, 65535n];
const DIMS = [0, -1, 1, 2, 3, 7, 65536, 0x7fffffff, -0x80000000, 0x10000001, 1 << 24];

/** The little-endian bytes of `value` as edits at `at`. */
function writeInt(edits: number[], at: number, width: number, value: bigint): void {
  const v = BigInt.asUintN(width * 8, value);
  for (let b = 0; b < width; b++) edits.push(at + b, Number((v >> BigInt(8 * b)) & 0xffn));
}

function writeFloat(edits: number[], at: number, value: number): void {
  const b = new Uint8Array(Float32Array.of(value).buffer);
  for (let k = 0; k < 4; k++) edits.push(at + k, b[k]);
}

const hex = (v: bigint, width: number) => `0x${BigInt.asUintN(width * 8, v).toString(16).padStart(width * 2, '0')}`;

interface Mutation {
  family: string;
  edits: number[];
  truncate?: number;
  what: string;
}

type Generator = (next: () => number, bytes: Uint8Array, where: Targets, seed: Seed) => Mutation | undefined;

const pick = <T>(next: () => number, list: readonly T[]): T => list[Math.floor(next() * list.length)];

const FAMILIES: Record<string, Generator> = {
  flip(next, bytes) {
    const edits: number[] = [];
    const parts: string[] = [];
    for (let f = 0, n = 1 + Math.floor(next() * 4); f < n; f++) {
      const at = Math.floor(next() * bytes.length);
      const value = next() < 0.5 ? bytes[at] ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
      edits.push(at, value);
      parts.push(`byte ${at} = 0x${value.toString(16)}`);
    }
    return { family: 'flip', edits, what: parts.join(', ') };
  },
  tables(next, bytes, where) {
    const inData = (at: number) => where.data.some(([s, e]) => at >= s && at < e);
    const edits: number[] = [];
    const parts: string[] = [];
    for (let f = 0, n = 1 + Math.floor(next() * 3); f < n; f++) {
      let at = Math.floor(next() * bytes.length);
      for (let tries = 0; inData(at) && tries < 1000; tries++) at = Math.floor(next() * bytes.length);
      const value = next() < 0.3 ? bytes[at] ^ (1 << Math.floor(next() * 8)) : pick(next, [0x00, 0xff, 0x7f, 0x80, 0x01, Math.floor(next() * 256)]);
      edits.push(at, value);
      parts.push(`byte ${at} = 0x${value.toString(16)}`);
    }
    return { family: 'tables', edits, what: parts.join(', ') };
  },
  constant(next, _bytes, where) {
    const vec = where.biases.length && next() < 0.5 ? pick(next, where.biases) : pick(next, where.constants);
    if (!vec) return undefined;
    const edits: number[] = [];
    const mode = next();
    const first = Math.floor(next() * vec.count);
    // One element, a run of up to 16, or (for up to 1024 elements: biases, small weights) all of them.
    const count = mode < 0.5 ? 1 : mode < 0.8 || vec.count > 1024 ? Math.min(vec.count - first, 1 + Math.floor(next() * 16)) : vec.count;
    const start = count === vec.count ? 0 : first;
    if (vec.float) {
      const value = pick(next, FLOAT_EXTREMES);
      for (let k = 0; k < count; k++) writeFloat(edits, vec.at + 4 * (start + k), value);
      return { family: 'constant', edits, what: `${vec.label} elements [${start}, ${start + count}) = ${value} (byte ${vec.at + 4 * start})` };
    }
    const value = pick(next, INT_EXTREMES[vec.width]);
    for (let k = 0; k < count; k++) writeInt(edits, vec.at + vec.width * (start + k), vec.width, value);
    return { family: where.biases.includes(vec) ? 'bias' : 'constant', edits, what: `${vec.label} elements [${start}, ${start + count}) = ${hex(value, vec.width)} (byte ${vec.at + vec.width * start})` };
  },
  quantization(next, _bytes, where) {
    const zero = next() < 0.4;
    const vec = pick(next, zero ? where.zeroPoints : where.scales);
    if (!vec) return undefined;
    const all = next() < 0.3;
    const start = all ? 0 : Math.floor(next() * vec.count);
    const count = all ? vec.count : 1;
    const edits: number[] = [];
    if (zero) {
      const value = pick(next, ZERO_POINTS);
      for (let k = 0; k < count; k++) writeInt(edits, vec.at + 8 * (start + k), 8, value);
      return { family: 'quantization', edits, what: `${vec.label} zero_point[${start}, ${start + count}) = ${BigInt.asIntN(64, value)} (byte ${vec.at + 8 * start})` };
    }
    const value = next() < 0.7 ? pick(next, FLOAT_EXTREMES) : 2 ** Math.round(next() * 80 - 40);
    for (let k = 0; k < count; k++) writeFloat(edits, vec.at + 4 * (start + k), value);
    return { family: 'quantization', edits, what: `${vec.label} scale[${start}, ${start + count}) = ${value} (byte ${vec.at + 4 * start})` };
  },
  shape(next, bytes, where) {
    const vec = pick(next, where.shapes);
    if (!vec) return undefined;
    const edits: number[] = [];
    if (vec.count === 0 || next() < 0.2) {
      const rank = pick(next, [0, vec.count - 1, vec.count + 1, 8, 0xffffffff]);
      writeInt(edits, vec.at - 4, 4, BigInt(rank));
      return { family: 'shape', edits, what: `${vec.label} rank ${vec.count} -> ${rank} (byte ${vec.at - 4})` };
    }
    const dim = Math.floor(next() * vec.count);
    const old = new DataView(bytes.buffer, bytes.byteOffset).getInt32(vec.at + 4 * dim, true);
    const value = next() < 0.4 ? pick(next, [old + 1, old - 1, old * 2, Math.max(1, old >> 1)]) : pick(next, DIMS);
    writeInt(edits, vec.at + 4 * dim, 4, BigInt(value));
    return { family: 'shape', edits, what: `${vec.label} dim ${dim}: ${old} -> ${value} (byte ${vec.at + 4 * dim})` };
  },
  truncate(next, bytes) {
    const length = Math.floor(next() * bytes.length);
    return { family: 'truncate', edits: [], truncate: length, what: `cut to ${length} of ${bytes.length} bytes` };
  },
  geometry(next, _bytes, where, seed) {
    if (!where.resize || !seed.geometry) return undefined;
    const { inputs, outputs, size } = where.resize;
    const dim = (n: number) => 1 + Math.floor(next() * n);
    const from: [number, number] = [dim(9), dim(9)];
    // Mostly upscales by non-integer factors, the case the kernels got wrong; some downscales.
    const up = (n: number) => (next() < 0.85 ? Math.max(1, Math.floor(n * (1 + next() * 7)) + pick(next, [-1, 0, 1])) : dim(n));
    const to: [number, number] = [Math.min(up(from[0]), 72), Math.min(up(from[1]), 72)];
    const batch = next() < 0.8 ? 1 : 2;
    const channels = dim(5);
    const edits: number[] = [];
    // NHWC: the same batch and channels on both sides, the sizes of each side, and the size constant.
    for (const [vectors, [h, w]] of [[inputs, from], [outputs, to]] as const) {
      for (const v of vectors) [batch, h, w, channels].forEach((value, k) => writeInt(edits, v.at + 4 * k, 4, BigInt(value)));
    }
    for (let k = 0; k < 2; k++) writeInt(edits, size.at + 4 * k, 4, BigInt(to[k]));
    return {
      family: 'geometry', edits,
      what: `${seed.geometry.from.join('x')} -> ${seed.geometry.to.join('x')} became [${batch},${from},${channels}] -> [${batch},${to},${channels}]`,
    };
  },
};

/** How often each family is drawn; geometry only where there is a resize to reshape. */
function weightsFor(seed: Seed): Array<[string, number]> {
  const w: Array<[string, number]> = [['flip', 2], ['tables', 2], ['constant', 3], ['quantization', 2], ['shape', 2], ['truncate', 1]];
  if (seed.geometry) w.push(['geometry', 6]);
  return w;
}

function mutations(seed: Seed, where: Targets, prngSeed: number, count: number): Mutation[] {
  const next = random(prngSeed);
  const table = weightsFor(seed);
  const total = table.reduce((a, [, w]) => a + w, 0);
  const out: Mutation[] = [];
  while (out.length < count) {
    let r = next() * total;
    const [family] = table.find(([, w]) => (r -= w) < 0) ?? table[0];
    const m = FAMILIES[family](next, seed.bytes, where, seed);
    if (m) out.push(m);
  }
  return out;
}

// ---- Running the cases in a child process ---------------------------------

interface Result {
  outcome: FuzzOutcome;
  detail: string;
  ms: number;
}

/** Runs `cases` in worker processes, a new one after each crash or hang; results by case id. */
async function runCases(job: FuzzJob, onCrash: (id: number, why: string) => void): Promise<Map<number, Result>> {
  const worker = path.join(__dirname, 'helpers', 'quantized-fuzz-worker.ts');
  const results = new Map<number, Result>();
  let remaining = job.cases;
  while (remaining.length > 0) {
    const child = spawn(process.execPath, [...process.execArgv, worker], { stdio: ['pipe', 'pipe', 'pipe'] });
    let current: number | undefined;
    let last: number | undefined;
    let stderr = '';
    let pending = '';
    let timer: NodeJS.Timeout | undefined;
    let hung = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, HANG_MS);
    };
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        let message: { start?: number; done?: number; outcome?: FuzzOutcome; detail?: string; ms?: number };
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        if (message.start !== undefined) {
          current = message.start;
          arm();
        } else if (message.done !== undefined) {
          results.set(message.done, { outcome: message.outcome!, detail: message.detail ?? '', ms: message.ms ?? 0 });
          last = message.done;
          current = undefined;
        }
      }
    });
    // The worker starts with its TypeScript loader, a few seconds; the timer covers that too.
    arm();
    child.stdin.end(JSON.stringify({ seeds: job.seeds, cases: remaining } satisfies FuzzJob));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearTimeout(timer);
    remaining = remaining.filter((c) => !results.has(c.id));
    if (remaining.length === 0) break;
    // Dead before its first case: the worker does not start, and retrying would not help.
    if (current === undefined && last === undefined) throw new Error(`the fuzz worker exited (code ${code}, signal ${signal}) before its first case; stderr: ${stderr}`);
    const reports = process.env.ASAN_OPTIONS ? ' (sanitizer reports go to the log_path of ASAN_OPTIONS and UBSAN_OPTIONS)' : '';
    const death = hung ? `hang: no result after ${HANG_MS / 1000} s` : `crash: worker exited with code ${code}, signal ${signal}${reports}; stderr: ${stderr.trim().split('\n').slice(-12).join(' | ')}`;
    // Dead between cases (a deferred crash, in a finalizer or a worker thread): the last case done is the suspect.
    const blamed = current ?? last!;
    const why = current === undefined ? `${death}, after the case had finished (${results.get(blamed)?.outcome})` : death;
    results.set(blamed, { outcome: 'failure', detail: why, ms: 0 });
    onCrash(blamed, why);
    remaining = remaining.filter((c) => c.id !== blamed);
  }
  return results;
}

// ---- The test ------------------------------------------------------------

t.test(`byte-mutation fuzz of int8 and int16x8 models (scale ${SCALE})`, async (t) => {
  const started = Date.now();
  const seeds = await buildSeeds();
  const built = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xnnlite-fuzz-'));
  // Failing files are kept (up to 50 a run); the seeds and an empty directory are not.
  let kept = 0;
  t.teardown(() => {
    if (kept === 0) fs.rmSync(dir, { recursive: true, force: true });
    else for (const f of fs.readdirSync(dir)) if (f.startsWith('seed-')) fs.rmSync(path.join(dir, f));
  });

  // Each seed must hold what its mutations aim at (that it runs as built is its case 0, below).
  const where = seeds.map((s) => targets(s.bytes));
  for (const [k, seed] of seeds.entries()) {
    const sg = readModel(seed.bytes).subgraphs[0];
    const int16x8 = seed.name.startsWith('int16');
    t.ok(sg.tensors.some((x) => x.dtype === (int16x8 ? 'int16' : 'int8')), `${seed.name}: ${int16x8 ? 'int16' : 'int8'} activations`);
    if (int16x8 && !seed.geometry) t.ok(where[k].biases.length > 0 && where[k].biases.every((b) => b.width === 8), `${seed.name}: ${where[k].biases.length} int64 biases`);
    if (!int16x8) t.ok(where[k].biases.length > 0 && where[k].biases.every((b) => b.width === 4), `${seed.name}: ${where[k].biases.length} int32 biases`);
    if (seed.geometry) t.ok(where[k].resize && where[k].resize.inputs.length > 0 && where[k].resize.outputs.length > 0, `${seed.name}: the resize's shapes and size were found`);
    t.ok(where[k].scales.length > 0 && where[k].zeroPoints.length > 0 && where[k].shapes.length > 0, `${seed.name}: quantization and shape vectors found`);
  }
  const resizes = seeds.filter((s) => readModel(s.bytes).subgraphs[0].operators.some((op) => op.op === 'RESIZE_BILINEAR'));
  t.ok(resizes.some((s) => s.name.startsWith('int8')) && resizes.some((s) => s.name.includes('full_range')), 'int8 and int16x8 zoo seeds with RESIZE_BILINEAR');

  // The seeds' declared tensor bytes bound a mutated file's, so that a grown shape cannot take the machine.
  const limits = seeds.map((s) => {
    const sizes = readModel(s.bytes).subgraphs[0].tensors.map((x) => x.shape.reduce((a, b) => a * b, 1) * (WIDTH[x.dtype] ?? 4));
    return { maxTensorBytes: Math.max(1 << 20, 2 * Math.max(...sizes)), maxTotalBytes: Math.max(8 << 20, 2 * sizes.reduce((a, b) => a + b, 0)) };
  });
  const files = seeds.map((s, k) => {
    const file = path.join(dir, `seed-${k}.tflite`);
    fs.writeFileSync(file, s.bytes);
    return { file, limits: limits[k] };
  });

  // Case 0 of each seed is the seed itself; the rest are its mutations.
  const cases: Array<FuzzCase & { mutation: Mutation; prngSeed: number }> = [];
  for (const [k, seed] of seeds.entries()) {
    const prngSeed = 2024 + 101 * k;
    const none: Mutation = { family: 'none', edits: [], what: 'unmutated' };
    for (const mutation of [none, ...mutations(seed, where[k], prngSeed, Math.round(seed.base * SCALE))]) {
      const id = cases.length;
      cases.push({ id, seed: k, edits: mutation.edits, truncate: mutation.truncate, sync: id % 4 === 3, mutation, prngSeed });
    }
  }
  const crashes: string[] = [];
  const results = await runCases({ seeds: files, cases: cases.map(({ id, seed, edits, truncate, sync }) => ({ id, seed, edits, truncate, sync })) },
    (id, why) => crashes.push(`case ${id}: ${why}`));
  if (crashes.length) t.comment(`worker crashes or hangs:\n${crashes.join('\n')}`);

  for (const [k, seed] of seeds.entries()) {
    const mine = cases.filter((c) => c.seed === k);
    const counts: Record<string, Record<string, number>> = {};
    const failures: string[] = [];
    for (const c of mine) {
      const r = results.get(c.id);
      const outcome = r?.outcome ?? 'missing';
      (counts[c.mutation.family] ??= {})[outcome] = (counts[c.mutation.family][outcome] ?? 0) + 1;
      if (outcome === 'ran' || outcome === 'format' || outcome === 'unsupported') continue;
      // Keep the file that failed, so that it can be loaded by hand.
      const index = c.id - mine[0].id;
      let file = 'not kept';
      if (kept++ < 50) {
        const bytes = seed.bytes.slice(0, c.truncate ?? seed.bytes.length);
        for (let e = 0; e + 1 < c.edits.length; e += 2) if (c.edits[e] < bytes.length) bytes[c.edits[e]] = c.edits[e + 1];
        file = path.join(dir, `${seed.name.replace(/[^a-z0-9]+/gi, '_')}-case-${index}.tflite`);
        fs.writeFileSync(file, bytes);
      }
      failures.push(`${seed.name}, PRNG seed ${c.prngSeed}, case ${index} (${c.sync ? 'runSync' : 'run'}): ${c.mutation.family}: ${c.mutation.what} => ${r?.detail ?? 'no result'} (file: ${file})`);
    }
    t.equal(results.get(mine[0].id)?.outcome, 'ran', `${seed.name}: the seed runs`);
    t.same(failures, [], `${seed.name}: ${mine.length - 1} mutations, each ran or was refused with ModelFormatError or UnsupportedOpError`);
    const ran = mine.filter((c) => c.id !== mine[0].id && results.get(c.id)?.outcome === 'ran').length;
    // Most value and weight mutations leave a model that runs; if none ran, the fuzz would test only the validation.
    t.ok(ran >= 0.1 * (mine.length - 1), `${seed.name}: ${ran} mutated models ran`);
    const seconds = mine.reduce((a, c) => a + (results.get(c.id)?.ms ?? 0), 0) / 1000;
    t.comment(`${seed.name} (${seconds.toFixed(1)} s): ${Object.entries(counts).map(([f, c]) => `${f} ${Object.entries(c).map(([o, n]) => `${o}=${n}`).join('/')}`).join(', ')}`);
  }
  const geometry = cases.filter((c) => c.mutation.family === 'geometry');
  t.ok(geometry.filter((c) => results.get(c.id)?.outcome === 'ran').length >= 0.9 * geometry.length, `the resizes reshaped to other sizes run (${geometry.length} cases)`);
  t.comment(`${cases.length} cases; seeds built in ${((built - started) / 1000).toFixed(1)} s, run in ${((Date.now() - built) / 1000).toFixed(1)} s`);
});
