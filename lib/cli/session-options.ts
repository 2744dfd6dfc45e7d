/** The command-line options that choose what a session runs: --signature and --shape. */
import type { Model } from '../model';
import type { SessionOptions } from '../session';
import { UsageError } from './usage';

export const SESSION_SHAPE_OPTIONS = { signature: { type: 'string' }, shape: { type: 'string', multiple: true } } as const;

export const SESSION_SHAPE_HELP = [
  '  --signature KEY         run the model\'s signature KEY (`xnnlite inspect` lists them; default: the first)',
  '  --shape NAME=D,D,...    run with input NAME at this shape, e.g. --shape ids=1,40 (repeat for each input;',
  '                          NAME= may be left out when the model has one input): dimensions the model marks',
  '                          -1 take any size, others where every operator allows it',
].join('\n');

/** The `signature` and `inputShapes` session options the command line asks for. */
export function sessionShapeOptions(values: Record<string, unknown>, command: string): Pick<SessionOptions, 'signature' | 'inputShapes'> {
  const options: Pick<SessionOptions, 'signature' | 'inputShapes'> = {};
  if (typeof values.signature === 'string') options.signature = values.signature;
  const specs = (values.shape as string[] | undefined) ?? [];
  if (specs.length === 0) return options;
  const shapes: Record<string, number[]> = {};
  for (const spec of specs) {
    const m = /^(?:([^=]+)=)?(\d+(?:,\d+)*)$/.exec(spec);
    if (!m) throw new UsageError(`--shape ${spec}: expected NAME=D,D,... with positive integer dimensions, e.g. --shape ids=1,40`, command);
    // An unnamed shape is the only input's: its name is filled in once the session's inputs are known (see namedShapes).
    shapes[m[1] ?? ''] = m[2].split(',').map(Number);
  }
  options.inputShapes = shapes;
  return options;
}

/**
 * The session options for `model`: the signature, and the shapes with an
 * unnamed one given to the only input of the session's entry point.
 */
export function sessionOptionsFor(model: Model, options: Pick<SessionOptions, 'signature' | 'inputShapes'>, command: string): Pick<SessionOptions, 'signature' | 'inputShapes'> {
  const shapes = options.inputShapes;
  if (!shapes || !('' in shapes)) return options;
  const inputs = (model.signatures.find((s) => s.key === options.signature)?.inputs ?? model.inputs).map((i) => i.name);
  if (inputs.length !== 1) throw new UsageError(`--shape without NAME=: the model has ${inputs.length} inputs; write --shape NAME=D,D,... (inputs: ${inputs.join(', ')})`, command);
  const { '': only, ...named } = shapes;
  return { ...options, inputShapes: { ...named, [inputs[0]]: only } };
}
