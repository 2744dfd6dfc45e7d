// The MediaPipe models xnnlite is tested and measured on; the list lives in bench/lib/zoo.js, shared with the benchmark.
export interface ZooModel {
  name: string;
  file: string;
  /** The range the model's input expects. */
  inputRange: [number, number];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const zoo = require('../../bench/lib/zoo.js') as { ZOO: readonly ZooModel[]; zooModel(name: string): ZooModel };

export const ZOO = zoo.ZOO;
export const zooModel = zoo.zooModel;
