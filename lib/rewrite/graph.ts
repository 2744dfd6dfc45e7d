/**
 * The editable form of a subgraph the rewrite passes share: who produces and
 * who reads each tensor, constants (the file's, folded ones and new ones),
 * and edits that keep the operator list in data-flow order. Tensors keep
 * their indices (new ones are appended), so the weight cache names the
 * file's weights as it does without rewrites; operators keep theirs (new
 * ones get fresh indices past the file's), and each remembers the file's
 * operators it came from, for the rewrite records.
 */
import { Builder } from 'flatbuffers';
import { FlatReader, type Table } from '../model/flat-reader';
import { builtinCode, type DType } from '../model/schema';
import type { OperatorDef, Quantization, SubgraphDef, TensorDef } from '../model/types';
import { writeOptions, type OptionsSpec } from '../model/writer';
import { Node } from '../core/node';
import type { StaticValues } from '../core/static-values';

/** An options table built in memory, read back through the same bounds-checked reader as the file's. */
export function optionsTable(spec: OptionsSpec): Table {
  const b = new Builder(64);
  b.forceDefaults(true);
  b.finish(writeOptions(b, spec));
  return new FlatReader(b.asUint8Array()).rootTable();
}

/** The options table of `op` when it is of `type` (a BuiltinOptions member), else undefined. */
export function optionsOf(op: OperatorDef, type: number): Table | undefined {
  return op.optionsType === type ? op.options : undefined;
}

