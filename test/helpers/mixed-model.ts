// Two small seeded models that mix XNNPACK partitions and reference kernels,
// for the malformed-model corpus: each chains many of the operators only the
// reference kernels run, with their option tables and constant operands,
// over float32, int32, int64 and bool tensors. Small (a few KB), so that
// damaging every field of them is cheap.
//
// "indices": GATHER (int64 indices from a CAST) -> MUL, ADD (XNNPACK) ->
// GATHER_ND -> ARG_MAX (int64) -> ONE_HOT; TOPK_V2 -> CUMSUM (int32);
// SCATTER_ND -> GREATER (bool) -> SELECT_V2 -> TANH (XNNPACK) -> SUM;
// REDUCE_ANY -> CAST; ONE_HOT of an input (int32 on and off values).
//
// "layout": MIRROR_PAD -> CONV_2D (XNNPACK) -> SPACE_TO_BATCH_ND ->
// RESIZE_NEAREST_NEIGHBOR -> STRIDED_SLICE (masks) -> SPLIT_V -> PACK ->
// TILE (int64 multiples) -> RESHAPE -> TFLite_Detection_PostProcess, with
// LOGISTIC (XNNPACK) scores; REDUCE_MAX -> NON_MAX_SUPPRESSION_V5 -> GATHER;
// TILE of an int32 input.
import { BuiltinOptions, type DType } from '../../lib/model/schema';
import { writeModel, type ModelSpec, type OperatorSpec, type TensorSpec } from '../../lib/model/writer';
import { isSessionDType, arrayTypeOf } from '../../lib/tensor-values';
import type { TensorArray } from '../../lib/session';
import type { TensorInfo } from '../../lib/tensor-info';
import { deterministicInput } from './compare';
import { gridAnchors, postprocessOptions, type PostprocessOptions } from './detection-options';
import { argMinMax, cumsum, gather, oneHot, empty } from './index-options';
import { mirrorPad, pack, resizeNearest, splitV, stridedSlice } from './layout-options';
import { emptyOptionsOf } from './math-options';
import { arithmetic, conv2d, reducer, reshape } from './options';
import { weights } from './op-model';

export interface MixedModel {
  name: string;
  spec: ModelSpec;
  bytes: Uint8Array;
  /**
   * The graph inputs that hold indices, by name: the exclusive upper bound
   * of each coordinate (cycling along the flattened input), and the value
   * that lies outside the range they index.
   */
  indexInputs: Record<string, { bounds: number[]; outside: number }>;
}

/** Builds a subgraph from named tensors and operators over those names. */
class GraphBuilder {
  readonly tensors: TensorSpec[] = [];
  readonly operators: OperatorSpec[] = [];
  private readonly ids = new Map<string, number>();

  tensor(name: string, shape: number[], dtype: DType = 'float32', data?: ArrayBufferView): string {
    this.ids.set(name, this.tensors.push({ name, shape, dtype, data }) - 1);
    return name;
  }

  op(op: string, inputs: string[], outputs: string[], extra: Omit<OperatorSpec, 'op' | 'inputs' | 'outputs'> = {}): void {
    this.operators.push({ op, inputs: inputs.map((n) => this.id(n)), outputs: outputs.map((n) => this.id(n)), ...extra });
  }

  id(name: string): number {
    const id = this.ids.get(name);
    if (id === undefined) throw new Error(`no tensor ${name}`);
    return id;
  }

  spec(inputs: string[], outputs: string[], name: string): ModelSpec {
    return { description: `xnnlite mixed test model: ${name}`, subgraphs: [{ name, tensors: this.tensors, inputs: inputs.map((n) => this.id(n)), outputs: outputs.map((n) => this.id(n)), operators: this.operators }] };
  }
}

const i32 = (...values: number[]) => Int32Array.from(values);
const f32 = (...values: number[]) => Float32Array.from(values);

