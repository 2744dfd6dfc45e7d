// Data movement and shape: operators that only move, copy or pick values.
import { MOVES_VALUES, type IntegerTreatment } from '../core/integer-treatment';
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
import { alike, type OpDescriptors } from './descriptor';

// Every input and the output share one quantization: the kernels copy raw integers.
const SHARED: IntegerTreatment = { activations: 'all', output: 'shared' };

export const LAYOUT_OPS: OpDescriptors = {
  ...alike(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS'], { xnnpack: reshape, reference: reshapeReference, int8: MOVES_VALUES, int16x8: MOVES_VALUES }),
  CONCATENATION: { xnnpack: concatenation, reference: concatenationReference, int8: SHARED, int16x8: SHARED },
  PACK: { reference: packReference },
  ...alike(['SLICE', 'STRIDED_SLICE'], { xnnpack: slice, reference: sliceReference, int8: MOVES_VALUES }),
  SPLIT: { xnnpack: split, reference: splitReference },
  ...alike(['SPLIT_V', 'UNPACK'], { reference: splitReference }),
  TRANSPOSE: { xnnpack: transpose, reference: transposeReference, int8: MOVES_VALUES },
  REVERSE_V2: { reference: transposeReference },
  PAD: { xnnpack: pad, reference: padReference, int8: MOVES_VALUES, int16x8: MOVES_VALUES },
  PADV2: { reference: padReference },
  MIRROR_PAD: { reference: mirrorPadReference },
  ...alike(['TILE', 'BROADCAST_TO'], { reference: tileReference }),
  ...alike(['SPACE_TO_BATCH_ND', 'BATCH_TO_SPACE_ND'], { reference: spaceBatchReference }),
  ...alike(['DEPTH_TO_SPACE', 'SPACE_TO_DEPTH'], { xnnpack: depthSpace, int8: MOVES_VALUES }),
  RESIZE_BILINEAR: { xnnpack: resizeBilinear, reference: resizeBilinearReference, int8: MOVES_VALUES, int16x8: MOVES_VALUES },
  RESIZE_NEAREST_NEIGHBOR: { reference: resizeNearestReference },
};
