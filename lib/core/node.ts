import type { Table } from '../model/flat-reader';
import type { OperatorDef, SubgraphDef, TensorDef } from '../model/types';

/** One operator of a subgraph, with its tensors at hand. */
export class Node {
  constructor(
    readonly def: OperatorDef,
    readonly subgraph: SubgraphDef,
  ) {}

  get op(): string {
    return this.def.op;
  }

  /** `CONV_2D #12`: how errors name the operator. */
  get label(): string {
    return `${this.def.op} #${this.def.index}`;
  }

  get inputCount(): number {
    return this.def.inputs.length;
  }

  get outputCount(): number {
    return this.def.outputs.length;
  }

  /** Input `k`, or undefined if it is omitted (index -1) or absent. */
  input(k: number): TensorDef | undefined {
    const i = this.def.inputs[k];
    return i === undefined || i < 0 ? undefined : this.subgraph.tensors[i];
  }

  /** Input `k`, which the op's check has already required. */
  in(k: number): TensorDef {
    return this.input(k) as TensorDef;
  }

  output(k: number): TensorDef {
    return this.subgraph.tensors[this.def.outputs[k]];
  }

  get options(): Table | undefined {
    return this.def.options;
  }
}
