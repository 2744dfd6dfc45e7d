/**
 * A subgraph at other input shapes than its file declares: every tensor an
 * operator computes gets the shape its descriptor's shape rule derives
 * (lib/core/shape-rule.ts), in operator order. Constants keep theirs.
 */
import { ShapeError } from '../errors';
import { Node } from '../core/node';
import { integerValue, shapeValues } from '../core/shape-values';
import type { StaticValues } from '../core/static-values';
import type { SubgraphDef, TensorDef } from '../model/types';
import { shapeRuleOf } from '../ops/registry';

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, k) => d === b[k]);

/**
 * Output shapes of the operators no shape rule describes because they call
 * other subgraphs (control flow, lib/program/call-shapes.ts), from their
 * input shapes; undefined for an operator it does not know. A string says
 * why the shapes do not fit.
 */
export type CallShapes = (node: Node, inputs: readonly (readonly number[])[]) => number[][] | string | undefined;

/**
 * `subgraph` with tensor `index` at `shape` for each entry of `shapes` (its
 * inputs), and every computed tensor reshaped to match; and `statics` with
 * the shape computations those shapes make constant (SHAPE and the integer
 * arithmetic on its result, lib/core/shape-values.ts), whose operators then
 * run nowhere. Returns both unchanged when no shape changes. Throws
 * ShapeError naming the operator when its rule refuses the shapes it is
 * given, or it has no rule (nor `calls` an answer for it).
 */
export function propagateShapes(subgraph: SubgraphDef, statics: StaticValues, shapes: ReadonlyMap<number, readonly number[]>, calls?: CallShapes): { subgraph: SubgraphDef; statics: StaticValues } {
  if ([...shapes].every(([index, shape]) => sameShape(subgraph.tensors[index].shape, shape))) return { subgraph, statics };
  const known = statics.derive();
  const graphOutputs = new Set(subgraph.outputs);
  const tensors: TensorDef[] = [...subgraph.tensors];
  const resized: SubgraphDef = { ...subgraph, tensors };
  const reshape = (index: number, shape: readonly number[]) => {
    if (!sameShape(tensors[index].shape, shape)) tensors[index] = { ...tensors[index], shape: [...shape] };
  };
  for (const [index, shape] of shapes) reshape(index, shape);
  for (const def of subgraph.operators) {
    if (known.isFolded(def.index)) continue;
    const node = new Node(def, resized);
    const rule = shapeRuleOf(def.op);
    const inputs = () => def.inputs.filter((i) => i >= 0).map((i) => `[${tensors[i].shape}]`).join(', ');
    const out = rule ? rule(node, known) : calls?.(node, def.inputs.map((i) => (i >= 0 ? tensors[i].shape : [])));
    if (!out) throw new ShapeError(`${node.label} has no shape rule: the model runs only at the shapes it declares`);
    if (typeof out === 'string') throw new ShapeError(`${node.label} cannot take inputs of shapes ${inputs()}: ${out}`);
    if (out.length !== def.outputs.length) throw new Error(`${node.label}: its shape rule gave ${out.length} shapes for ${def.outputs.length} outputs`);
    def.outputs.forEach((t, k) => {
      if (t >= 0) reshape(t, out[k]);
    });
    // A graph output stays computed: sessions give constants no output.
    if (def.outputs.length === 1 && !graphOutputs.has(def.outputs[0])) {
      const values = shapeValues(new Node(def, resized), known);
      if (values) known.foldShapeValue(def.index, def.outputs[0], integerValue(tensors[def.outputs[0]].dtype, values));
    }
  }
  return { subgraph: resized, statics: known };
}
