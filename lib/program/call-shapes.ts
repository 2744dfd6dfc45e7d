/**
 * Output shapes of the control-flow and variable operators at new input
 * shapes, found by propagating the shapes through the subgraphs they call
 * (lib/plan/propagate-shapes.ts asks for them): what lets a session of a
 * model with control flow be created at, or resized to, other input shapes.
 *
 * - IF: both branches at its operands' shapes; they must give the same shapes.
 * - WHILE: the body at the loop variables' shapes; it must give them back
 *   unchanged (a loop whose variables change shape has output shapes known
 *   only once it has run), and the condition must take them.
 * - CALL_ONCE calls a subgraph without operands; VAR_HANDLE gives a handle.
 * - READ_VARIABLE gives the variable as the file declares it (a variable
 *   takes the shape of what is assigned to it, as TFLite's do, at run time).
 */
import { ShapeError } from '../errors';
import { descriptorOf } from '../ops/registry';
import type { Node } from '../core/node';
import type { SubgraphDef } from '../model/types';
import type { SubgraphAnalysis } from '../plan/analysis';
import { propagateShapes, type CallShapes } from '../plan/propagate-shapes';
import { callOf, type Call } from './calls';

const text = (shapes: readonly (readonly number[])[]) => shapes.map((s) => `[${s}]`).join(', ');
const sameShapes = (a: readonly (readonly number[])[], b: readonly (readonly number[])[]) =>
  a.length === b.length && a.every((s, k) => s.length === b[k].length && s.every((d, i) => d === b[k][i]));

/** The shapes of control-flow operators' outputs in the subgraphs of a model, whose analyses `analysisOf` gives. */
export function callShapes(subgraphs: readonly SubgraphDef[], analysisOf: (index: number) => SubgraphAnalysis): CallShapes {
  /** The output shapes of subgraph `index` (`node`'s `role`) called with operands of `shapes`; a refusal there names the call. */
  const outputsOf = (node: Node, role: string, index: number, shapes: readonly (readonly number[])[]): number[][] => {
    const callee = analysisOf(index);
    const at = new Map(callee.subgraph.inputs.map((t, k) => [t, shapes[k]]));
    try {
      const { subgraph } = propagateShapes(callee.subgraph, callee.statics, at, calls);
      return subgraph.outputs.map((t) => [...subgraph.tensors[t].shape]);
    } catch (err) {
      if (err instanceof ShapeError) throw new ShapeError(`${node.label} calls its ${role} (subgraph ${index}) with operands of shapes ${text(shapes)}, where ${err.message}`, { cause: err });
      throw err;
    }
  };
  const calls: CallShapes = (node: Node, inputs) => {
    const control = descriptorOf(node.op)?.control;
    if (!control) return undefined;
    if (control === 'if') {
      const call = callOf(node, control, subgraphs) as Extract<Call, { kind: 'if' }>;
      const operands = inputs.slice(1);
      const then = outputsOf(node, 'then branch', call.then, operands);
      const otherwise = outputsOf(node, 'else branch', call.else, operands);
      if (!sameShapes(then, otherwise)) return `its branches give outputs of different shapes (${text(then)} and ${text(otherwise)})`;
      return then;
    }
    if (control === 'while') {
      const call = callOf(node, control, subgraphs) as Extract<Call, { kind: 'while' }>;
      outputsOf(node, 'condition', call.cond, inputs);
      const after = outputsOf(node, 'body', call.body, inputs);
      if (!sameShapes(after, inputs)) {
        return `its body changes the loop variables' shapes (${text(inputs)} to ${text(after)}), so their shapes after the loop are known only once it runs`;
      }
      return inputs.map((s) => [...s]);
    }
    if (control === 'call-once') {
      callOf(node, control, subgraphs);
      return [];
    }
    return node.def.outputs.map((t) => (t >= 0 ? [...node.subgraph.tensors[t].shape] : []));
  };
  return calls;
}
