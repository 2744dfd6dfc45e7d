/**
 * The rewrite stage between reading a model and planning it: small passes,
 * each a named rule with its precondition, that turn the graph into forms
 * XNNPACK runs faster. Passes produce ordinary TFLite operators and tensors,
 * so placement and both backends see nothing new.
 */
import { StaticValues } from '../core/static-values';
import type { SubgraphDef, TfliteModel } from '../model/types';
import { foldOf } from '../ops/registry';
import { RewriteGraph } from './graph';
import type { RewritePass, RewriteRecord } from './pass';
import { channelAffineIntoWeights } from './passes/channel-affine-into-weights';
import { collapseReshapes } from './passes/collapse-reshapes';
import { removeIdentities } from './passes/remove-identities';
import { transposedConvToDepthToSpace } from './passes/transposed-conv-to-depth-to-space';

export type { RewritePass, RewriteRecord } from './pass';

/**
 * Bump when a rule is added, removed or changed: the weight cache's
 * fingerprint covers it, so a session never maps weights packed for a graph
 * rewritten differently.
 */
export const REWRITE_VERSION = 1;

/** The rules, in the order they run. */
export const REWRITE_PASSES: readonly RewritePass[] = [
  transposedConvToDepthToSpace,
  channelAffineIntoWeights,
  removeIdentities,
  collapseReshapes,
];

/** Rounds of all passes at most: a rewrite can expose a site to an earlier pass, but chains are short. */
const MAX_ROUNDS = 4;

export interface RewriteResult {
  /** The rewritten subgraph; the file's own when nothing was rewritten. */
  subgraph: SubgraphDef;
  applied: RewriteRecord[];
}

/**
 * Runs the passes over subgraph `subgraphIndex` until none finds a site.
 * `statics` are the subgraph's constants, when the caller has them already.
 */
export function rewriteSubgraph(model: TfliteModel, subgraphIndex = 0, statics?: StaticValues): RewriteResult {
  const original = model.subgraphs[subgraphIndex];
  const graph = new RewriteGraph(original, statics ?? new StaticValues(original, subgraphIndex, foldOf));
  const applied: RewriteRecord[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const before = applied.length;
    for (const pass of REWRITE_PASSES) applied.push(...pass.apply(graph));
    if (applied.length === before) break;
  }
  if (applied.length === 0) return { subgraph: original, applied };
  graph.removeDeadOperators();
  return { subgraph: graph.result(), applied };
}
