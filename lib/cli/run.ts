import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from '../model';
import { readNpy, writeNpy } from '../npy';
import { shape } from './format';
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

function summary(values: Float32Array): string {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const head = Array.from(values.subarray(0, 6), (v) => v.toPrecision(5)).join(', ');
  return `min ${min.toPrecision(5)}, max ${max.toPrecision(5)}, mean ${(sum / values.length).toPrecision(5)}; first values ${head}${values.length > 6 ? ', ...' : ''}`;
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run once on .npy inputs; print or save the outputs',
  usage: 'xnnlite run MODEL [--input NAME=FILE.npy ...] [--output DIR] [--threads N]',
  help: [
    '  --input NAME=FILE.npy   an input as a float32 .npy file (repeat for each input; NAME= may be',
    '                          left out when the model has one input). Inputs not given are zeros.',
    '  --output DIR            write each output as DIR/NAME.npy (readable with numpy.load)',
    '  --threads N             threads for the inference (default 1)',
  ].join('\n'),
  options: { input: { type: 'string', multiple: true }, output: { type: 'string' }, threads: { type: 'string' } },
  async run(positionals, values) {
    const file = oneModel(positionals, 'run');
    const threads = integerOption(values, 'threads', 1, 1, 64, 'run');
    const model = await loadModel(file, { threads });
    try {
      const given = parseInputs(values, model.inputs.map((t) => t.name));
      const inputs: Record<string, Float32Array> = {};
      for (const t of model.inputs) {
        const count = t.shape.reduce((a, b) => a * b, 1);
        const npyFile = given.get(t.name);
        if (!npyFile) {
          process.stderr.write(`xnnlite: input ${t.name} ${shape(t.shape)} not given; using zeros\n`);
          inputs[t.name] = new Float32Array(count);
          continue;
        }
        const { data, shape: s } = readNpy(fs.readFileSync(npyFile), npyFile);
        if (!(data instanceof Float32Array)) throw new UsageError(`${npyFile}: input ${t.name} must be float32 (save with arr.astype(numpy.float32))`, 'run');
        if (data.length !== count) throw new UsageError(`${npyFile}: has shape ${shape(s)} (${data.length} values); input ${t.name} needs ${shape(t.shape)} (${count} values)`, 'run');
        inputs[t.name] = data;
      }
      const session = await model.createSession();
      const started = performance.now();
      const outputs = await session.run(inputs);
      const elapsed = performance.now() - started;
      const dir = values.output as string | undefined;
      if (dir) fs.mkdirSync(dir, { recursive: true });
      for (const t of model.outputs) {
        const data = outputs[t.name];
        if (dir) {
          const target = path.join(dir, `${t.name.replace(/[^\w.-]+/g, '_')}.npy`);
          fs.writeFileSync(target, writeNpy(data, t.shape));
          process.stdout.write(`${t.name} ${shape(t.shape)} -> ${target}\n`);
        } else {
          process.stdout.write(`${t.name} ${shape(t.shape)}: ${summary(data)}\n`);
        }
      }
      process.stderr.write(`xnnlite: inference took ${elapsed.toFixed(2)} ms\n`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
