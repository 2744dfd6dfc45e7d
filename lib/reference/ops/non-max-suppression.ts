// NON_MAX_SUPPRESSION_V4 and V5 on float32 boxes and scores. The outputs'
// length is max_output_size, so it must be a constant; the thresholds and
// sigma may be computed at run time (a negative sigma then fails the run).
import { arity, first, float32, rank, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { TensorDef } from '../../model/types';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';

const isSoft = (node: Node) => node.op === 'NON_MAX_SUPPRESSION_V5';

const dtypeOf = (t: TensorDef, statics: StaticValues) => statics.get(t)?.dtype ?? t.dtype;

/** The constant max_output_size, if it is one. */
function maxOutputSize(node: Node, statics: StaticValues): number | undefined {
  const t = node.in(2);
  return dtypeOf(t, statics) === 'int32' ? statics.integers(t)?.[0] : undefined;
}

function scalar(t: TensorDef, what: string, statics: StaticValues): Reason {
  return first(() => float32(t, what, statics), () => rank(t, 0, what));
}

/** `t` holds `type` values of shape [length] (or one value when `length` is undefined). */
function output(t: TensorDef, what: string, type: 'int32' | 'float32', length?: number): Reason {
  if (t.dtype !== type) return `${what} type (got ${t.dtype}, expected ${type})`;
  if (length === undefined) return elementsOf(t.shape) === 1 ? undefined : `${what} shape (got [${t.shape}], expected a scalar)`;
  return t.shape.length === 1 && t.shape[0] === length ? undefined : `${what} shape (got [${t.shape}], expected [${length}])`;
}

function check(node: Node, statics: StaticValues): Reason {
  const soft = isSoft(node);
  return first(
    () => arity(node, soft ? 6 : 5, soft ? 6 : 5, soft ? 3 : 2),
    () => float32(node.in(0), 'boxes', statics),
    () => (node.in(0).shape.length === 2 && node.in(0).shape[1] === 4 ? undefined : `boxes shape (got [${node.in(0).shape}], expected [num_boxes, 4])`),
    () => float32(node.in(1), 'scores', statics),
    () => (node.in(1).shape.length === 1 && node.in(1).shape[0] === node.in(0).shape[0] ? undefined
      : `scores shape (got [${node.in(1).shape}], expected [${node.in(0).shape[0]}], one per box)`),
    () => (dtypeOf(node.in(2), statics) === 'int32' ? undefined : `max_output_size type (got ${dtypeOf(node.in(2), statics)}, expected int32)`),
    () => rank(node.in(2), 0, 'max_output_size'),
    () => (statics.isStatic(node.in(2)) ? undefined
      : 'max_output_size (got a tensor computed at run time, expected a constant: the output shape depends on run-time values)'),
    () => {
      const m = maxOutputSize(node, statics);
      return m !== undefined && m >= 1 ? undefined : `max_output_size (got ${m}, expected at least 1)`;
    },
    () => scalar(node.in(3), 'iou_threshold', statics),
    () => scalar(node.in(4), 'score_threshold', statics),
    () => (soft ? scalar(node.in(5), 'soft_nms_sigma', statics) : undefined),
    () => {
      const sigma = soft ? statics.float32(node.in(5))?.[0] : undefined;
      return sigma !== undefined && sigma < 0 ? `soft_nms_sigma (got ${sigma}, expected at least 0)` : undefined;
    },
    () => output(node.output(0), 'selected_indices', 'int32', maxOutputSize(node, statics)),
    () => (soft ? output(node.output(1), 'selected_scores', 'float32', maxOutputSize(node, statics)) : undefined),
    () => output(node.output(soft ? 2 : 1), 'valid_outputs', 'int32'),
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const soft = isSoft(node);
  const inputs = [0, 1, 3, 4, ...(soft ? [5] : [])].map((k) => b.tensor(node.in(k)));
  const outputs = node.def.outputs.map((_, k) => b.tensor(node.output(k)));
  b.call(node, soft ? 'non_max_suppression_v5' : 'non_max_suppression_v4', inputs, outputs,
    [node.in(0).shape[0], maxOutputSize(node, b.statics)!]);
}

export const nonMaxSuppressionReference: ReferenceEncoding = { check, encode };
