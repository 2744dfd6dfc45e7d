/**
 * The op descriptor: everything xnnlite knows about one TFLite operator, in
 * one place. The planner, the quantizers, `supportedOps()`, `xnnlite
 * inspect` and the README's operator table all read the descriptors
 * (lib/ops/registry.ts); nothing else lists operators.
 */
import type { IntegerTreatment } from '../core/integer-treatment';
import type { ShapeRule } from '../core/shape-rule';
import type { ConstantFold } from '../core/static-values';
import type { ReferenceEncoding } from '../reference/encoding';
import type { XnnpackLowering } from '../xnnpack/lowering';

export interface OpDescriptor {
  /** How XNNPACK runs it (lib/xnnpack/ops), when it can: preferred, much faster. */
  readonly xnnpack?: XnnpackLowering;
  /** How xnnlite's reference kernels run it (lib/reference/ops), when they can. */
  readonly reference?: ReferenceEncoding;
  /** How int8 quantization rewrites it: XNNPACK runs its int8 form. Without one it stays float between conversions. */
  readonly int8?: IntegerTreatment;
  /** How int16x8 quantization rewrites it: the reference kernels run its int16 form. */
  readonly int16x8?: IntegerTreatment;
  /** Folded into a constant at load when its input is one (lib/core/static-values.ts). */
  readonly fold?: ConstantFold;
  /** Its output shapes from its input shapes (lib/core/shapes): how a session runs the model at other input shapes. */
  readonly shape?: ShapeRule;
  /**
   * Control flow and resource variables: run by the session's program
   * (lib/program) between the partitions and kernels of its subgraphs, not
   * by a backend.
   */
  readonly control?: ControlKind;
}

export type ControlKind = 'if' | 'while' | 'call-once' | 'var-handle' | 'read-variable' | 'assign-variable';

export type OpDescriptors = Readonly<Record<string, OpDescriptor>>;

/** The same descriptor for several operators. */
export function alike(ops: readonly string[], descriptor: OpDescriptor): Record<string, OpDescriptor> {
  return Object.fromEntries(ops.map((op) => [op, descriptor]));
}
