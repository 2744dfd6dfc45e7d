/** The reference kernels' op registry: the one lookup from operator name to reference family. */
import type { SubgraphDef } from '../model/types';
import { indexByOp } from '../graph/registry';
import type { StaticValues } from '../graph/static-values';
import type { ReferenceFamily } from './family';
import { activationReference } from './ops/activation';
import { binaryReference } from './ops/binary';
import { castReference } from './ops/cast';
import { convolutionReference } from './ops/convolution';
import { concatenationReference, padReference, reshapeReference } from './ops/data-movement';
import { fullyConnectedReference } from './ops/fully-connected';
import { meanReference } from './ops/mean';
import { poolingReference } from './ops/pooling';
import { quantizeReference } from './ops/quantize';
import { resizeBilinearReference } from './ops/resize-bilinear';
import { softmaxReference } from './ops/softmax';
import { argMinMaxReference } from './ops/arg-min-max';
import { cumsumReference } from './ops/cumsum';
import { gatherReference } from './ops/gather';
import { gatherNdReference } from './ops/gather-nd';
import { generatorsReference } from './ops/generators';
import { oneHotReference } from './ops/one-hot';
import { selectReference } from './ops/select';
import { topKReference } from './ops/top-k';

export const REFERENCE_FAMILIES: readonly ReferenceFamily[] = [
  convolutionReference, fullyConnectedReference, binaryReference, poolingReference, meanReference,
  reshapeReference, padReference, concatenationReference, activationReference, quantizeReference, resizeBilinearReference, softmaxReference,
  castReference,
  gatherReference, gatherNdReference, oneHotReference, argMinMaxReference, topKReference, selectReference, cumsumReference, generatorsReference,
];

const byOp = indexByOp(REFERENCE_FAMILIES);

export function referenceFamilyOf(op: string): ReferenceFamily | undefined {
  return byOp.get(op);
}

/**
 * A subgraph runs on the reference kernels when a tensor computed at run
 * time is int16: TFLite's int16x8 models, which XNNPACK has no kernels for.
 */
export function needsReferenceKernels(subgraph: SubgraphDef, statics: StaticValues): boolean {
  return subgraph.tensors.some((t) => t.dtype === 'int16' && !statics.isStatic(t));
}
