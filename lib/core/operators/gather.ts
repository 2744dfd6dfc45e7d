// GATHER as TFLite defines it: along an axis (may be negative), the first
// batch_dims dimensions of input and indices shared (may be negative too).
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { Node } from '../node';

/** The normalized axis and batch_dims, and the output shape they give; a string says why they do not fit the operands. */
export function gatherAxes(node: Node): { axis: number; batchDims: number; outputShape: number[] } | string {
  const options = node.options && node.def.optionsType === BuiltinOptions.GatherOptions ? node.options : undefined;
  const axisOption = options?.scalar(OptionSlot.Gather.axis, 'i32', 'axis') ?? 0;
  const batchOption = options?.scalar(OptionSlot.Gather.batchDims, 'i32', 'batch_dims') ?? 0;
  const input = node.in(0).shape;
  const indices = node.in(1).shape;
  const axis = axisOption < 0 ? axisOption + input.length : axisOption;
  if (!(axis >= 0 && axis < input.length)) return `axis (got ${axisOption}, expected ${-input.length} to ${input.length - 1})`;
  const batchDims = batchOption < 0 ? batchOption + indices.length : batchOption;
  if (!(batchDims >= 0 && batchDims <= axis && batchDims <= indices.length)) {
    return `batch_dims (got ${batchOption}, expected ${-indices.length} to ${Math.min(axis, indices.length)} for axis ${axis} and ${indices.length}-D indices)`;
  }
  for (let d = 0; d < batchDims; d++) {
    if (input[d] !== indices[d]) return `batch dimension ${d} (got ${indices[d]} in the indices, expected ${input[d]} as in input 0)`;
  }
  return { axis, batchDims, outputShape: [...input.slice(0, axis), ...indices.slice(batchDims), ...input.slice(axis + 1)] };
}
