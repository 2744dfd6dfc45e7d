/**
 * Structured pruning: whole output channels of CONV_2D operators removed
 * (those of lowest L1 norm), and every operator that reads them rewritten,
 * giving a smaller dense model.
 *
 * Channels are tied together across operators: a residual ADD joins the
 * channels of the convolutions on both sides, a squeeze-and-excitation MUL
 * joins a block's channels with its gate's. So the unit of pruning is a
 * channel group: the activation tensors (NHWC, channels last) whose last
 * dimension indexes the same channels, found by following operators that
 * keep channels in place (activations, pooling, a depthwise convolution with
 * multiplier 1, elementwise arithmetic). A group's channels are ranked by the
 * summed L1 norms of the filters of the convolutions that write it, and
 * removed from all of them at once; the convolutions and fully-connected
 * layers that read the group lose the matching input channels, and per-channel
 * constants (biases, depthwise filters, PReLU slopes, elementwise constants)
 * the matching entries. A PAD that appends zero channels (BlazeFace's
 * residual paths widen so) joins its input's channels to the first ones of its
 * output: a group's tensors may then hold a prefix of its channels, and the
 * PAD appends only the padded channels that remain. A group that reaches
 * anything else (a reshape, a concatenation, a model input or output) keeps
 * its channels, and the notes say why.
 */
import type { OperatorSpec } from '../model/writer';
import type { FloatConstant, ModelEdit } from './model-edit';

/** Operators whose output 0 keeps the channels of input 0 in place (other inputs, if any, are sizes or constants). */
const KEEPS_CHANNELS = new Set([
  'RELU', 'RELU6', 'RELU_N1_TO_1', 'RELU_0_TO_1', 'LOGISTIC', 'TANH', 'HARD_SWISH', 'LEAKY_RELU', 'ELU', 'GELU',
  'ABS', 'NEG', 'EXP', 'LOG', 'SQRT', 'RSQRT', 'SQUARE', 'FLOOR', 'CEIL', 'ROUND', 'SIN', 'COS',
  'MAX_POOL_2D', 'AVERAGE_POOL_2D', 'L2_POOL_2D', 'RESIZE_BILINEAR', 'RESIZE_NEAREST_NEIGHBOR',
]);
/** Keep channels unless they pad the last dimension. */
const PADS = new Set(['PAD', 'PADV2', 'MIRROR_PAD']);
/** Keep channels unless they reduce the last dimension. */
const REDUCES = new Set(['MEAN', 'SUM', 'REDUCE_MAX', 'REDUCE_MIN']);
const ELEMENTWISE = new Set(['ADD', 'SUB', 'MUL', 'DIV', 'MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE']);

/** A constant to cut along one axis when its group loses channels; `member` is the group's tensor whose channels the axis runs over. */
interface Cut {
  tensor: number;
  axis: number;
  member: number;
}

/** A PAD appending channels to `member`'s group: its output holds the input's `from` channels, then padding. */
interface ChannelPad {
  op: OperatorSpec;
  from: number;
  member: number;
}

interface Group {
  members: Set<number>;
  /** CONV_2D operators writing the group, with their filters (channels on axis 0) and biases. */
  sources: OperatorSpec[];
  cuts: Cut[];
  pads: ChannelPad[];
  blocked: string[];
}

