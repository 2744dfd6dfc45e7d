/**
 * The operand types of TFLite's int16x8 scheme, which the reference kernels
 * run: int16 activations with zero point 0, int8 symmetric weights, int32 or
 * int64 biases.
 */
import type { OperandCheck, OperandRoles, Reason } from '../core/checks';
import type { Node } from '../core/node';
import type { StaticValues } from '../core/static-values';
import type { TensorDef } from '../model/types';

function int16x8Types(node: Node, statics: StaticValues, o: OperandRoles): Reason {
  const dtypeOf = (t: TensorDef) => statics.get(t)?.dtype ?? t.dtype;
  const tensors = [...o.activations.map((k) => node.input(k)), ...Array.from({ length: node.outputCount }, (_, k) => node.output(k))];
  for (const t of tensors) {
    if (!t) continue;
    if (dtypeOf(t) !== 'int16') return `type of ${t.name} (got ${dtypeOf(t)}, expected int16 in an int16x8 model)`;
    const q = t.quantization;
    if (!q || q.scale.length !== 1 || !(q.scale[0] > 0)) return `int16 tensor ${t.name} (got ${q ? `${q.scale.length} scales` : 'no quantization'}, expected one positive scale)`;
    if ((q.zeroPoint[0] ?? 0) !== 0) return `zero point of int16 tensor ${t.name} (got ${q.zeroPoint[0]}, expected 0)`;
  }
  const w = o.weights === undefined ? undefined : node.input(o.weights);
  if (w) {
    const q = w.quantization;
    if (dtypeOf(w) !== 'int8' || !statics.isStatic(w)) return `weights ${w.name} (got ${statics.isStatic(w) ? dtypeOf(w) : 'a run-time tensor'}, expected constant int8)`;
    if (!q || q.scale.length === 0 || q.zeroPoint.some((z) => z !== 0) || q.scale.some((v) => !(v > 0))) return `weights ${w.name} quantization (expected positive scales and zero points 0)`;
  }
  const b = o.bias === undefined ? undefined : node.input(o.bias);
  if (b) {
    const dtype = dtypeOf(b);
    if ((dtype !== 'int64' && dtype !== 'int32') || !statics.isStatic(b)) return `bias ${b.name} (got ${dtype}, expected constant int64 or int32)`;
  }
  return undefined;
}

/** int16x8Types as the operator definitions in lib/core/operators take it. */
export function int16x8Operands(node: Node, statics: StaticValues): OperandCheck {
  return (roles) => int16x8Types(node, statics, roles);
}
