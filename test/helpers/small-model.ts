// A small model with a few operators, constants, metadata and a signature,
// for reader, session and malformed-file tests.
import { writeModel, type ModelSpec } from '../../lib/model/writer';
import { arithmetic, conv2d, pool } from './options';
import { weights } from './op-model';

export function smallModelSpec(): ModelSpec {
  return {
    description: 'xnnlite test model',
    subgraphs: [{
      name: 'main',
      tensors: [
        { name: 'image', shape: [1, 8, 8, 3] },
        { name: 'filter', shape: [4, 3, 3, 3], data: weights([4, 3, 3, 3]) },
        { name: 'bias', shape: [4], data: weights([4], 2) },
        { name: 'conv', shape: [1, 8, 8, 4] },
        { name: 'pooled', shape: [1, 4, 4, 4] },
        { name: 'offset', shape: [4], data: Float32Array.from([0.5, -0.5, 1, 0]) },
        { name: 'scores', shape: [1, 4, 4, 4] },
        { name: 'probabilities', shape: [1, 4, 4, 4] },
      ],
      inputs: [0],
      outputs: [6, 7],
      operators: [
        { op: 'CONV_2D', inputs: [0, 1, 2], outputs: [3], options: conv2d({ activation: 'RELU' }) },
        { op: 'MAX_POOL_2D', inputs: [3], outputs: [4], options: pool({ filter: [2, 2], stride: [2, 2], padding: 'VALID' }) },
        { op: 'ADD', inputs: [4, 5], outputs: [6], options: arithmetic('ADD') },
        { op: 'LOGISTIC', inputs: [6], outputs: [7] },
      ],
    }],
    metadata: [{ name: 'min_runtime_version', data: new TextEncoder().encode('1.5.0') }],
    signatureDefs: [{ key: 'serving_default', subgraphIndex: 0, inputs: [{ name: 'image', tensorIndex: 0 }], outputs: [{ name: 'scores', tensorIndex: 6 }, { name: 'probabilities', tensorIndex: 7 }] }],
  };
}

export function smallModel(externalBuffers = false): Uint8Array {
  return writeModel({ ...smallModelSpec(), externalBuffers });
}
