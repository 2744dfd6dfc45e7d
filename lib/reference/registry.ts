/** The reference kernels' op registry: the one lookup from operator name to reference family. */
import { indexByOp } from '../graph/registry';
import type { ReferenceFamily } from './family';
import { activationReference } from './ops/activation';
import { castReference } from './ops/cast';
import { convolutionReference } from './ops/convolution';
import { concatenationReference, packReference, reshapeReference } from './ops/data-movement';
import { fullyConnectedReference } from './ops/fully-connected';
import { mirrorPadReference } from './ops/mirror-pad';
import { padReference } from './ops/pad';
import { poolingReference } from './ops/pooling';
import { quantizeReference } from './ops/quantize';
import { resizeBilinearReference } from './ops/resize-bilinear';
import { resizeNearestReference } from './ops/resize-nearest';
import { sliceReference } from './ops/slice';
import { softmaxReference } from './ops/softmax';
import { spaceBatchReference } from './ops/space-batch';
import { splitReference } from './ops/split';
import { tileReference } from './ops/tile';
import { transposeReference } from './ops/transpose';
import { nonMaxSuppressionReference } from './ops/non-max-suppression';
import { detectionPostprocessReference } from './ops/detection-postprocess';
import { argMinMaxReference } from './ops/arg-min-max';
import { cumsumReference } from './ops/cumsum';
import { gatherReference } from './ops/gather';
import { gatherNdReference } from './ops/gather-nd';
import { generatorsReference } from './ops/generators';
import { oneHotReference } from './ops/one-hot';
import { selectReference } from './ops/select';
import { topKReference } from './ops/top-k';
import { comparisonReference } from './ops/comparison';
import { mathBinaryReference } from './ops/math-binary';
import { mathUnaryReference } from './ops/math-unary';
import { reductionReference } from './ops/reduction';

export const REFERENCE_FAMILIES: readonly ReferenceFamily[] = [
  convolutionReference, fullyConnectedReference, poolingReference,
  reshapeReference, padReference, concatenationReference, activationReference, quantizeReference, resizeBilinearReference, softmaxReference,
  castReference,
  packReference, mirrorPadReference, sliceReference, splitReference, tileReference, transposeReference, spaceBatchReference, resizeNearestReference,
  nonMaxSuppressionReference, detectionPostprocessReference,
  gatherReference, gatherNdReference, oneHotReference, argMinMaxReference, topKReference, selectReference, cumsumReference, generatorsReference,
  // ADD/SUB/MUL and MEAN of int16 (int16x8 models) go on to binaryReference and meanReference from these two.
  mathBinaryReference, reductionReference, mathUnaryReference, comparisonReference,
];

const byOp = indexByOp(REFERENCE_FAMILIES);

export function referenceFamilyOf(op: string): ReferenceFamily | undefined {
  return byOp.get(op);
}

/** Every operator name the reference kernels can run (for some operand types and options). */
export function referenceOps(): string[] {
  return [...byOp.keys()];
}
