/**
 * The tensors of a session plan: the model tensors that XNNPACK partitions
 * exchange, that reference kernels read and write, and the session's inputs
 * and outputs (all in the arena), and the constants reference kernels read.
 * Each records the plan steps during which it holds a value, for the arena.
 */
import { UnsupportedOpError } from '../errors';
import { DTYPE_BYTES } from '../model/schema';
import type { SubgraphDef, TensorDef } from '../model/types';
import type { StaticValues } from '../core/static-values';
import { elementCount } from '../model/element-count';
import type { OperandTable } from '../reference/program-builder';

export interface PlanTensor {
  def: TensorDef;
  bytes: number;
  /** A constant's bytes (a view into the model file where possible). */
  data?: Uint8Array;
  first: number;
  last: number;
}

export class TensorTable implements OperandTable {
  readonly tensors: PlanTensor[] = [];
  /** The plan step being encoded: every tensor used now is live during it. */
  step = 0;
  private readonly ids = new Map<number, number>();
  private readonly written = new Set<number>();

  constructor(readonly statics: StaticValues, subgraph: SubgraphDef) {
    for (const op of subgraph.operators) if (!statics.isFolded(op.index)) for (const o of op.outputs) this.written.add(o);
  }

  /** The plan tensor of model tensor `t`, live during the current step. */
  use(t: TensorDef): number {
    let id = this.ids.get(t.index);
    if (id === undefined) {
      id = this.tensors.length;
      this.tensors.push(this.describe(t));
      this.ids.set(t.index, id);
    }
    const entry = this.tensors[id];
    entry.last = Math.max(entry.last, this.step);
    return id;
  }

  /** Keeps `id` live to the end (a session output). */
  keepToEnd(id: number, lastStep: number): void {
    this.tensors[id].last = Math.max(this.tensors[id].last, lastStep);
  }

  private describe(t: TensorDef): PlanTensor {
    const stored = this.statics.get(t);
    const dtype = stored?.dtype ?? t.dtype;
    const bytes = elementCount(t.shape) * DTYPE_BYTES[dtype];
    // A tensor no operator writes (a session input, or one nobody computes) holds its value from the start.
    const first = this.written.has(t.index) ? this.step : 0;
    if (!this.statics.isStatic(t)) return { def: t, bytes, first, last: this.step };
    const floats = stored?.float16 ? this.statics.float32(t) : undefined;
    const data = floats ? new Uint8Array(floats.buffer, floats.byteOffset, floats.byteLength) : stored?.bytes;
    if (!data || data.byteLength !== bytes) {
      throw new UnsupportedOpError('graph', -1, `constant ${t.name} (${dtype}, shape [${t.shape}]) holds ${data?.byteLength ?? 0} bytes, expected ${bytes}`);
    }
    return { def: t, bytes, data, first: 0, last: this.step };
  }
}