export class RewriteGraph {
  readonly tensors: TensorDef[];
  operators: OperatorDef[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  /** The file's operators each operator stands for. */
  private readonly origins = new Map<number, number[]>();
  private nextOperatorIndex: number;
  private readonly fileTensorCount: number;
  /** Operators whose outputs nothing reads in the file: left as they are (a session without rewrites has them too). */
  private readonly deadInFile: Set<number>;
  private producers: Map<number, OperatorDef> | undefined;
  private readers: Map<number, OperatorDef[]> | undefined;

  constructor(private readonly original: SubgraphDef, private readonly statics: StaticValues) {
    this.tensors = [...original.tensors];
    this.operators = [...original.operators];
    this.inputs = original.inputs;
    this.outputs = original.outputs;
    this.fileTensorCount = original.tensors.length;
    this.nextOperatorIndex = original.operators.reduce((m, op) => Math.max(m, op.index + 1), 0);
    for (const op of original.operators) this.origins.set(op.index, [op.index]);
    this.deadInFile = new Set(this.deadOperators().map((op) => op.index));
  }

  tensor(index: number): TensorDef {
    return this.tensors[index];
  }

  /** `op` with its tensors at hand, for the option readers and checks of lib/core. */
  node(op: OperatorDef): Node {
    return new Node(op, { name: this.original.name, tensors: this.tensors, inputs: [...this.inputs], outputs: [...this.outputs], operators: this.operators });
  }

  producer(tensor: number): OperatorDef | undefined {
    if (!this.producers) {
      this.producers = new Map();
      for (const op of this.operators) for (const o of op.outputs) this.producers.set(o, op);
    }
    return this.producers.get(tensor);
  }

  consumers(tensor: number): readonly OperatorDef[] {
    if (!this.readers) {
      this.readers = new Map();
      for (const op of this.operators) {
        for (const i of new Set(op.inputs)) if (i >= 0) (this.readers.get(i) ?? this.readers.set(i, []).get(i)!).push(op);
      }
    }
    return this.readers.get(tensor) ?? [];
  }

  isGraphOutput(tensor: number): boolean {
    return this.outputs.includes(tensor);
  }

  /** A tensor only `reader` reads and that is no graph output: its producer may be changed for `reader`'s sake. */
  onlyFeeds(tensor: number, reader: OperatorDef): boolean {
    const readers = this.consumers(tensor);
    return readers.length === 1 && readers[0] === reader && !this.isGraphOutput(tensor);
  }

  /** Whether `t` holds a value known before any run (stored, folded at load, or made by a pass). */
  isConstant(t: TensorDef): boolean {
    return t.index >= this.fileTensorCount ? t.data !== undefined : this.statics.isStatic(t);
  }

  /** The element type `t` holds at run time (float32 for an FP16 constant behind DEQUANTIZE). */
  dtype(t: TensorDef): DType {
    return t.index >= this.fileTensorCount ? t.dtype : this.statics.get(t)?.dtype ?? t.dtype;
  }

  /** A float32 constant's values. */
  float32(t: TensorDef): Float32Array | undefined {
    if (t.index < this.fileTensorCount) return this.statics.float32(t);
    if (!t.data || t.dtype !== 'float32') return undefined;
    return new Float32Array(t.data.buffer, t.data.byteOffset, t.data.length / 4);
  }

  /** An int32 or int64 constant's values (shapes, permutations, paddings). */
  integers(t: TensorDef): number[] | undefined {
    if (t.index < this.fileTensorCount) return this.statics.integers(t);
    if (!t.data || t.dtype !== 'int32') return undefined;
    return Array.from(new Int32Array(t.data.buffer, t.data.byteOffset, t.data.length / 4));
  }

  /** A new activation tensor. */
  addTensor(name: string, shape: readonly number[], dtype: DType, quantization?: Quantization): TensorDef {
    return this.push({ name, shape: [...shape], dtype, quantization });
  }

  /** A new constant, its data a fresh copy owned by the rewritten subgraph. */
  addConstant(name: string, shape: readonly number[], values: Float32Array | Int32Array): TensorDef {
    const data = new Uint8Array(values.byteLength);
    data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    return this.push({ name, shape: [...shape], dtype: values instanceof Float32Array ? 'float32' : 'int32', data });
  }

  private push(t: { name: string; shape: number[]; dtype: DType; data?: Uint8Array; quantization?: Quantization }): TensorDef {
    const def: TensorDef = { index: this.tensors.length, name: t.name, shape: t.shape, dtype: t.dtype, buffer: 0, isVariable: false };
    if (t.data) def.data = t.data;
    if (t.quantization) def.quantization = t.quantization;
    this.tensors.push(def);
    return def;
  }

  /** A new builtin operator (not yet in the graph: see replace). */
  operator(op: string, inputs: readonly number[], outputs: readonly number[], options?: OptionsSpec): OperatorDef {
    const def: OperatorDef = {
      index: this.nextOperatorIndex++, op, builtinCode: builtinCode(op), version: 1,
      inputs: [...inputs], outputs: [...outputs], optionsType: options?.type ?? 0,
    };
    if (options) def.options = optionsTable(options);
    return def;
  }

  /**
   * Puts `replacements` where the first of `removed` was and drops the rest
   * of `removed`. The replacements stand for every file operator the removed
   * ones stood for. The caller keeps the data flow in order: replacements
   * read only what is computed before the first removed operator.
   */
  replace(removed: readonly OperatorDef[], replacements: readonly OperatorDef[]): void {
    const gone = new Set(removed);
    const origins = [...new Set(removed.flatMap((op) => this.origins.get(op.index) ?? []))].sort((a, b) => a - b);
    for (const op of replacements) if (!this.origins.has(op.index)) this.origins.set(op.index, origins);
    const at = this.operators.findIndex((op) => gone.has(op));
    if (at < 0) throw new Error('replace: none of the operators to remove is in the graph');
    const kept = this.operators.filter((op, k) => k < at || !gone.has(op));
    kept.splice(at, 0, ...replacements);
    this.operators = kept;
    this.edited();
  }

  /** Every reader of tensor `from` reads tensor `to` instead (not the graph's outputs: `from` must not be one). */
  rewire(from: number, to: number): void {
    if (this.isGraphOutput(from)) throw new Error(`rewire: tensor ${from} is a graph output`);
    this.operators = this.operators.map((op) => (op.inputs.includes(from) ? { ...op, inputs: op.inputs.map((i) => (i === from ? to : i)) } : op));
    this.edited();
  }

  /** The file operators `op` stands for. */
  originOf(op: OperatorDef): number[] {
    return this.origins.get(op.index) ?? [];
  }

  private deadOperators(): OperatorDef[] {
    return this.operators.filter((op) => op.outputs.length > 0 && op.outputs.every((o) => this.consumers(o).length === 0 && !this.isGraphOutput(o)));
  }

  /** Drops operators whose outputs rewrites left unread (constant folds, mostly), until none is left. */
  removeDeadOperators(): void {
    for (;;) {
      const dead = this.deadOperators().filter((op) => !this.deadInFile.has(op.index));
      if (dead.length === 0) return;
      const gone = new Set(dead);
      this.operators = this.operators.filter((op) => !gone.has(op));
      this.edited();
    }
  }

  /** The rewritten subgraph. */
  result(): SubgraphDef {
    return { name: this.original.name, tensors: this.tensors, inputs: [...this.inputs], outputs: [...this.outputs], operators: this.operators };
  }

  private edited(): void {
    this.producers = undefined;
    this.readers = undefined;
  }
}