function indicesModel(seed: number): MixedModel {
  const g = new GraphBuilder();
  g.tensor('table', [2, 5, 3]);
  g.tensor('positions', [4], 'int32');
  g.tensor('coords', [3, 2], 'int32');
  g.tensor('labels', [3], 'int32');

  g.tensor('positions64', [4], 'int64');
  g.op('CAST', ['positions'], ['positions64']);
  g.tensor('gathered', [2, 4, 3]);
  g.op('GATHER', ['table', 'positions64'], ['gathered'], { options: gather(1, 0) });
  // An XNNPACK partition between reference steps.
  g.tensor('scale', [3], 'float32', weights([3], seed, 2));
  g.tensor('scaled', [2, 4, 3]);
  g.op('MUL', ['gathered', 'scale'], ['scaled'], { options: arithmetic('MUL') });
  g.tensor('shift', [3], 'float32', weights([3], seed + 1, 0.5));
  g.tensor('shifted', [2, 4, 3]);
  g.op('ADD', ['scaled', 'shift'], ['shifted'], { options: arithmetic('ADD') });
  g.tensor('picked', [3, 3]);
  g.op('GATHER_ND', ['shifted', 'coords'], ['picked'], { options: empty(BuiltinOptions.GatherNdOptions) });

  g.tensor('argAxis', [1], 'int32', i32(-1));
  g.tensor('best', [3], 'int64');
  g.op('ARG_MAX', ['picked', 'argAxis'], ['best'], { options: argMinMax('ARG_MAX', 'INT64') });
  g.tensor('depth', [], 'int32', i32(4));
  g.tensor('on', [], 'float32', f32(1));
  g.tensor('off', [], 'float32', f32(-1));
  g.tensor('hot', [3, 4]);
  g.op('ONE_HOT', ['best', 'depth', 'on', 'off'], ['hot'], { options: oneHot(-1) });

  g.tensor('k', [], 'int32', i32(2));
  g.tensor('topValues', [3, 2]);
  g.tensor('topIndices', [3, 2], 'int32');
  g.op('TOPK_V2', ['picked', 'k'], ['topValues', 'topIndices'], { options: empty(BuiltinOptions.TopKV2Options) });
  g.tensor('cumAxis', [], 'int32', i32(0));
  g.tensor('running', [3, 2], 'int32');
  g.op('CUMSUM', ['topIndices', 'cumAxis'], ['running'], { options: cumsum({ exclusive: true, reverse: true }) });

  g.tensor('scatterAt', [3, 1], 'int32', i32(1, 3, 0));
  g.tensor('scatterShape', [2], 'int32', i32(4, 2));
  g.tensor('scattered', [4, 2]);
  g.op('SCATTER_ND', ['scatterAt', 'topValues', 'scatterShape'], ['scattered'], { options: empty(BuiltinOptions.ScatterNdOptions) });
  g.tensor('zero', [], 'float32', f32(0));
  g.tensor('positive', [4, 2], 'bool');
  g.op('GREATER', ['scattered', 'zero'], ['positive'], { options: emptyOptionsOf('GREATER') });
  g.tensor('fallback', [2], 'float32', f32(-0.5, 0.25));
  g.tensor('chosen', [4, 2]);
  g.op('SELECT_V2', ['positive', 'scattered', 'fallback'], ['chosen'], { options: empty(BuiltinOptions.SelectV2Options) });
  g.tensor('squashed', [4, 2]);
  g.op('TANH', ['chosen'], ['squashed']);
  g.tensor('sumAxes', [1], 'int32', i32(1));
  g.tensor('sums', [4]);
  g.op('SUM', ['squashed', 'sumAxes'], ['sums'], { options: reducer(false) });
  g.tensor('anyAxes', [1], 'int32', i32(0));
  g.tensor('any', [2], 'bool');
  g.op('REDUCE_ANY', ['positive', 'anyAxes'], ['any'], { options: reducer(false) });
  g.tensor('anyInt', [2], 'int32');
  g.op('CAST', ['any'], ['anyInt']);

  g.tensor('labelDepth', [], 'int32', i32(6));
  g.tensor('labelOn', [], 'int32', i32(7));
  g.tensor('labelOff', [], 'int32', i32(-3));
  g.tensor('labelHot', [6, 3], 'int32');
  g.op('ONE_HOT', ['labels', 'labelDepth', 'labelOn', 'labelOff'], ['labelHot'], { options: oneHot(0) });

  const spec = g.spec(['table', 'positions', 'coords', 'labels'], ['hot', 'running', 'sums', 'anyInt', 'labelHot'], 'indices');
  return {
    name: 'indices', spec, bytes: writeModel(spec),
    // ONE_HOT takes labels outside [0, depth) (they give off values, as in TFLite): only GATHER and GATHER_ND refuse theirs.
    indexInputs: { positions: { bounds: [5], outside: 5 }, coords: { bounds: [2, 4], outside: -3 }, labels: { bounds: [6], outside: 9 } },
  };
}

