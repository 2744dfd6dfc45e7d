import { float16ToFloat32 } from '../model/float16';
import type { DType } from '../model/schema';
import type { SubgraphDef, TensorDef } from '../model/types';

export interface StaticValue {
  dtype: DType;
  /** The values' bytes; for a folded FP16 DEQUANTIZE, converted on first use (see `float32`). */
  bytes?: Uint8Array;
  /** For a folded FP16 DEQUANTIZE: the FP16 bytes it dequantizes. */
  float16?: Uint8Array;
}

/** How an operator that only transforms a constant is folded into one at load (its descriptor's `fold`, lib/ops). */
export interface ConstantFold {
  /** What the input must be for the fold to apply, e.g. 'a static sparse constant'. */
  readonly applies: string;
  /** The folded output, or undefined when the input is not one this fold applies to. `where` names the operator in errors. */
  fold(input: TensorDef, output: TensorDef, source: StaticValue | undefined, where: string): StaticValue | undefined;
}

/**
 * The constants of a subgraph: tensors with data in the file, and the
 * outputs of operators that only transform constants (DENSIFY of a sparse
 * constant, DEQUANTIZE of an FP16 constant: their descriptors' folds). Those
 * operators are folded here at load and run nowhere.
 */
export class StaticValues {
  private readonly values = new Map<number, StaticValue>();
  private readonly foldedOps = new Set<number>();
  private readonly float32Cache = new Map<number, Float32Array>();

  /** `foldOf`: the constant fold of an operator, if it has one (lib/ops/registry.ts). */
  constructor(private readonly subgraph: SubgraphDef, subgraphIndex: number, foldOf: (op: string) => ConstantFold | undefined) {
    for (const t of subgraph.tensors) {
      if (t.data && !t.sparsity) this.values.set(t.index, { dtype: t.dtype, bytes: t.data });
    }
    for (const op of subgraph.operators) {
      const input = op.inputs.length === 1 && op.outputs.length === 1 && op.inputs[0] >= 0 ? subgraph.tensors[op.inputs[0]] : undefined;
      if (!input) continue;
      const fold = foldOf(op.op);
      const folded = fold?.fold(input, subgraph.tensors[op.outputs[0]], this.values.get(input.index), `Model.subgraphs[${subgraphIndex}].operators[${op.index}] (${op.op})`);
      if (!folded) continue;
      this.values.set(op.outputs[0], folded);
      this.foldedOps.add(op.index);
    }
  }

  /** A copy, to add the values a session's shapes make constant to (see `foldShapeValue`). */
  derive(): StaticValues {
    const copy = new StaticValues(this.subgraph, 0, () => undefined);
    for (const [k, v] of this.values) copy.values.set(k, v);
    for (const op of this.foldedOps) copy.foldedOps.add(op);
    return copy;
  }

  /**
   * Records tensor `t`'s value, computed when the session was planned by
   * operator `opIndex` (a shape computation: lib/core/shape-values.ts),
   * which then runs nowhere.
   */
  foldShapeValue(opIndex: number, t: number, value: StaticValue): void {
    this.values.set(t, value);
    this.foldedOps.add(opIndex);
  }

  isStatic(t: TensorDef | undefined): boolean {
    return t !== undefined && this.values.has(t.index);
  }

  /** How many constants the file stores in TFLite's sparse format (folded from DENSIFY). */
  get sparseConstants(): number {
    let n = 0;
    for (const op of this.subgraph.operators) if (op.op === 'DENSIFY' && this.foldedOps.has(op.index)) n++;
    return n;
  }

  /** True for operators folded into constants at load. */
  isFolded(opIndex: number): boolean {
    return this.foldedOps.has(opIndex);
  }

  get(t: TensorDef): StaticValue | undefined {
    return this.values.get(t.index);
  }

  /** A static float32 tensor's values (aligned copy if the file's bytes are not 4-byte aligned). */
  float32(t: TensorDef): Float32Array | undefined {
    const cached = this.float32Cache.get(t.index);
    if (cached) return cached;
    const v = this.values.get(t.index);
    if (!v || v.dtype !== 'float32') return undefined;
    let out: Float32Array;
    if (v.float16) out = float16ToFloat32(v.float16);
    else if (aligned(v.bytes!, 4)) out = new Float32Array(v.bytes!.buffer, v.bytes!.byteOffset, v.bytes!.length / 4);
    else out = new Float32Array(Uint8Array.prototype.slice.call(v.bytes!).buffer);
    this.float32Cache.set(t.index, out);
    return out;
  }

  /** The FP16 bytes behind a folded DEQUANTIZE, if `t` is one. */
  float16Source(t: TensorDef): Uint8Array | undefined {
    return this.values.get(t.index)?.float16;
  }

  /** A static int32 (or int64) tensor's values as numbers, e.g. shapes, axes and paddings. */
  integers(t: TensorDef | undefined): number[] | undefined {
    if (!t) return undefined;
    const v = this.values.get(t.index);
    if (!v || !v.bytes) return undefined;
    const view = new DataView(v.bytes.buffer, v.bytes.byteOffset, v.bytes.length);
    if (v.dtype === 'int32') return Array.from({ length: v.bytes.length / 4 }, (_, i) => view.getInt32(4 * i, true));
    if (v.dtype === 'int64') return Array.from({ length: v.bytes.length / 8 }, (_, i) => Number(view.getBigInt64(8 * i, true)));
    return undefined;
  }

  get subgraphDef(): SubgraphDef {
    return this.subgraph;
  }
}

function aligned(bytes: Uint8Array, alignment: number): boolean {
  return bytes.byteOffset % alignment === 0 && bytes.length % alignment === 0;
}
