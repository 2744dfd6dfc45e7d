/** Lowers one XNNPACK partition of a subgraph (lib/plan) onto one XNNPACK subgraph. */
import { ModelFormatError, XnnpackError } from '../errors';
import type { SubgraphDef, TensorDef } from '../model/types';
import { native, type NativeSubgraph } from '../native';
import { GraphBuilder, type OutputRedirects } from './builder';
import type { Node } from '../core/node';
import type { XnnpackLowering } from './lowering';
import type { StaticValues } from '../core/static-values';
import { recordingSubgraph, type RecordedCall } from './recording-subgraph';

export interface PartitionToLower {
  subgraph: SubgraphDef;
  statics: StaticValues;
  /** Index of the model's subgraph, for messages. */
  subgraphIndex: number;
  /** The partition's operators with their lowerings, in an order that respects the data flow. */
  ops: readonly { node: Node; lowering: XnnpackLowering }[];
  /** External values in id order: the partition's inputs (the first `inputCount`), then its outputs. */
  externals: readonly TensorDef[];
  inputCount: number;
  redirects: OutputRedirects;
  /** FP16 constants handed to XNNPACK unconverted (lib/plan/lazy-weights.ts). */
  lazy: Set<number>;
  precision: 'fp32' | 'fp16' | 'dynamic-int8';
}

/** Where an XNNPACK refusal is reported: as a malformed model, naming the operator or tensor. */
function rethrow(err: unknown, where: string, what: string): never {
  if (err instanceof XnnpackError) throw new ModelFormatError(where, `XNNPACK rejected the ${what}: ${err.message}`, { cause: err });
  throw err;
}

/** The partition's native subgraph; with `log`, its define calls are recorded there too. */
export function lowerPartition(p: PartitionToLower, log?: RecordedCall[]): NativeSubgraph {
  const nativeSubgraph = new (native().Subgraph)(p.externals.length);
  try {
    const externalIds = new Map<number, { id: number; input: boolean }>();
    p.externals.forEach((t, k) => externalIds.set(t.index, { id: k, input: k < p.inputCount }));
    const g = new GraphBuilder(log ? recordingSubgraph(nativeSubgraph, log) : nativeSubgraph, p.statics, p.subgraph, externalIds, p.redirects, p.lazy, p.precision);
    for (const t of p.externals.slice(0, p.inputCount)) {
      try {
        g.value(t);
      } catch (err) {
        rethrow(err, `Model.subgraphs[${p.subgraphIndex}].tensors[${t.index}] (${t.name})`, 'input');
      }
    }
    for (const { node, lowering } of p.ops) {
      try {
        lowering.lower(g, node);
      } catch (err) {
        rethrow(err, `Model.subgraphs[${p.subgraphIndex}].operators[${node.def.index}] (${node.op})`, 'operator');
      }
    }
    return nativeSubgraph;
  } catch (err) {
    nativeSubgraph.dispose();
    throw err;
  }
}
