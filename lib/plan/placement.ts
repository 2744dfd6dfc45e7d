/**
 * Decides where each operator of a subgraph runs, from its descriptor
 * (lib/ops): on XNNPACK when its lowering accepts it (XNNPACK is preferred:
 * it is much faster), else on xnnlite's reference kernels (lib/reference)
 * when their encoding accepts it, else nowhere, with the reason. Operators
 * that only transform constants are folded at load and run nowhere.
 */
import { ModelFormatError } from '../errors';
import type { SubgraphDef } from '../model/types';
import { first, nonEmptyOperands } from '../core/checks';
import { Node } from '../core/node';
import type { StaticValues } from '../core/static-values';
import type { ControlKind } from '../ops/descriptor';
import { descriptorOf } from '../ops/registry';
import type { ReferenceEncoding } from '../reference/encoding';
import type { XnnpackLowering } from '../xnnpack/lowering';

export type Runner = 'xnnpack' | 'reference';

export interface PlacedOp {
  node: Node;
  /** Where the operator runs; undefined when it cannot run (see `reason`) or is folded. */
  runner?: Runner;
  /** How it runs on XNNPACK (runner 'xnnpack'). */
  lowering?: XnnpackLowering;
  /** How it runs on the reference kernels (runner 'reference'). */
  reference?: ReferenceEncoding;
  /** Why the operator cannot run anywhere, if it cannot. */
  reason?: string;
  /** Folded into constants at load; nothing runs. */
  folded: boolean;
  /** Control flow or a resource variable, run by the session's program (lib/program). */
  control?: ControlKind;
}

/** Runs a backend's check, turning an unreadable option table into a ModelFormatError naming the operator. */
function checked(node: Node, check: () => string | undefined): string | undefined {
  try {
    return check();
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(node.label, `options could not be read: ${(err as Error).message}`, { cause: err });
  }
}

const isTypeRefusal = (reason: string) => /\btype (of \S+ )?\(got /.test(reason);

/**
 * Why an operator no backend runs cannot run. The reference kernels are the
 * last resort, so their reason says what would make it run, unless they
 * refuse its operand types while XNNPACK takes them (then XNNPACK's reason
 * is the one about this operator's options or shapes).
 */
function closestReason(onXnnpack: string | undefined, onReference: string | undefined): string {
  if (onXnnpack === undefined) return onReference!;
  if (onReference === undefined) return isTypeRefusal(onXnnpack) ? `${onXnnpack}; no reference kernel for it either` : onXnnpack;
  return isTypeRefusal(onReference) && !isTypeRefusal(onXnnpack) ? onXnnpack : onReference;
}

/**
 * XNNLITE_KERNELS=reference puts every operator the reference kernels can
 * run on them, XNNPACK taking only the rest: for telling an XNNPACK
 * numerics question from a model's, and for testing the reference kernels.
 */
export function preferReference(): boolean {
  const value = process.env.XNNLITE_KERNELS;
  if (value === undefined || value === '' || value === 'xnnpack') return false;
  if (value === 'reference') return true;
  throw new RangeError(`XNNLITE_KERNELS must be 'xnnpack' (the default) or 'reference'; got ${JSON.stringify(value)}`);
}

export function placeOperators(subgraph: SubgraphDef, statics: StaticValues): PlacedOp[] {
  const referenceFirst = preferReference();
  return subgraph.operators.map((def): PlacedOp => {
    const node = new Node(def, subgraph);
    if (statics.isFolded(def.index)) return { node, folded: true };
    const descriptor = descriptorOf(def.op);
    if (descriptor?.control) return { node, control: descriptor.control, folded: false };
    const lowering = descriptor?.xnnpack;
    const reference = descriptor?.reference;
    // Each backend's check runs only when its answer is needed: loading a model XNNPACK runs whole checks once per operator.
    const onReference = () => (reference ? checked(node, () => first(() => nonEmptyOperands(node), () => reference.check(node, statics))) : 'none');
    const referenceReason = referenceFirst ? onReference() : undefined;
    if (reference && referenceFirst && !referenceReason) return { node, runner: 'reference', reference, folded: false };
    const onXnnpack = lowering ? checked(node, () => lowering.check(node, statics)) : undefined;
    if (lowering && !onXnnpack) return { node, runner: 'xnnpack', lowering, folded: false };
    const reason = referenceFirst ? referenceReason : onReference();
    if (reference && !reason) return { node, runner: 'reference', reference, folded: false };
    const kind = def.customCode !== undefined ? 'custom operator' : 'operator';
    if (lowering || reference) return { node, reason: closestReason(onXnnpack, reference ? reason : undefined), folded: false };
    if (descriptor?.fold) return { node, reason: `input (got a tensor that is not ${descriptor.fold.applies}, expected one: the operator is only folded at load)`, folded: false };
    return { node, reason: `${kind} is not supported`, folded: false };
  });
}
