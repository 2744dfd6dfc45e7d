// Models with control flow (WHILE, IF) and resource variables (VAR_HANDLE,
// READ_VARIABLE, ASSIGN_VARIABLE initialised by CALL_ONCE), laid out as
// TensorFlow's converter writes them: each loop condition, loop body, branch
// and initialiser is a subgraph of its own.
import { BuiltinOptions } from '../../lib/model/schema';
import { writeModel, type OperatorSpec, type OptionsSpec, type SubgraphSpec, type TensorSpec } from '../../lib/model/writer';
import { arithmetic, concatenation } from './options';

type Tensor = TensorSpec & { index?: number };

function subgraph(name: string, tensors: Tensor[], inputs: number[], outputs: number[], operators: OperatorSpec[]): SubgraphSpec {
  return { name, tensors, inputs, outputs, operators };
}

const f32 = (name: string, shape: number[], data?: number[]): Tensor => ({ name, shape, dtype: 'float32', ...(data ? { data: Float32Array.from(data) } : {}) });
const i32 = (name: string, shape: number[], data?: number[]): Tensor => ({ name, shape, dtype: 'int32', ...(data ? { data: Int32Array.from(data) } : {}) });
const bool = (name: string, shape: number[]): Tensor => ({ name, shape, dtype: 'bool' });
const resource = (name: string): Tensor => ({ name, shape: [], dtype: 'resource' });

const ifOptions = (then: number, otherwise: number): OptionsSpec => ({
  type: BuiltinOptions.IfOptions, fields: [{ slot: 0, kind: 'i32', value: then }, { slot: 1, kind: 'i32', value: otherwise }],
});
const whileOptions = (cond: number, body: number): OptionsSpec => ({
  type: BuiltinOptions.WhileOptions, fields: [{ slot: 0, kind: 'i32', value: cond }, { slot: 1, kind: 'i32', value: body }],
});
const callOnce = (init: number): OptionsSpec => ({ type: BuiltinOptions.CallOnceOptions, fields: [{ slot: 0, kind: 'i32', value: init }] });
const varHandle = (name: string): OptionsSpec => ({ type: BuiltinOptions.VarHandleOptions, fields: [{ slot: 1, kind: 'string', value: name }] });
const noOptions = (type: number): OptionsSpec => ({ type, fields: [] });

/**
 * A WHILE loop: i = 0; while (i < limit) { i = i + 1; x = tanh(1.5 x + 0.1) }.
 * Inputs x [1, 4] (float32) and limit [] (int32); outputs the final x and i.
 * Damaged variants: `bodyCond`/`bodyBody` name other subgraphs; `flatten`
 * makes the body return x reshaped to [4] (a loop variable changing rank).
 * `rows` declares x [rows, 4] everywhere (a twin of a resized session).
 */
export function whileModel(o: { bodyCond?: number; bodyBody?: number; flatten?: boolean; rows?: number } = {}): Uint8Array {
  const x = [o.rows ?? 1, 4];
  const main = subgraph('main', [f32('x', x), i32('limit', []), i32('i0', [], [0]), i32('i_final', []), f32('x_final', x)], [0, 1], [4, 3], [
    { op: 'WHILE', inputs: [2, 0, 1], outputs: [3, 4, 5], options: whileOptions(o.bodyCond ?? 1, o.bodyBody ?? 2) },
  ]);
  main.tensors.push(i32('limit_final', []));
  const cond = subgraph('cond', [i32('i', []), f32('x', x), i32('limit', []), bool('more', [])], [0, 1, 2], [3], [
    { op: 'LESS', inputs: [0, 2], outputs: [3], options: noOptions(BuiltinOptions.LessOptions) },
  ]);
  const body = subgraph('body', [
    i32('i', []), f32('x', x), i32('limit', []), i32('one', [], [1]), i32('i_next', []),
    f32('gain', [], [1.5]), f32('scaled', x), f32('bias', [], [0.1]), f32('shifted', x), f32('x_next', x),
  ], [0, 1, 2], [4, 9, 2], [
    { op: 'ADD', inputs: [0, 3], outputs: [4], options: arithmetic('ADD') },
    { op: 'MUL', inputs: [1, 5], outputs: [6], options: arithmetic('MUL') },
    { op: 'ADD', inputs: [6, 7], outputs: [8], options: arithmetic('ADD') },
    { op: 'TANH', inputs: [8], outputs: [9] },
  ]);
  if (o.flatten) {
    body.tensors.push(i32('flat_shape', [1], [4]), f32('x_flat', [4]));
    body.operators.push({ op: 'RESHAPE', inputs: [9, 10], outputs: [11], options: noOptions(BuiltinOptions.ReshapeOptions) });
    body.outputs[1] = 11;
  }
  return writeModel({ description: 'while loop (xnnlite test)', subgraphs: [main, cond, body] });
}

/**
 * IF (selector > 0): then 2x + 1, else tanh(x) - x (MUL/ADD against TANH/SUB).
 * Inputs x [1, 4] float32 and selector [1] int32; output y [1, 4]. `rows`
 * declares x and y [rows, 4]; `reshapeElse` makes the else branch return its
 * result reshaped to [1, -1], which only the declared one row hides.
 */