class UnionFind {
  private readonly parent = new Map<number, number>();
  find(x: number): number {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(x, root);
    return root;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
  /** Every element ever joined to another. */
  elements(): IterableIterator<number> {
    return this.parent.keys();
  }
}

const lastDim = (shape: readonly number[]) => (shape.length > 0 ? shape[shape.length - 1] : 0);

function int32Values(edit: ModelEdit, tensor: number): Int32Array | undefined {
  const t = edit.tensors[tensor];
  if (!t?.data || t.dtype !== 'int32' || t.sparsity) return undefined;
  const d = t.data;
  return new Int32Array(Uint8Array.prototype.slice.call(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).buffer);
}

/** A PAD that pads channels at their end only (spatial padding aside). */
function appendsChannels(edit: ModelEdit, op: OperatorSpec): boolean {
  const rank = edit.tensors[op.inputs[0]].shape.length;
  const pads = int32Values(edit, op.inputs[1]);
  return pads !== undefined && pads.length === 2 * rank && pads[2 * rank - 2] === 0 && pads[2 * rank - 1] > 0;
}

/** Finds the channel groups of a model and what each one needs rewritten. */
function channelGroups(edit: ModelEdit): Group[] {
  const shapeOf = (t: number) => edit.tensors[t].shape;
  const isActivation = (t: number) => t >= 0 && !edit.isConstant(t) && (edit.tensors[t].dtype ?? 'float32') === 'float32';
  const groups = new UnionFind();
  /** What each operator means for the group of a tensor, resolved once the groups are known. */
  const effects: { tensor: number; apply: (g: Group) => void }[] = [];
  const block = (tensor: number, reason: string) => effects.push({ tensor, apply: (g) => g.blocked.push(reason) });
  const cut = (tensor: number, constant: number, axis: number) => {
    if (constant >= 0) effects.push({ tensor, apply: (g) => g.cuts.push({ tensor: constant, axis, member: tensor }) });
  };
  const name = (op: OperatorSpec, k: number) => `${op.op} #${k}`;

  edit.ops.forEach((op, k) => {
    if ((op.op === 'DEQUANTIZE' || op.op === 'DENSIFY') && op.inputs.length === 1 && edit.isConstant(op.inputs[0])) return;
    const [x] = op.inputs;
    const [y] = op.outputs;
    const keepsLast = () => {
      if (PADS.has(op.op)) {
        const pads = int32Values(edit, op.inputs[1]);
        return pads !== undefined && pads.length === 2 * shapeOf(x).length && pads[pads.length - 1] === 0 && pads[pads.length - 2] === 0;
      }
      if (REDUCES.has(op.op)) {
        const axes = int32Values(edit, op.inputs[1]);
        const rank = shapeOf(x).length;
        return axes !== undefined && [...axes].every((a) => a !== rank - 1 && a !== -1);
      }
      return KEEPS_CHANNELS.has(op.op);
    };
    if (!op.custom && x !== undefined && y !== undefined && isActivation(x) && lastDim(shapeOf(x)) === lastDim(shapeOf(y))
      && (KEEPS_CHANNELS.has(op.op) || PADS.has(op.op) || REDUCES.has(op.op)) && keepsLast()) {
      groups.union(x, y);
      return;
    }
    if (!op.custom && (op.op === 'PAD' || op.op === 'PADV2') && isActivation(x) && appendsChannels(edit, op)) {
      groups.union(x, y);
      effects.push({ tensor: y, apply: (g) => g.pads.push({ op, from: lastDim(shapeOf(x)), member: y }) });
      return;
    }
    if (!op.custom && op.op === 'DEPTHWISE_CONV_2D' && isActivation(x) && lastDim(shapeOf(op.inputs[1])) === lastDim(shapeOf(x))) {
      groups.union(x, y);
      cut(y, op.inputs[1], 3);
      if (op.inputs[2] !== undefined) cut(y, op.inputs[2], 0);
      return;
    }
    if (!op.custom && op.op === 'PRELU' && isActivation(x) && !isActivation(op.inputs[1])) {
      groups.union(x, y);
      if (lastDim(shapeOf(op.inputs[1])) > 1) cut(y, op.inputs[1], shapeOf(op.inputs[1]).length - 1);
      return;
    }
    if (!op.custom && ELEMENTWISE.has(op.op) && op.inputs.length === 2) {
      const channels = lastDim(shapeOf(y));
      for (const input of op.inputs) {
        const d = lastDim(shapeOf(input));
        if (d !== channels) continue; // Broadcast along channels (a last dimension of 1, or a scalar).
        if (isActivation(input)) groups.union(input, y);
        else if (edit.isConstant(input)) cut(y, input, shapeOf(input).length - 1);
        else block(y, `${name(op, k)} combines it with a ${edit.tensors[input].dtype} tensor`);
      }
      return;
    }
    if (!op.custom && op.op === 'CONV_2D') {
      if (lastDim(shapeOf(op.inputs[1])) === lastDim(shapeOf(x))) cut(x, op.inputs[1], 3);
      else block(x, `${name(op, k)} reads it as a grouped convolution`);
      effects.push({ tensor: y, apply: (g) => g.sources.push(op) });
      return;
    }
    if (!op.custom && op.op === 'FULLY_CONNECTED' && shapeOf(x).length === 2 && shapeOf(op.inputs[1]).length === 2) {
      cut(x, op.inputs[1], 1);
      block(y, `written by ${name(op, k)}`);
      return;
    }
    for (const i of op.inputs) if (i >= 0 && isActivation(i)) block(i, `read by ${name(op, k)}`);
    for (const o of op.outputs) if (o >= 0) block(o, `written by ${name(op, k)}`);
  });
  for (const i of edit.modelInputs) block(i, 'a model input');
  for (const o of edit.modelOutputs) block(o, 'a model output');

  const byRoot = new Map<number, Group>();
  const groupOf = (tensor: number) => {
    const root = groups.find(tensor);
    let g = byRoot.get(root);
    if (!g) byRoot.set(root, g = { members: new Set(), sources: [], cuts: [], pads: [], blocked: [] });
    g.members.add(tensor);
    return g;
  };
  for (const t of groups.elements()) groupOf(t);
  for (const e of effects) e.apply(groupOf(e.tensor));
  return [...byRoot.values()];
}

/** Copies `values` of `shape` keeping only indices `keep` along `axis`. */
function sliceAxis(values: Float32Array, shape: readonly number[], axis: number, keep: readonly number[]): { values: Float32Array; shape: number[] } {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = shape[axis];
  const out = new Float32Array(outer * keep.length * inner);
  let at = 0;
  for (let o = 0; o < outer; o++) {
    for (const k of keep) {
      out.set(values.subarray((o * n + k) * inner, (o * n + k + 1) * inner), at);
      at += inner;
    }
  }
  return { values: out, shape: shape.map((d, i) => (i === axis ? keep.length : d)) };
}

/** Removes the `sparsity` fraction of output channels of every CONV_2D whose channels can be removed; returns notes. */
export function pruneChannels(edit: ModelEdit, sparsity: number): string[] {
  const groups = channelGroups(edit).filter((g) => g.sources.length > 0);
  if (groups.length === 0) throw new TypeError('the model has no CONV_2D operators whose output channels could be pruned');
  const indexOf = new Map(edit.ops.map((op, k) => [op, k]));
  const convName = (op: OperatorSpec) => `CONV_2D #${indexOf.get(op)} (${edit.tensors[op.outputs[0]].name ?? `t${op.outputs[0]}`})`;

  // Every constant to cut, with the number of operator inputs that read it: a constant shared with another reader cannot be cut.
  const constants = new Map<number, { constant: FloatConstant; values: Float32Array; shape: number[] }>();
  const readConstant = (tensor: number) => {
    if (!constants.has(tensor)) {
      const c = edit.readFloat(tensor);
      if (c) constants.set(tensor, { constant: c, values: c.values, shape: c.shape });
    }
    return constants.get(tensor);
  };
  for (const g of groups) {
    for (const source of g.sources) {
      g.cuts.push({ tensor: source.inputs[1], axis: 0, member: source.outputs[0] });
      if (source.inputs[2] !== undefined && source.inputs[2] >= 0) g.cuts.push({ tensor: source.inputs[2], axis: 0, member: source.outputs[0] });
    }
    for (const c of g.cuts) {
      const t = edit.tensors[c.tensor];
      if (!readConstant(c.tensor)) g.blocked.push(`constant ${t.name ?? c.tensor} is not float32 or FP16`);
      else if (edit.readers(c.tensor).length !== 1) g.blocked.push(`constant ${t.name ?? c.tensor} is shared by ${edit.readers(c.tensor).length} operators`);
    }
  }

  const notes: string[] = [];
  let removed = 0;
  let before = 0;
  let pruned = 0;
  for (const g of groups) {
    if (g.blocked.length > 0) {
      notes.push(`kept the channels of ${g.sources.map(convName).join(', ')}: ${[...new Set(g.blocked)].join('; ')}`);
      continue;
    }
    // Each tensor holds the first `width` of the group's channels (all of them, unless a PAD appends to it).
    const width = new Map([...g.members].map((t) => [t, lastDim(edit.tensors[t].shape)]));
    const channels = Math.max(...width.values());
    const narrowest = Math.min(...width.values());
    const drop = Math.min(channels - 1, Math.round(sparsity * channels));
    if (drop === 0) continue;
    // A channel's norm: the mean over the convolutions that write it (with PADs in the group, the
    // first channels have more writers than the padded ones; a sum would favour them).
    const norms = new Float64Array(channels);
    const writers = new Float64Array(channels);
    for (const source of g.sources) {
      const { values } = constants.get(source.inputs[1])!;
      const w = width.get(source.outputs[0])!;
      const per = values.length / w;
      for (let c = 0; c < w; c++) {
        for (let i = c * per; i < (c + 1) * per; i++) norms[c] += Math.abs(values[i]);
        writers[c]++;
      }
    }
    for (let c = 0; c < channels; c++) norms[c] /= Math.max(1, writers[c]);
    // Lowest norms go; ties go in channel order, so the result does not depend on the sort. The strongest
    // of the channels every tensor holds stays, so that no tensor is left without channels.
    const order = Array.from({ length: channels }, (_, c) => c).sort((a, b) => norms[a] - norms[b] || a - b);
    const protect = order.filter((c) => c < narrowest).pop()!;
    const gone = new Set(order.filter((c) => c !== protect).slice(0, drop));
    const keepFor = (member: number) => Array.from({ length: width.get(member)! }, (_, c) => c).filter((c) => !gone.has(c));
    for (const c of g.cuts) {
      const entry = constants.get(c.tensor)!;
      const sliced = sliceAxis(entry.values, entry.shape, c.axis, keepFor(c.member));
      entry.values = sliced.values;
      entry.shape = sliced.shape;
    }
    for (const pad of g.pads) {
      const appended = keepFor(pad.member).filter((c) => c >= pad.from).length;
      const pads = int32Values(edit, pad.op.inputs[1])!;
      pads[pads.length - 1] = appended;
      // A new constant: the old one may be shared with other PADs.
      edit.replaceInput(pad.op, 1, { name: `${edit.tensors[pad.op.inputs[1]].name ?? 'paddings'}_pruned`, shape: [...edit.tensors[pad.op.inputs[1]].shape], dtype: 'int32', data: pads });
    }
    for (const t of g.members) {
      const shape = edit.tensors[t].shape;
      edit.reshape(t, shape.map((d, i) => (i === shape.length - 1 ? keepFor(t).length : d)));
    }
    for (const source of g.sources) {
      const w = width.get(source.outputs[0])!;
      before += w;
      removed += w - keepFor(source.outputs[0]).length;
    }
    pruned += g.sources.length;
  }
  for (const { constant, values, shape } of constants.values()) {
    if (values !== constant.values) edit.store(constant, values, shape, constant.sparse ? 'smaller' : 'dense');
  }
  const convolutions = groups.reduce((n, g) => n + g.sources.length, 0);
  notes.unshift(`removed ${removed} of the ${before} output channels of ${pruned} convolution(s); ${convolutions - pruned} of ${convolutions} kept theirs`);
  return notes;
}
