// What the int16x8 kernels with weights share: one requantization multiplier
// per output channel, and the bias element size.
import type { Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { TensorDef } from '../../model/types';
import { quantOf, type ProgramBuilder } from '../program-builder';

/** input scale x weight scale (per channel, or one for all) / output scale, for each of `channels` outputs. */
export function outputMultipliers(node: Node, channels: number): number[] {
  const inScale = quantOf(node.in(0)).scale;
  const outScale = quantOf(node.output(0)).scale;
  const weightScales = node.in(1).quantization!.scale;
  return Array.from({ length: channels }, (_, c) => (inScale * weightScales[weightScales.length === 1 ? 0 : c]) / outScale);
}

export function biasElementSize(bias: TensorDef | undefined, b: ProgramBuilder): number {
  if (!bias) return 0;
  return (b.statics.get(bias)?.dtype ?? bias.dtype) === 'int64' ? 8 : 4;
}

/** Weight scales must be one per tensor or one per output channel along the filter's output-channel axis. */
export function weightScalesFit(node: Node, channels: number, axis: number): string | undefined {
  const q = node.in(1).quantization!;
  if (q.scale.length === 1) return undefined;
  return q.scale.length === channels && q.quantizedDimension === axis ? undefined
    : `weight scales (got ${q.scale.length} along dimension ${q.quantizedDimension}, expected 1 or ${channels} along dimension ${axis})`;
}

/** TFLite's int16x8 kernels accumulate in 48 bits; the reference kernels refuse biases outside that range. */
const ACCUMULATOR_LIMIT = 2n ** 47n;

/** An int64 bias must fit the 48-bit accumulator, or sums with it overflow. */
export function biasFits(node: Node, statics: StaticValues): Reason {
  const bias = node.input(2);
  const value = bias ? statics.get(bias) : undefined;
  if (!value?.bytes || value.dtype !== 'int64') return undefined;
  const view = new DataView(value.bytes.buffer, value.bytes.byteOffset, value.bytes.length);
  for (let i = 0; i + 8 <= value.bytes.length; i += 8) {
    const v = view.getBigInt64(i, true);
    if (v > ACCUMULATOR_LIMIT || v < -ACCUMULATOR_LIMIT) return `bias ${i / 8} (got ${v}, expected within ±2^47, the range of TFLite's 48-bit accumulator)`;
  }
  return undefined;
}
