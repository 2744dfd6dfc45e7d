/** The input shapes a session runs at: `createSession({ inputShapes })` and `session.resize()`. */
import { invalid, isPlainObject } from './args';
import type { SubgraphDef } from './model/types';
import type { EntryPoint } from './plan/entry-point';

/** Largest dimension a caller may ask for (TFLite's dimensions are int32). */
const MAX_DIMENSION = 2 ** 31 - 1;

/**
 * The shapes `given` asks for (by input name), checked: known names, one
 * integer >= 1 per dimension, the rank the model declares. Returns tensor
 * index -> shape for the inputs named; the others are left out.
 */
export function inputShapesOf(entry: EntryPoint, subgraph: SubgraphDef, given: unknown, name: string): Map<number, number[]> {
  const shapes = new Map<number, number[]>();
  if (given === undefined) return shapes;
  if (!isPlainObject(given)) throw invalid('an object of shapes by input name, e.g. { ids: [1, 40] }', name, given);
  const byName = new Map(entry.inputs.map((i) => [i.name, i.tensor]));
  for (const [key, value] of Object.entries(given)) {
    const tensor = byName.get(key);
    if (tensor === undefined) {
      throw new TypeError(`Unknown input ${JSON.stringify(key)} in ${name}; the inputs are ${[...byName.keys()].map((n) => JSON.stringify(n)).join(', ')}`);
    }
    const where = `${name}.${key}`;
    const declared = subgraph.tensors[tensor];
    if (!Array.isArray(value) || !value.every((d) => Number.isInteger(d) && d >= 1 && d <= MAX_DIMENSION)) {
      throw invalid(`an array of dimensions (integers from 1 to ${MAX_DIMENSION})`, where, value);
    }
    if (value.length !== declared.shape.length) {
      throw new RangeError(`${where} has rank ${value.length} ([${value}]), but input ${JSON.stringify(key)} has rank ${declared.shape.length} (shape [${declared.shape}])`);
    }
    shapes.set(tensor, [...value]);
  }
  return shapes;
}
