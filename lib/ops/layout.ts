// Data movement and shape: operators that only move, copy or pick values.
import { MOVES_VALUES, type IntegerTreatment } from '../core/integer-treatment';
import { sameAsInput } from '../core/shapes/elementwise';
import {
  broadcastToRule, concatenationShape, depthSpaceShape, expandDimsShape, packShape, padShape, reshapeShape, resizeShape, sliceShape, spaceBatchShape,
  splitShapes, squeezeShape, stridedSliceShape, tileShape, transposeShape,
} from '../core/shapes/layout';
import { concatenationReference, packReference, reshapeReference } from '../reference/ops/data-movement';
import { mirrorPadReference } from '../reference/ops/mirror-pad';
import { padReference } from '../reference/ops/pad';
import { resizeBilinearReference } from '../reference/ops/resize-bilinear';
import { resizeNearestReference } from '../reference/ops/resize-nearest';
import { sliceReference } from '../reference/ops/slice';
import { spaceBatchReference } from '../reference/ops/space-batch';
import { splitReference } from '../reference/ops/split';
import { tileReference } from '../reference/ops/tile';
import { transposeReference } from '../reference/ops/transpose';
import { concatenation } from '../xnnpack/ops/concatenation';
import { depthSpace } from '../xnnpack/ops/depth-space';
import { pad } from '../xnnpack/ops/pad';
import { reshape } from '../xnnpack/ops/reshape';
import { resizeBilinear } from '../xnnpack/ops/resize-bilinear';
import { slice } from '../xnnpack/ops/slice';
import { split } from '../xnnpack/ops/split';
import { transpose } from '../xnnpack/ops/transpose';
import { alike, type OpDescriptor, type OpDescriptors } from './descriptor';

// Every input and the output share one quantization: the kernels copy raw integers.
const SHARED: IntegerTreatment = { activations: 'all', output: 'shared' };

// The same copy under three ways of naming the output shape.
const RESHAPES: OpDescriptor = { xnnpack: reshape, reference: reshapeReference, int8: MOVES_VALUES, int16x8: MOVES_VALUES };

export const LAYOUT_OPS: OpDescriptors = {
  RESHAPE: { ...RESHAPES, shape: reshapeShape },
  SQUEEZE: { ...RESHAPES, shape: squeezeShape },
  EXPAND_DIMS: { ...RESHAPES, shape: expandDimsShape },
  CONCATENATION: { xnnpack: concatenation, reference: concatenationReference, int8: SHARED, int16x8: SHARED, shape: concatenationShape },
  PACK: { reference: packReference, shape: packShape },
  SLICE: { xnnpack: slice, reference: sliceReference, int8: MOVES_VALUES, shape: sliceShape },
  STRIDED_SLICE: { xnnpack: slice, reference: sliceReference, int8: MOVES_VALUES, shape: stridedSliceShape },
  SPLIT: { xnnpack: split, reference: splitReference, shape: splitShapes },
  ...alike(['SPLIT_V', 'UNPACK'], { reference: splitReference, shape: splitShapes }),
  TRANSPOSE: { xnnpack: transpose, reference: transposeReference, int8: MOVES_VALUES, shape: transposeShape },
  REVERSE_V2: { reference: transposeReference, shape: sameAsInput },
  PAD: { xnnpack: pad, reference: padReference, int8: MOVES_VALUES, int16x8: MOVES_VALUES, shape: padShape },
  PADV2: { reference: padReference, shape: padShape },
  MIRROR_PAD: { reference: mirrorPadReference, shape: padShape },
  TILE: { reference: tileReference, shape: tileShape },
  BROADCAST_TO: { reference: tileReference, shape: broadcastToRule },
  ...alike(['SPACE_TO_BATCH_ND', 'BATCH_TO_SPACE_ND'], { reference: spaceBatchReference, shape: spaceBatchShape }),
  ...alike(['DEPTH_TO_SPACE', 'SPACE_TO_DEPTH'], { xnnpack: depthSpace, int8: MOVES_VALUES, shape: depthSpaceShape }),
  RESIZE_BILINEAR: { xnnpack: resizeBilinear, reference: resizeBilinearReference, int8: MOVES_VALUES, int16x8: MOVES_VALUES, shape: resizeShape },
  RESIZE_NEAREST_NEIGHBOR: { reference: resizeNearestReference, shape: resizeShape },
};
