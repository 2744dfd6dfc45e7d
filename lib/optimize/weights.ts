/** The weights pruning and clustering act on: the filters of convolutions and fully-connected layers. */
import type { FloatConstant, ModelEdit } from './model-edit';

/** Operators whose input 1 is a filter, and the axis of the filter's output channels. */
export const WEIGHT_OPERATORS: Readonly<Record<string, { channelAxis: number }>> = {
  CONV_2D: { channelAxis: 0 },
  DEPTHWISE_CONV_2D: { channelAxis: 3 },
  FULLY_CONNECTED: { channelAxis: 0 },
};

export interface Weight {
  constant: FloatConstant;
  name: string;
  channelAxis: number;
}

export interface SkippedWeight {
  name: string;
  reason: string;
}

/** Every filter stored as float32 or FP16 (dense or sparse), once each, and those left alone with the reason. */
export function findWeights(edit: ModelEdit): { weights: Weight[]; skipped: SkippedWeight[] } {
  const weights: Weight[] = [];
  const skipped: SkippedWeight[] = [];
  const seen = new Set<number>();
  for (const op of edit.ops) {
    const kind = WEIGHT_OPERATORS[op.op];
    const tensor = op.inputs[1];
    if (!kind || op.custom || tensor === undefined || tensor < 0 || seen.has(tensor)) continue;
    seen.add(tensor);
    const t = edit.tensors[tensor];
    const name = t.name ?? `t${tensor}`;
    const others = edit.readers(tensor).filter((r) => r.slot !== 1 || WEIGHT_OPERATORS[r.op.op]?.channelAxis !== kind.channelAxis);
    if (others.length > 0) {
      skipped.push({ name, reason: `also read by ${others[0].op.op} as its input ${others[0].slot}` });
      continue;
    }
    const constant = edit.readFloat(tensor);
    if (!constant) {
      const dtype = t.dtype ?? 'float32';
      skipped.push({ name, reason: dtype !== 'float32' ? `stored as ${dtype}` : edit.isConstant(tensor) ? 'stored in a form other than float32 or FP16' : 'computed at run time' });
      continue;
    }
    weights.push({ constant, name, channelAxis: kind.channelAxis });
  }
  return { weights, skipped };
}
