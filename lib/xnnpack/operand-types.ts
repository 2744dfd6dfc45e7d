// The operand types XNNPACK runs: float32, int8 and uint8 (see operandTypes).
import type { OperandCheck, OperandRoles, Reason } from '../core/checks';
import type { Node } from '../core/node';
import type { StaticValues } from '../core/static-values';
import type { TensorDef } from '../model/types';
import { domainOf, valueType } from './tensor-types';

/**
 * Operand types of an operator that XNNPACK runs in float32 and, when
 * `quantized` is set, in int8 or uint8 (TFLite's quantization scheme): all
 * run-time operands share one domain; constant weights match it (float32;
 * int8 per tensor with zero point 0 or per channel; uint8 per tensor) and a
 * bias is float32 or int32.
 */
export function operandTypes(node: Node, statics: StaticValues, o: OperandRoles & { quantized: boolean }): Reason {
  const tensors = [...o.activations.map((k) => node.input(k)), ...Array.from({ length: node.outputCount }, (_, k) => node.output(k))]
    .filter((t): t is TensorDef => t !== undefined);
  const domains: string[] = [];
  for (const t of tensors) {
    const d = domainOf(t, statics);
    if (d !== 'float32' && d !== 'int8' && d !== 'uint8') return d;
    domains.push(d);
  }
  const domain = domains[0] ?? 'float32';
  if (domains.some((d) => d !== domain)) return `operand types (got ${domains.join(', ')}, expected all float32, all int8 or all uint8)`;
  if (domain !== 'float32' && !o.quantized) return `type (got ${domain}, expected float32)`;
  if (o.weights !== undefined) {
    const w = node.input(o.weights);
    if (w) {
      const v = valueType(w, statics);
      if (typeof v === 'string') return v;
      const int8Weights = (v.kind === 'channelwise' && v.datatype === 'qcint8') || (v.kind === 'quantized' && v.datatype === 'qint8' && v.zeroPoint === 0);
      // Dynamic-range ("hybrid") models: float activations with constant int8 weights.
      const ok = domain === 'float32' ? v.kind === 'fp32' || (o.hybrid === true && int8Weights && statics.isStatic(w))
        : domain === 'int8' ? (v.kind === 'channelwise' && v.datatype === 'qcint8') || (v.kind === 'quantized' && v.datatype === 'qint8' && v.zeroPoint === 0)
          : v.kind === 'quantized' && v.datatype === 'quint8';
      if (!ok) return `weights type (got ${v.kind === 'fp32' ? 'float32' : v.datatype}, expected ${domain === 'float32' ? (o.hybrid ? 'float32, or constant int8 with zero point 0' : 'float32') : domain === 'int8' ? 'int8 with zero point 0' : 'uint8'} for ${domain} activations)`;
    }
  }
  if (o.bias !== undefined) {
    const b = node.input(o.bias);
    if (b) {
      const v = valueType(b, statics);
      if (typeof v === 'string') return v;
      const ok = domain === 'float32' ? v.kind === 'fp32' : v.kind !== 'fp32' && (v.datatype === 'qint32' || v.datatype === 'qcint32');
      if (!ok) return `bias type (got ${v.kind === 'fp32' ? 'float32' : v.datatype}, expected ${domain === 'float32' ? 'float32' : 'int32'})`;
    }
  }
  return undefined;
}

/** operandTypes as the operator definitions in lib/core/operators take it; `quantized`: XNNPACK also runs the operator on int8/uint8. */
export function xnnpackOperands(node: Node, statics: StaticValues, quantized = true): OperandCheck {
  return (roles) => operandTypes(node, statics, { ...roles, quantized });
}
