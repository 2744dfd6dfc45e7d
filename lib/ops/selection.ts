// Index, selection and generator operators: integer indices, masks and shapes.
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
  ...alike(['GATHER', 'EMBEDDING_LOOKUP'], { reference: gatherReference }),
  ...alike(['GATHER_ND', 'SCATTER_ND'], { reference: gatherNdReference }),
  ONE_HOT: { reference: oneHotReference },
  ...alike(['ARG_MAX', 'ARG_MIN'], { reference: argMinMaxReference }),
  TOPK_V2: { reference: topKReference },
  ...alike(['SELECT', 'SELECT_V2'], { reference: selectReference }),
  CUMSUM: { reference: cumsumReference },
  ...alike(['SHAPE', 'FILL', 'ZEROS_LIKE', 'RANGE', 'WHERE'], { reference: generatorsReference }),
};
