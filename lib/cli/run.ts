import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from '../model';
import { writeNpy } from '../npy';
import type { TensorArray } from '../session';
import type { TensorInfo } from '../tensor-info';
import { storedToReal } from '../tensor-values';
import { shape } from '../text-format';
import { describeZeros, inputFromNpy, zeroInput } from './npy-input';
import { SESSION_SHAPE_HELP, SESSION_SHAPE_OPTIONS, sessionOptionsFor, sessionShapeOptions } from './session-options';
import { integerOption, oneModel, UsageError, type Command } from './usage';

function parseInputs(values: Record<string, unknown>, names: string[]): Map<string, string> {
  const given = new Map<string, string>();
  for (const spec of (values.input as string[] | undefined) ?? []) {
    const eq = spec.indexOf('=');
    let name: string;
    let file: string;
    if (eq < 0) {
      if (names.length !== 1) throw new UsageError(`--input ${spec}: the model has ${names.length} inputs; write --input NAME=FILE.npy (inputs: ${names.join(', ')})`, 'run');
      [name, file] = [names[0], spec];
    } else {
      [name, file] = [spec.slice(0, eq), spec.slice(eq + 1)];
    }
    if (!names.includes(name)) throw new UsageError(`--input ${spec}: the model has no input "${name}" (inputs: ${names.join(', ')})`, 'run');
    given.set(name, file);
  }
  return given;
}

function statistics(values: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  return { min, max, mean: sum / values.length };
}

/**
 * One line about an output's values: statistics and first values of what it
 * stores and, for a quantized output, the statistics of its real values.
 */
function summary(info: TensorInfo, stored: TensorArray): string {
  const values = stored instanceof BigInt64Array ? Float64Array.from(stored, (v) => Number(v)) : stored;
  const number = values instanceof Float32Array ? (v: number) => v.toPrecision(5) : String;
  const s = statistics(values);
  const head = Array.from(values.subarray(0, 6), number).join(', ');
  let line = `min ${number(s.min)}, max ${number(s.max)}, mean ${s.mean.toPrecision(5)}; first values ${head}${values.length > 6 ? ', ...' : ''}`;
  if (!(stored instanceof Float32Array) && info.quantization?.scale.length === 1) {
    const r = statistics(storedToReal(info, stored, `output ${info.name}`));
    line += `; real values min ${r.min.toPrecision(5)}, max ${r.max.toPrecision(5)}, mean ${r.mean.toPrecision(5)}`;
  }
  return line;
}

/** An input or output as messages name it: its name, shape and, unless float32, dtype. */
function label(info: TensorInfo): string {
  return `${info.name} ${shape(info.shape)}${info.dtype === 'float32' ? '' : ` ${info.dtype}`}`;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run once on .npy inputs; print or save the outputs',
  usage: 'xnnlite run MODEL [--input NAME=FILE.npy ...] [--output DIR] [--threads N] [--signature KEY] [--shape NAME=D,D,... ...]',
  help: [
    '  --input NAME=FILE.npy   an input as a .npy file (repeat for each input; NAME= may be left out',
    '                          when the model has one input): an array of the input\'s dtype (float32,',
    '                          int8, uint8 or int16), used as it is; for a float32 input, float64 is',
    '                          taken too; for a quantized input, real values as float32 or float64,',
    '                          quantized with its scale and zero point.',
    '                          Inputs not given are zeros; for a quantized input real zeros, i.e. its',
    '                          zero point. `xnnlite inspect MODEL` shows each input\'s dtype.',
    '  --output DIR            write each output as DIR/NAME.npy in the output\'s dtype (readable with',
    '                          numpy.load). Without it, each output\'s min, max, mean and first values',
    '                          are printed (for a quantized output, also the min, max and mean of its',
    '                          real values).',
    '  --threads N             threads for the inference (default 1)',
    SESSION_SHAPE_HELP,
  ].join('\n'),
  options: { input: { type: 'string', multiple: true }, output: { type: 'string' }, threads: { type: 'string' }, ...SESSION_SHAPE_OPTIONS },
  async run(positionals, values) {
    const file = oneModel(positionals, 'run');
    const threads = integerOption(values, 'threads', 1, 1, 64, 'run');
    const entry = sessionShapeOptions(values, 'run');
    const model = await loadModel(file, { threads });
    try {
      const session = await model.createSession(sessionOptionsFor(model, entry, 'run'));
      const given = parseInputs(values, session.inputs.map((t) => t.name));
      const inputs: Record<string, TensorArray> = {};
      for (const t of session.inputs) {
        const npyFile = given.get(t.name);
        if (npyFile) {
          inputs[t.name] = inputFromNpy(t, npyFile);
        } else {
          inputs[t.name] = zeroInput(t);
          process.stderr.write(`xnnlite: input ${label(t)} not given; using ${describeZeros(t)}\n`);
        }
      }
      const started = performance.now();
      const outputs = await session.run<TensorArray>(inputs);
      const elapsed = performance.now() - started;
      const dir = values.output as string | undefined;
      if (dir) fs.mkdirSync(dir, { recursive: true });
      for (const t of session.outputs) {
        const data = outputs[t.name];
        if (dir) {
          const target = path.join(dir, `${t.name.replace(/[^\w.-]+/g, '_')}.npy`);
          fs.writeFileSync(target, writeNpy(data, t.shape));
          process.stdout.write(`${label(t)} -> ${target}\n`);
        } else {
          process.stdout.write(`${label(t)}: ${summary(t, data)}\n`);
        }
      }
      process.stderr.write(`xnnlite: inference took ${elapsed.toFixed(2)} ms\n`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