export function ifModel(o: { rows?: number; reshapeElse?: boolean } = {}): Uint8Array {
  const x = [o.rows ?? 1, 4];
  const main = subgraph('main', [f32('x', x), i32('selector', [1]), i32('zero', [1], [0]), bool('cond', [1]), f32('y', x)], [0, 1], [4], [
    { op: 'GREATER', inputs: [1, 2], outputs: [3], options: noOptions(BuiltinOptions.GreaterOptions) },
    { op: 'IF', inputs: [3, 0], outputs: [4], options: ifOptions(1, 2) },
  ]);
  const then = subgraph('then', [f32('x', x), f32('two', [], [2]), f32('doubled', x), f32('one', [], [1]), f32('y', x)], [0], [4], [
    { op: 'MUL', inputs: [0, 1], outputs: [2], options: arithmetic('MUL') },
    { op: 'ADD', inputs: [2, 3], outputs: [4], options: arithmetic('ADD') },
  ]);
  const otherwise = subgraph('else', [f32('x', x), f32('t', x), f32('y', x)], [0], [2], [
    { op: 'TANH', inputs: [0], outputs: [1] },
    { op: 'SUB', inputs: [1, 0], outputs: [2], options: arithmetic('SUB') },
  ]);
  if (o.reshapeElse) {
    // Reshaped to [1, -1]: the same at the declared shapes (one row), not at others.
    otherwise.tensors.push(i32('flat', [2], [1, -1]), f32('y_flat', [1, 4 * x[0]]));
    otherwise.operators.push({ op: 'RESHAPE', inputs: [2, 3], outputs: [4], options: noOptions(BuiltinOptions.ReshapeOptions) });
    otherwise.outputs = [4];
  }
  return writeModel({ description: 'if (xnnlite test)', subgraphs: [main, then, otherwise] });
}

/**
 * A stateful accumulator: a resource variable `total` [1, 4], set to
 * `initial` by a CALL_ONCE subgraph, then total = total + x at every run,
 * returned. `readFirst` false omits the initialiser (a variable read before
 * any assignment).
 */
export function accumulatorModel(o: { initial?: number[]; initialise?: boolean } = {}): Uint8Array {
  const initialise = o.initialise ?? true;
  const main = subgraph('main', [f32('x', [1, 4]), resource('handle'), f32('total', [1, 4]), f32('sum', [1, 4])], [0], [3], [
    ...(initialise ? [{ op: 'CALL_ONCE', inputs: [], outputs: [], options: callOnce(1) }] : []),
    { op: 'VAR_HANDLE', inputs: [], outputs: [1], options: varHandle('total') },
    { op: 'READ_VARIABLE', inputs: [1], outputs: [2], options: noOptions(BuiltinOptions.ReadVariableOptions) },
    { op: 'ADD', inputs: [2, 0], outputs: [3], options: arithmetic('ADD') },
    { op: 'ASSIGN_VARIABLE', inputs: [1, 3], outputs: [], options: noOptions(BuiltinOptions.AssignVariableOptions) },
  ]);
  const init = subgraph('init', [resource('handle'), f32('initial', [1, 4], o.initial ?? [0.5, -1, 2, 0])], [], [], [
    { op: 'VAR_HANDLE', inputs: [], outputs: [0], options: varHandle('total') },
    { op: 'ASSIGN_VARIABLE', inputs: [0, 1], outputs: [], options: noOptions(BuiltinOptions.AssignVariableOptions) },
  ]);
  return writeModel({ description: 'accumulator (xnnlite test)', subgraphs: initialise ? [main, init] : [main] });
}

/**
 * A loop variable that grows: x [1, 4] gets a column of `fill` appended by
 * CONCATENATION at each of `iterations` iterations (a constant count), so
 * the body meets x at a new shape every time; the output is x [1, 4 + iterations].
 */
export function growingLoopModel(iterations: number): Uint8Array {
  const main = subgraph('main', [f32('x', [1, 4]), i32('i0', [], [0]), i32('i_final', []), f32('x_final', [1, 4 + iterations])], [0], [3], [
    { op: 'WHILE', inputs: [1, 0], outputs: [2, 3], options: whileOptions(1, 2) },
  ]);
  const cond = subgraph('cond', [i32('i', []), f32('x', [1, 4]), i32('limit', [], [iterations]), bool('more', [])], [0, 1], [3], [
    { op: 'LESS', inputs: [0, 2], outputs: [3], options: noOptions(BuiltinOptions.LessOptions) },
  ]);
  const body = subgraph('body', [
    i32('i', []), f32('x', [1, 4]), i32('one', [], [1]), i32('i_next', []), f32('fill', [1, 1], [0.25]), f32('x_next', [1, 5]),
  ], [0, 1], [3, 5], [
    { op: 'ADD', inputs: [0, 2], outputs: [3], options: arithmetic('ADD') },
    { op: 'CONCATENATION', inputs: [1, 4], outputs: [5], options: concatenation(1) },
  ]);
  return writeModel({ description: 'growing loop (xnnlite test)', subgraphs: [main, cond, body] });
}