/** The options of the layout model's TFLite_Detection_PostProcess. */
export const DETECTION_OPTIONS: PostprocessOptions = { maxDetections: 3, maxClassesPerDetection: 1, scoreThreshold: 0, iouThreshold: 0.6, numClasses: 2 };

function layoutModel(seed: number): MixedModel {
  const g = new GraphBuilder();
  g.tensor('image', [1, 4, 4, 2]);
  g.tensor('logits', [1, 16, 3]);
  g.tensor('ids', [2, 3], 'int32');

  g.tensor('mirrorPads', [4, 2], 'int32', i32(0, 0, 1, 1, 1, 1, 0, 0));
  g.tensor('padded', [1, 6, 6, 2]);
  g.op('MIRROR_PAD', ['image', 'mirrorPads'], ['padded'], { options: mirrorPad('REFLECT') });
  g.tensor('filter', [2, 1, 1, 2], 'float32', weights([2, 1, 1, 2], seed, 1));
  g.tensor('bias', [2], 'float32', weights([2], seed + 1, 0.5));
  g.tensor('mixed', [1, 6, 6, 2]);
  g.op('CONV_2D', ['padded', 'filter', 'bias'], ['mixed'], { options: conv2d({ padding: 'VALID' }) });
  g.tensor('block', [2], 'int32', i32(2, 2));
  g.tensor('blockPads', [2, 2], 'int32', i32(0, 0, 0, 0));
  g.tensor('batched', [4, 3, 3, 2]);
  g.op('SPACE_TO_BATCH_ND', ['mixed', 'block', 'blockPads'], ['batched']);
  g.tensor('size', [2], 'int32', i32(4, 4));
  g.tensor('resized', [4, 4, 4, 2]);
  g.op('RESIZE_NEAREST_NEIGHBOR', ['batched', 'size'], ['resized'], { options: resizeNearest({ halfPixelCenters: true }) });
  g.tensor('begin', [4], 'int32', i32(0, 1, 0, 0));
  g.tensor('end', [4], 'int32', i32(4, 4, 4, 1));
  g.tensor('strides', [4], 'int32', i32(1, 2, 1, 1));
  g.tensor('sliced', [4, 2, 4]);
  g.op('STRIDED_SLICE', ['resized', 'begin', 'end', 'strides'], ['sliced'], { options: stridedSlice({ beginMask: 5, endMask: 5, shrinkAxisMask: 8 }) });
  g.tensor('sizeSplits', [2], 'int32', i32(2, -1));
  g.tensor('splitAxis', [], 'int32', i32(2));
  g.tensor('left', [4, 2, 2]);
  g.tensor('right', [4, 2, 2]);
  g.op('SPLIT_V', ['sliced', 'sizeSplits', 'splitAxis'], ['left', 'right'], { options: splitV(2) });
  g.tensor('packed', [4, 2, 2, 2]);
  g.op('PACK', ['right', 'left'], ['packed'], { options: pack(2, 2) });
  g.tensor('multiples', [4], 'int64', BigInt64Array.of(1n, 1n, 1n, 2n));
  g.tensor('tiled', [4, 2, 2, 4]);
  g.op('TILE', ['packed', 'multiples'], ['tiled']);
  g.tensor('encodingShape', [3], 'int32', i32(1, 16, 4));
  g.tensor('encodings', [1, 16, 4]);
  g.op('RESHAPE', ['tiled', 'encodingShape'], ['encodings'], { options: reshape([1, 16, 4]) });
  g.tensor('predictions', [1, 16, 3]);
  g.op('LOGISTIC', ['logits'], ['predictions']);
  g.tensor('anchors', [16, 4], 'float32', gridAnchors(16));
  for (const [name, shape] of [['boxes', [1, 3, 4]], ['classes', [1, 3]], ['scores', [1, 3]], ['count', [1]]] as const) g.tensor(name, [...shape]);
  // Every row written (3 detections of 16 anchors, one class each, nothing below the threshold), so that the rows TFLite leaves alone do not differ.
  g.op('TFLite_Detection_PostProcess', ['encodings', 'predictions', 'anchors'], ['boxes', 'classes', 'scores', 'count'], {
    custom: true, customOptions: postprocessOptions(DETECTION_OPTIONS),
  });

  g.tensor('boxShape', [2], 'int32', i32(16, 4));
  g.tensor('nmsBoxes', [16, 4]);
  g.op('RESHAPE', ['encodings', 'boxShape'], ['nmsBoxes'], { options: reshape([16, 4]) });
  g.tensor('classAxes', [1], 'int32', i32(2));
  g.tensor('bestClass', [1, 16]);
  g.op('REDUCE_MAX', ['predictions', 'classAxes'], ['bestClass'], { options: reducer(false) });
  g.tensor('scoreShape', [1], 'int32', i32(16));
  g.tensor('nmsScores', [16]);
  g.op('RESHAPE', ['bestClass', 'scoreShape'], ['nmsScores'], { options: reshape([16]) });
  g.tensor('maxOutput', [], 'int32', i32(4));
  g.tensor('iou', [], 'float32', f32(0.4));
  g.tensor('threshold', [], 'float32', f32(0.2));
  g.tensor('sigma', [], 'float32', f32(0.5));
  g.tensor('selected', [4], 'int32');
  g.tensor('selectedScores', [4]);
  g.tensor('valid', [], 'int32');
  g.op('NON_MAX_SUPPRESSION_V5', ['nmsBoxes', 'nmsScores', 'maxOutput', 'iou', 'threshold', 'sigma'], ['selected', 'selectedScores', 'valid'], {
    options: empty(BuiltinOptions.NonMaxSuppressionV5Options),
  });
  g.tensor('selectedBoxes', [4, 4]);
  g.op('GATHER', ['nmsBoxes', 'selected'], ['selectedBoxes'], { options: gather(0) });

  g.tensor('idMultiples', [2], 'int32', i32(2, 1));
  g.tensor('tiledIds', [4, 3], 'int32');
  g.op('TILE', ['ids', 'idMultiples'], ['tiledIds']);

  const spec = g.spec(['image', 'logits', 'ids'], ['boxes', 'classes', 'scores', 'count', 'selectedScores', 'valid', 'selectedBoxes', 'tiledIds'], 'layout');
  return { name: 'layout', spec, bytes: writeModel(spec), indexInputs: {} };
}

