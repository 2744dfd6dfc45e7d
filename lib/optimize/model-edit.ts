/**
 * A model being rewritten by the optimization tools: its description
 * (lib/model/writer's ModelSpec, read with lib/quantize/rewrite's toSpec),
 * with the float constants operators read taken apart from how the file
 * stores them (float32 or FP16 behind DEQUANTIZE, dense or sparse behind
 * DENSIFY) and stored again after an edit, in the same element type.
 */
import { densify } from '../model/sparsity';
import { float16ToFloat32, float32ToFloat16Bits } from '../model/float16';
import type { ModelSpec, OperatorSpec, TensorSpec } from '../model/writer';
import { compact } from '../quantize/passes';
import { encodeSparse, sparseBytes, SPARSITY_TABLE_BYTES } from './sparse-format';

/** A float32 constant an operator reads, decoded from its storage. */
export interface FloatConstant {
  /** The float32 tensor operators read. */
  tensor: number;
  /** The element type the file stores it in. */
  storage: 'float32' | 'float16';
  /** Stored in TFLite's sparsity format (behind DENSIFY). */
  sparse: boolean;
  shape: number[];
  /** Dense values. */
  values: Float32Array;
  /** The DENSIFY and DEQUANTIZE operators that turn the stored tensor into `tensor`. */
  chain: OperatorSpec[];
}

/** How to store an edited constant: as before, dense, or sparse when that is smaller. */
export type Encoding = 'dense' | 'smaller';

export interface Reader {
  op: OperatorSpec;
  slot: number;
}

const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

export class ModelEdit {
  readonly tensors: TensorSpec[];
  private operators: OperatorSpec[];
  /** Storage operators of rewritten constants; they read constants only, so they go first. */
  private readonly storageOps: OperatorSpec[] = [];
  private maps?: { producer: Map<number, OperatorSpec>; readers: Map<number, Reader[]> };

  constructor(private readonly spec: ModelSpec) {
    const sg = spec.subgraphs[0];
    this.tensors = sg.tensors.map((t) => ({ ...t, shape: [...t.shape] }));
    this.operators = [...sg.operators];
  }

  get modelInputs(): readonly number[] {
    return this.spec.subgraphs[0].inputs;
  }

  get modelOutputs(): readonly number[] {
    return this.spec.subgraphs[0].outputs;
  }

  /** Operators in execution order. */
  get ops(): readonly OperatorSpec[] {
    return [...this.storageOps, ...this.operators];
  }

  private index() {
    if (!this.maps) {
      const producer = new Map<number, OperatorSpec>();
      const readers = new Map<number, Reader[]>();
      for (const op of this.ops) {
        for (const o of op.outputs) producer.set(o, op);
        op.inputs.forEach((i, slot) => {
          if (i < 0) return;
          const list = readers.get(i) ?? [];
          list.push({ op, slot });
          readers.set(i, list);
        });
      }
      this.maps = { producer, readers };
    }
    return this.maps;
  }

  producer(tensor: number): OperatorSpec | undefined {
    return this.index().producer.get(tensor);
  }

  readers(tensor: number): readonly Reader[] {
    return this.index().readers.get(tensor) ?? [];
  }

  /** A constant in the file, or one made from constants by storage operators (DENSIFY, DEQUANTIZE). */
  isConstant(tensor: number): boolean {
    if (this.tensors[tensor].data) return true;
    const p = this.producer(tensor);
    return p !== undefined && (p.op === 'DEQUANTIZE' || p.op === 'DENSIFY') && p.inputs.length === 1 && p.inputs[0] >= 0 && this.isConstant(p.inputs[0]);
  }

  /** The float32 constant `tensor`, or undefined when it is not one this module can rewrite (computed, integer, shared storage). */
  readFloat(tensor: number): FloatConstant | undefined {
    const t = this.tensors[tensor];
    if ((t.dtype ?? 'float32') !== 'float32') return undefined;
    const chain: OperatorSpec[] = [];
    let at = tensor;
    let storage: 'float32' | 'float16' = 'float32';
    for (;;) {
      const s = this.tensors[at];
      if (s.data) {
        const dtype = s.dtype ?? 'float32';
        if (dtype !== storage) return undefined;
        const bytes = s.sparsity
          ? densify({ index: at, name: s.name ?? `t${at}`, shape: s.shape, dtype, buffer: 0, data: bytesOf(s.data), sparsity: s.sparsity, isVariable: false }, `tensor ${s.name ?? at}`)
          : Uint8Array.prototype.slice.call(bytesOf(s.data));
        const values = storage === 'float16' ? float16ToFloat32(bytes) : new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
        return { tensor, storage, sparse: s.sparsity !== undefined, shape: [...t.shape], values, chain };
      }
      const p = this.producer(at);
      if (!p || p.inputs.length !== 1 || p.inputs[0] < 0) return undefined;
      // Storage operators in between must feed only the next one, or rewriting them would change another reader.
      if (at !== tensor && this.readers(at).length !== 1) return undefined;
      const source = this.tensors[p.inputs[0]];
      if (p.op === 'DEQUANTIZE' && storage === 'float32' && source.dtype === 'float16' && !source.quantization) storage = 'float16';
      else if (p.op !== 'DENSIFY' || !source.data || !source.sparsity) return undefined;
      chain.unshift(p);
      at = p.inputs[0];
    }
  }

