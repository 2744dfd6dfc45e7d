// Index, selection and generator operators: integer indices, masks and shapes.
import { sameAsInput } from '../core/shapes/elementwise';
import {
  argMinMaxShape, embeddingLookupShape, fillShape, gatherNdShape, gatherShape, oneHotShape, rangeShape, scatterNdShape, selectShape, shapeOfShape,
  topKShape, whereShape,
} from '../core/shapes/selection';
import { argMinMaxReference } from '../reference/ops/arg-min-max';
import { cumsumReference } from '../reference/ops/cumsum';
import { gatherReference } from '../reference/ops/gather';
import { gatherNdReference } from '../reference/ops/gather-nd';
import { generatorsReference } from '../reference/ops/generators';
import { oneHotReference } from '../reference/ops/one-hot';
import { selectReference } from '../reference/ops/select';
import { topKReference } from '../reference/ops/top-k';
import { alike, type OpDescriptors } from './descriptor';

export const SELECTION_OPS: OpDescriptors = {
  GATHER: { reference: gatherReference, shape: gatherShape },
  EMBEDDING_LOOKUP: { reference: gatherReference, shape: embeddingLookupShape },
  GATHER_ND: { reference: gatherNdReference, shape: gatherNdShape },
  SCATTER_ND: { reference: gatherNdReference, shape: scatterNdShape },
  ONE_HOT: { reference: oneHotReference, shape: oneHotShape },
  ...alike(['ARG_MAX', 'ARG_MIN'], { reference: argMinMaxReference, shape: argMinMaxShape }),
  TOPK_V2: { reference: topKReference, shape: topKShape },
  ...alike(['SELECT', 'SELECT_V2'], { reference: selectReference, shape: selectShape }),
  CUMSUM: { reference: cumsumReference, shape: sameAsInput },
  SHAPE: { reference: generatorsReference, shape: shapeOfShape },
  FILL: { reference: generatorsReference, shape: fillShape },
  ZEROS_LIKE: { reference: generatorsReference, shape: sameAsInput },
  RANGE: { reference: generatorsReference, shape: rangeShape },
  WHERE: { reference: generatorsReference, shape: whereShape },
};
