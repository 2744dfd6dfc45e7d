/**
 * What the control-flow operators call, as the file says it: IF's two
 * branches, WHILE's condition and body, CALL_ONCE's initialisation, and
 * VAR_HANDLE's variable name, each checked against the subgraphs it names
 * (indices, operand counts) before anything runs.
 */
import { ModelFormatError } from '../errors';
import type { Node } from '../core/node';
import { BuiltinOptions } from '../model/schema';
import type { SubgraphDef } from '../model/types';

/** Field slots of the option tables (TFLite's schema: IfOptions, WhileOptions, CallOnceOptions, VarHandleOptions). */
const SLOT = {
  If: { then: 0, else: 1 },
  While: { cond: 0, body: 1 },
  CallOnce: { init: 0 },
  VarHandle: { container: 0, sharedName: 1 },
} as const;

export type Call =
  | { kind: 'if'; then: number; else: number }
  | { kind: 'while'; cond: number; body: number }
  | { kind: 'call-once'; init: number };

function options(node: Node, type: number, name: string) {
  const o = node.options;
  if (!o || node.def.optionsType !== type) throw new ModelFormatError(node.label, `${name} is missing`);
  return o;
}

/** The subgraphs `node` (IF, WHILE or CALL_ONCE) calls, checked against `subgraphs`. */
export function callOf(node: Node, kind: 'if' | 'while' | 'call-once', subgraphs: readonly SubgraphDef[]): Call {
  const index = (value: number, what: string) => {
    if (!Number.isInteger(value) || value < 0 || value >= subgraphs.length) {
      throw new ModelFormatError(node.label, `${what} subgraph index ${value} is out of range (the model has ${subgraphs.length} subgraphs)`);
    }
    return value;
  };
  const expect = (what: string, got: number, expected: number) => {
    if (got !== expected) throw new ModelFormatError(node.label, `${what} (got ${got}, expected ${expected})`);
  };
  if (kind === 'if') {
    const o = options(node, BuiltinOptions.IfOptions, 'IfOptions');
    const call: Call = { kind, then: index(o.scalar(SLOT.If.then, 'i32', 'then_subgraph_index'), 'then'), else: index(o.scalar(SLOT.If.else, 'i32', 'else_subgraph_index'), 'else') };
    if (node.inputCount < 1) throw new ModelFormatError(node.label, 'IF needs a condition input');
    for (const [what, sg] of [['then', call.then], ['else', call.else]] as const) {
      expect(`${what} subgraph ${sg} inputs`, subgraphs[sg].inputs.length, node.inputCount - 1);
      expect(`${what} subgraph ${sg} outputs`, subgraphs[sg].outputs.length, node.outputCount);
    }
    return call;
  }
  if (kind === 'while') {
    const o = options(node, BuiltinOptions.WhileOptions, 'WhileOptions');
    const call: Call = { kind, cond: index(o.scalar(SLOT.While.cond, 'i32', 'cond_subgraph_index'), 'cond'), body: index(o.scalar(SLOT.While.body, 'i32', 'body_subgraph_index'), 'body') };
    expect('outputs (one per loop variable)', node.outputCount, node.inputCount);
    expect(`cond subgraph ${call.cond} inputs`, subgraphs[call.cond].inputs.length, node.inputCount);
    expect(`cond subgraph ${call.cond} outputs`, subgraphs[call.cond].outputs.length, 1);
    expect(`body subgraph ${call.body} inputs`, subgraphs[call.body].inputs.length, node.inputCount);
    expect(`body subgraph ${call.body} outputs`, subgraphs[call.body].outputs.length, node.inputCount);
    return call;
  }
  const o = options(node, BuiltinOptions.CallOnceOptions, 'CallOnceOptions');
  const call: Call = { kind, init: index(o.scalar(SLOT.CallOnce.init, 'i32', 'init_subgraph_index'), 'init') };
  expect(`init subgraph ${call.init} inputs`, subgraphs[call.init].inputs.length, 0);
  expect(`init subgraph ${call.init} outputs`, subgraphs[call.init].outputs.length, 0);
  return call;
}

/** The subgraphs a call may run. */
export function calledSubgraphs(call: Call): number[] {
  return call.kind === 'if' ? [call.then, call.else] : call.kind === 'while' ? [call.cond, call.body] : [call.init];
}

/** The variable a VAR_HANDLE names: TFLite keys resources by container and shared name. */
export function variableName(node: Node): string {
  const o = options(node, BuiltinOptions.VarHandleOptions, 'VarHandleOptions');
  const container = o.string(SLOT.VarHandle.container, 'container') ?? '';
  const shared = o.string(SLOT.VarHandle.sharedName, 'shared_name') ?? '';
  return container ? `${container}/${shared}` : shared;
}