  /**
   * Stores `values` (dense, float32, of `shape`) as constant `c.tensor`, in
   * `c`'s element type: FP16 behind DEQUANTIZE if it was stored so, and in
   * TFLite's sparse format behind DENSIFY when `encoding` is 'smaller' and
   * that is smaller than dense. Returns whether it was stored sparse.
   */
  store(c: FloatConstant, values: Float32Array, shape: number[], encoding: Encoding): boolean {
    this.maps = undefined;
    const removed = new Set(c.chain);
    this.operators = this.operators.filter((op) => !removed.has(op));
    for (let k = this.storageOps.length - 1; k >= 0; k--) if (removed.has(this.storageOps[k])) this.storageOps.splice(k, 1);

    const target = this.tensors[c.tensor];
    const name = target.name ?? `t${c.tensor}`;
    const half = c.storage === 'float16';
    const elementBytes = half ? 2 : 4;
    let nonZeros = 0;
    for (const v of values) if (v !== 0) nonZeros++;
    const sparse = encoding === 'smaller' && shape.length > 0
      && sparseBytes(shape, nonZeros, elementBytes) + SPARSITY_TABLE_BYTES < values.length * elementBytes;
    const dense: ArrayBufferView = half ? Uint16Array.from(values, (v) => float32ToFloat16Bits(v)) : Float32Array.from(values);
    const dtype = half ? 'float16' as const : 'float32' as const;
    let stored: TensorSpec;
    if (sparse) {
      const { sparsity, stored: order } = encodeSparse(shape, (i) => values[i] !== 0);
      const data = half ? Uint16Array.from(order, (i) => (dense as Uint16Array)[i]) : Float32Array.from(order, (i) => values[i]);
      stored = { name: `${name}_sparse`, shape: [...shape], dtype, data, sparsity };
    } else {
      stored = { name: half ? `${name}_fp16` : name, shape: [...shape], dtype, data: dense };
    }
    this.tensors[c.tensor] = { ...target, shape: [...shape], shapeSignature: target.shapeSignature && [...shape], data: undefined, sparsity: undefined };
    if (!half && !sparse) {
      this.tensors[c.tensor] = { ...this.tensors[c.tensor], data: stored.data };
      return false;
    }
    const add = (t: TensorSpec) => this.tensors.push(t) - 1;
    let from = add(stored);
    if (sparse && half) {
      const halfDense = add({ name: `${name}_fp16`, shape: [...shape], dtype });
      this.storageOps.push({ op: 'DENSIFY', inputs: [from], outputs: [halfDense] });
      from = halfDense;
    }
    this.storageOps.push({ op: half ? 'DEQUANTIZE' : 'DENSIFY', inputs: [from], outputs: [c.tensor] });
    return sparse;
  }

  /** Makes `op` read a new tensor at input `slot`. */
  replaceInput(op: OperatorSpec, slot: number, tensor: TensorSpec): void {
    this.maps = undefined;
    const index = this.tensors.push(tensor) - 1;
    const at = this.operators.indexOf(op);
    if (at < 0) throw new Error('replaceInput: the operator is not in the model');
    this.operators[at] = { ...op, inputs: op.inputs.map((i, k) => (k === slot ? index : i)) };
  }

  /** Sets an activation tensor's shape (and its shape signature's matching dimensions). */
  reshape(tensor: number, shape: number[]): void {
    const t = this.tensors[tensor];
    const signature = t.shapeSignature?.map((d, k) => (d < 0 ? d : shape[k]));
    this.tensors[tensor] = { ...t, shape: [...shape], shapeSignature: signature };
  }

  /** The model with every edit, unused tensors dropped. */
  finish(): ModelSpec {
    const sg = this.spec.subgraphs[0];
    return compact({ ...this.spec, subgraphs: [{ ...sg, tensors: this.tensors, operators: [...this.ops] }] });
  }
}
