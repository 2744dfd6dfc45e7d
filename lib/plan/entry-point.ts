/**
 * What a session runs: one subgraph, and the names its inputs and outputs
 * take in `run()`. A model's signatures are its entry points (TFLite's
 * signature runners: their own keys, on their own subgraphs); a model
 * without any has one, subgraph 0 under its tensors' names.
 */
import { ModelFormatError } from '../errors';
import type { SubgraphDef, TfliteModel } from '../model/types';
import { uniqueNames } from '../tensor-info';
import type { SubgraphAnalysis } from './analysis';

export interface EntryPoint {
  /** The signature's key; undefined for subgraph 0 of a model without signatures. */
  signature: string | undefined;
  subgraphIndex: number;
  inputs: { name: string; tensor: number }[];
  outputs: { name: string; tensor: number }[];
}

export function entryPoints(model: TfliteModel): EntryPoint[] {
  if (model.signatureDefs.length === 0) {
    const sg = model.subgraphs[0];
    const names = (list: number[], kind: string) => uniqueNames(list.map((i) => sg.tensors[i]), kind).map((name, k) => ({ name, tensor: list[k] }));
    return [{ signature: undefined, subgraphIndex: 0, inputs: names(sg.inputs, 'input'), outputs: names(sg.outputs, 'output') }];
  }
  return model.signatureDefs.map((sig) => ({
    signature: sig.key,
    subgraphIndex: sig.subgraphIndex,
    inputs: sig.inputs.map((m) => ({ name: m.name, tensor: m.tensorIndex })),
    outputs: sig.outputs.map((m) => ({ name: m.name, tensor: m.tensorIndex })),
  }));
}

/** The entry point `signature` names, or the first one; a RangeError listing the model's signatures for an unknown key. */
export function selectEntryPoint(entries: readonly EntryPoint[], signature: string | undefined): EntryPoint {
  if (signature === undefined) return entries[0];
  const entry = entries.find((e) => e.signature === signature);
  if (entry) return entry;
  const keys = entries.filter((e) => e.signature !== undefined).map((e) => JSON.stringify(e.signature));
  throw new RangeError(`The model has no signature ${JSON.stringify(signature)}; ${keys.length ? `its signatures are ${keys.join(', ')}` : 'it has no signatures'}`);
}

/**
 * The entry point's view of its subgraph: the signature's tensors as the
 * graph's inputs and outputs. A signature input must be a tensor the
 * subgraph reads and nothing computes; an output, any tensor it computes
 * or takes.
 */
export function entrySubgraph(subgraph: SubgraphDef, entry: EntryPoint): SubgraphDef {
  if (entry.signature === undefined) return subgraph;
  const where = `signature ${JSON.stringify(entry.signature)}`;
  const produced = new Set(subgraph.operators.flatMap((op) => op.outputs));
  const seen = new Set<string>();
  for (const [kind, list] of [['input', entry.inputs], ['output', entry.outputs]] as const) {
    for (const { name, tensor } of list) {
      if (seen.has(`${kind}:${name}`)) throw new ModelFormatError(where, `${kind} key ${JSON.stringify(name)} appears twice`);
      seen.add(`${kind}:${name}`);
      const t = subgraph.tensors[tensor];
      if (kind === 'input' && (produced.has(tensor) || t.data)) {
        throw new ModelFormatError(where, `input ${JSON.stringify(name)} is tensor ${tensor} (${t.name}), which the subgraph computes or holds as a constant`);
      }
    }
  }
  return { ...subgraph, inputs: entry.inputs.map((m) => m.tensor), outputs: entry.outputs.map((m) => m.tensor) };
}

/** Whether the entry point reads and writes only its subgraph's own inputs and outputs (as converters write signatures). */
export function entryKeepsGraphIo(entry: EntryPoint, subgraph: SubgraphDef): boolean {
  const inputs = new Set(subgraph.inputs);
  const outputs = new Set(subgraph.outputs);
  return entry.inputs.every((m) => inputs.has(m.tensor)) && entry.outputs.every((m) => outputs.has(m.tensor));
}

/** An analysis of the entry point's subgraph, seen through its signature. */
export function entryAnalysis(analysis: SubgraphAnalysis, entry: EntryPoint): SubgraphAnalysis {
  const subgraph = entrySubgraph(analysis.subgraph, entry);
  return subgraph === analysis.subgraph ? analysis : { ...analysis, subgraph };
}