/** The two models, the same for a given seed. */
export function mixedModels(seed = 11): MixedModel[] {
  return [indicesModel(seed), layoutModel(seed + 10)];
}

/** A copy of a spec that may be changed without touching the original. */
export function cloneSpec(spec: ModelSpec): ModelSpec {
  return structuredClone(spec);
}

/**
 * Inputs for a session of `model` (or of a damaged copy of it), filled per
 * dtype: floats in [-2, 2]; the index inputs in range (or, with
 * `outOfRange`, one coordinate per input outside it); other integers small
 * and non-negative; bools alternating. Undefined when an input's dtype is
 * one sessions do not take.
 */
export function mixedInputs(model: MixedModel, infos: readonly TensorInfo[], outOfRange = false): Record<string, TensorArray> | undefined {
  const inputs: Record<string, TensorArray> = {};
  for (const [k, info] of infos.entries()) {
    if (!isSessionDType(info.dtype)) return undefined;
    const n = info.shape.reduce((a, b) => a * b, 1);
    const array = new (arrayTypeOf(info.dtype))(n);
    const index = Object.hasOwn(model.indexInputs, info.name) ? model.indexInputs[info.name] : undefined;
    const integer = (i: number): number => {
      if (index) {
        if (outOfRange && i === n - 1) return index.outside;
        const bound = index.bounds[i % index.bounds.length];
        return (i * 7 + 3) % bound;
      }
      return info.dtype === 'bool' ? i % 2 : (i * 5 + 1) % 3;
    };
    if (array instanceof Float32Array) array.set(deterministicInput(n, -2, 2, k + 1));
    else if (array instanceof BigInt64Array) for (let i = 0; i < n; i++) array[i] = BigInt(integer(i));
    else for (let i = 0; i < n; i++) array[i] = integer(i);
    inputs[info.name] = array;
  }
  return inputs;
}
