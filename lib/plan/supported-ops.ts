import { xnnpackOps } from '../graph/registry';
import { referenceOps } from '../reference/registry';

/** Every operator name xnnlite can run, on XNNPACK or its reference kernels (for some operand types and options). */
export function supportedOps(): string[] {
  return [...new Set([...xnnpackOps(), ...referenceOps()])].sort();
}
