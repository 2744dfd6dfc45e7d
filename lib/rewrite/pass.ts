/** What a rewrite rule is, and what it reports having done. */
import type { OperatorDef, Quantization, TensorDef } from '../model/types';
import { Activation, BuiltinOptions, OptionSlot } from '../model/schema';
import type { OptionsSpec } from '../model/writer';
import type { RewriteGraph } from './graph';

/** One rewrite made: the rule, and the file's operators it replaced (their indices in the file). */
export interface RewriteRecord {
  rule: string;
  operators: number[];
}

export interface RewritePass {
  /** The rule's name, as `xnnlite inspect` lists it. */
  readonly name: string;
  /** What the rule rewrites into what, and when (its precondition). */
  readonly description: string;
  /** Rewrites every site whose precondition holds; one record per site. */
  apply(graph: RewriteGraph): RewriteRecord[];
}

/** Float32 at run time and not quantized (FP16 constants behind DEQUANTIZE count as float32). */
export function isFloat(graph: RewriteGraph, t: TensorDef | undefined): t is TensorDef {
  return t !== undefined && graph.dtype(t) === 'float32' && !t.quantization?.scale.length;
}

/** Every dimension known when the model is read (none varies at run time). */
export function fixedShape(t: TensorDef): boolean {
  return !t.shapeSignature || t.shapeSignature.every((d) => d >= 0);
}

/** The fused activations XNNPACK's clamps express (TFLite's TANH and SIGN_BIT are not among them). */
export function clampActivation(code: number): boolean {
  return code === Activation.NONE || code === Activation.RELU || code === Activation.RELU_N1_TO_1 || code === Activation.RELU6;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, k) => d === b[k]);
}

/** CONV_2D's options. */
export function conv2dOptions(o: { padding: number; strideW: number; strideH: number; activation: number; dilationW: number; dilationH: number }): OptionsSpec {
  const S = OptionSlot.Conv2D;
  return {
    type: BuiltinOptions.Conv2DOptions,
    fields: [
      { slot: S.padding, kind: 'i8', value: o.padding },
      { slot: S.strideW, kind: 'i32', value: o.strideW },
      { slot: S.strideH, kind: 'i32', value: o.strideH },
      { slot: S.activation, kind: 'i8', value: o.activation },
      { slot: S.dilationW, kind: 'i32', value: o.dilationW },
      { slot: S.dilationH, kind: 'i32', value: o.dilationH },
    ],
  };
}

/** DEPTHWISE_CONV_2D's options. */
export function depthwiseOptions(o: { padding: number; strideW: number; strideH: number; depthMultiplier: number; activation: number; dilationW: number; dilationH: number }): OptionsSpec {
  const S = OptionSlot.DepthwiseConv2D;
  return {
    type: BuiltinOptions.DepthwiseConv2DOptions,
    fields: [
      { slot: S.padding, kind: 'i8', value: o.padding },
      { slot: S.strideW, kind: 'i32', value: o.strideW },
      { slot: S.strideH, kind: 'i32', value: o.strideH },
      { slot: S.depthMultiplier, kind: 'i32', value: o.depthMultiplier },
      { slot: S.activation, kind: 'i8', value: o.activation },
      { slot: S.dilationW, kind: 'i32', value: o.dilationW },
      { slot: S.dilationH, kind: 'i32', value: o.dilationH },
    ],
  };
}

/** The record of a site: the file operators the rewritten ones stood for. */
export function recordOf(graph: RewriteGraph, rule: string, ops: readonly OperatorDef[]): RewriteRecord {
  return { rule, operators: [...new Set(ops.flatMap((op) => graph.originOf(op)))].sort((a, b) => a - b) };
}

function sameQuantization(a: Quantization | undefined, b: Quantization | undefined): boolean {
  const scalesA = a?.scale ?? [];
  const scalesB = b?.scale ?? [];
  if (scalesA.length === 0 || scalesB.length === 0) return scalesA.length === scalesB.length;
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, k) => v === y[k]);
  return same(scalesA, scalesB) && same(a!.zeroPoint, b!.zeroPoint) && (scalesA.length === 1 || a!.quantizedDimension === b!.quantizedDimension);
}

/** `a` and `b` hold values of one element type with the same quantization (or none), so one can stand for the other's values. */
export function sameValues(graph: RewriteGraph, a: TensorDef, b: TensorDef): boolean {
  return graph.dtype(a) === graph.dtype(b) && sameQuantization(a.quantization, b.quantization);
}
