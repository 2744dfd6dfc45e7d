/** The op registry: every operator's descriptor, and the one lookup from an operator name to it. */
import type { ShapeRule } from '../core/shape-rule';
import type { ConstantFold } from '../core/static-values';
import { CONVERSION_OPS } from './conversion';
import { CONTROL_OPS } from './control';
import { CONVOLUTION_OPS } from './convolution';
import type { OpDescriptor, OpDescriptors } from './descriptor';
import { DETECTION_OPS } from './detection';
import { ELEMENTWISE_OPS } from './elementwise';
import { LAYOUT_OPS } from './layout';
import { REDUCTION_OPS } from './reduction';
import { SELECTION_OPS } from './selection';

const GROUPS: readonly OpDescriptors[] = [CONVOLUTION_OPS, ELEMENTWISE_OPS, REDUCTION_OPS, LAYOUT_OPS, SELECTION_OPS, CONVERSION_OPS, DETECTION_OPS, CONTROL_OPS];

const byOp = new Map<string, OpDescriptor>();
for (const group of GROUPS) {
  for (const [op, descriptor] of Object.entries(group)) {
    if (byOp.has(op)) throw new Error(`op ${op} is described twice`);
    byOp.set(op, descriptor);
  }
}

export function descriptorOf(op: string): OpDescriptor | undefined {
  return byOp.get(op);
}

// Code-point order: localeCompare would load ICU's collator, a cost every process pays at start-up.
const sorted = [...byOp.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** Every described operator with its descriptor, sorted by name. */
export function descriptors(): Array<[string, OpDescriptor]> {
  return [...sorted];
}

/** Every operator name xnnlite can run, on XNNPACK or its reference kernels (for some operand types and options), or fold at load. */
export function supportedOps(): string[] {
  return descriptors().map(([op]) => op);
}

/** An operator's shape rule (lib/core/shape-rule.ts), if it has one. */
export function shapeRuleOf(op: string): ShapeRule | undefined {
  return byOp.get(op)?.shape;
}

/** An operator's constant fold, for StaticValues (lib/core/static-values.ts). */
export function foldOf(op: string): ConstantFold | undefined {
  return byOp.get(op)?.fold;
}
