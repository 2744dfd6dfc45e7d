/**
 * Decides where each operator of a subgraph runs: on XNNPACK when its
 * family there accepts it (XNNPACK is preferred: it is much faster), else on
 * xnnlite's reference kernels (lib/reference) when one accepts it, else
 * nowhere, with the reason. Operators that only transform constants are
 * folded at load and run nowhere.
 */
import { ModelFormatError } from '../errors';
import type { SubgraphDef } from '../model/types';
import { first, nonEmptyOperands } from '../graph/checks';
import { Node } from '../graph/node';
import type { OpFamily } from '../graph/op-family';
import { familyOf } from '../graph/registry';
import type { StaticValues } from '../graph/static-values';
import type { ReferenceFamily } from '../reference/family';
import { referenceFamilyOf } from '../reference/registry';

export type Runner = 'xnnpack' | 'reference';

export interface PlacedOp {
  node: Node;
  /** Where the operator runs; undefined when it cannot run (see `reason`) or is folded. */
  runner?: Runner;
  /** How it runs on XNNPACK (runner 'xnnpack'). */
  family?: OpFamily;
  /** How it runs on the reference kernels (runner 'reference'). */
  reference?: ReferenceFamily;
  /** Why the operator cannot run anywhere, if it cannot. */
  reason?: string;
  /** Folded into constants at load; nothing runs. */
  folded: boolean;
}

/** Runs a family's check, turning an unreadable option table into a ModelFormatError naming the operator. */
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
function preferReference(): boolean {
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
    const family = familyOf(def.op);
    const reference = referenceFamilyOf(def.op);
    // Each backend's check runs only when its answer is needed: loading a model XNNPACK runs whole checks once per operator.
    const onReference = () => (reference ? checked(node, () => first(() => nonEmptyOperands(node), () => reference.check(node, statics))) : 'none');
    const referenceReason = referenceFirst ? onReference() : undefined;
    if (reference && referenceFirst && !referenceReason) return { node, runner: 'reference', reference, folded: false };
    const onXnnpack = family ? checked(node, () => family.check(node, statics)) : undefined;
    if (family && !onXnnpack) return { node, runner: 'xnnpack', family, folded: false };
    const reason = referenceFirst ? referenceReason : onReference();
    if (reference && !reason) return { node, runner: 'reference', reference, folded: false };
    const kind = def.customCode !== undefined ? 'custom operator' : 'operator';
    return { node, reason: family || reference ? closestReason(onXnnpack, reference ? reason : undefined) : `${kind} is not supported`, folded: false };
  });
}
