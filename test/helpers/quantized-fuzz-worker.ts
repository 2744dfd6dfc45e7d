// The process that runs the cases of test/20-fuzz-quantized.ts, so that a
// crash or a hang costs one case, not the test: the test writes the seed
// models to files and a job (JSON) to this process's stdin; for each case it
// applies the edits to its seed, loads the file, creates a session on one
// thread and runs it, and writes one JSON line to stdout before the case
// ({ start }) and one after ({ done, outcome, detail, ms }). stdout is a pipe,
// which Node writes synchronously on Linux, so a case that kills the process
// has announced itself first.
import fs from 'node:fs';
import { loadModel, ModelFormatError, UnsupportedOpError, type Model, type Session } from '../../lib/index';

export interface FuzzSeedFile {
  file: string;
  limits: { maxTensorBytes: number; maxTotalBytes: number };
}

export interface FuzzCase {
  id: number;
  seed: number;
  /** Byte edits as [offset, value, offset, value, ...], applied after the truncation. */
  edits: number[];
  /** Length to cut the file to, if any. */
  truncate?: number;
  /** Run with runSync instead of run. */
  sync: boolean;
}

export interface FuzzJob {
  seeds: FuzzSeedFile[];
  cases: FuzzCase[];
}

/** What a case came to: ran, refused at load or createSession, or something else. */
export type FuzzOutcome = 'ran' | 'format' | 'unsupported' | 'failure';

const ARRAYS = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array } as const;

function describe(stage: string, err: unknown): string {
  if (!(err instanceof Error)) return `${stage}: threw ${typeof err} ${String(err)}`;
  const stack = (err.stack ?? '').split('\n').slice(1, 7).map((l) => l.trim()).join(' | ');
  return `${stage}: ${err.constructor?.name ?? 'Error'}${'code' in err ? ` (${String((err as { code: unknown }).code)})` : ''}: ${err.message} [${stack}]`;
}

/** A deterministic input of the tensor's dtype, spread over its range. */
function input(dtype: string, n: number) {
  const wave = (i: number) => 0.5 + 0.25 * Math.sin(i * 0.0137 + 0.3) + 0.25 * Math.sin(i * 0.719 + 1);
  switch (dtype) {
    case 'float32': return Float32Array.from({ length: n }, (_, i) => 2 * wave(i) - 1);
    case 'int8': return Int8Array.from({ length: n }, (_, i) => Math.round(255 * wave(i)) - 128);
    case 'uint8': return Uint8Array.from({ length: n }, (_, i) => Math.round(255 * wave(i)));
    case 'int16': return Int16Array.from({ length: n }, (_, i) => Math.round(65535 * wave(i)) - 32768);
    default: return undefined;
  }
}

/** Creates a session of a loaded model and runs it once. */
async function exercise(model: Model, sync: boolean): Promise<[FuzzOutcome, string]> {
  let session: Session;
  try {
    session = await model.createSession({ threads: 1 });
  } catch (err) {
    if (err instanceof ModelFormatError) return ['format', `createSession: ${err.message}`];
    if (err instanceof UnsupportedOpError) return ['unsupported', `createSession: ${err.message}`];
    return ['failure', describe('createSession', err)];
  }
  const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
  const inputs: Record<string, Float32Array | Int8Array | Uint8Array | Int16Array> = {};
  for (const info of session.inputs) {
    const x = input(info.dtype, count(info.shape));
    if (!x) return ['failure', `createSession: input "${info.name}" has dtype ${info.dtype}, which run() cannot take`];
    inputs[info.name] = x;
  }
  const how = sync ? 'runSync' : 'run';
  let outputs;
  try {
    outputs = sync ? session.runSync(inputs) : await session.run(inputs);
  } catch (err) {
    return ['failure', describe(how, err)];
  }
  for (const info of session.outputs) {
    const out = outputs[info.name] as unknown;
    const ctor = ARRAYS[info.dtype as keyof typeof ARRAYS];
    if (!ctor || !(out instanceof ctor) || out.length !== count(info.shape)) {
      return ['failure', `${how}: output "${info.name}" (${info.dtype} [${info.shape}]) is ${(out as object)?.constructor?.name} of ${(out as { length?: number })?.length} values`];
    }
  }
  return ['ran', ''];
}

async function runCase(bytes: Uint8Array, limits: FuzzSeedFile['limits'], sync: boolean): Promise<[FuzzOutcome, string]> {
  let model: Model;
  try {
    model = await loadModel(bytes, limits);
  } catch (err) {
    if (err instanceof ModelFormatError) return ['format', `load: ${err.message}`];
    if (err instanceof UnsupportedOpError) return ['unsupported', `load: ${err.message}`];
    return ['failure', describe('loadModel', err)];
  }
  let result: [FuzzOutcome, string];
  try {
    result = await exercise(model, sync);
  } catch (err) {
    result = ['failure', describe('session', err)];
  }
  try {
    model.dispose();
  } catch (err) {
    return ['failure', `${result[0]}, then ${describe('dispose', err)}`];
  }
  return result;
}

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const job = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FuzzJob;
  const seeds = job.seeds.map((s) => new Uint8Array(fs.readFileSync(s.file)));
  for (const c of job.cases) {
    process.stdout.write(`${JSON.stringify({ start: c.id })}\n`);
    const bytes = seeds[c.seed].slice(0, c.truncate ?? seeds[c.seed].length);
    for (let k = 0; k + 1 < c.edits.length; k += 2) if (c.edits[k] < bytes.length) bytes[c.edits[k]] = c.edits[k + 1];
    const started = process.hrtime.bigint();
    const [outcome, detail] = await runCase(bytes, job.seeds[c.seed].limits, c.sync);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    process.stdout.write(`${JSON.stringify({ done: c.id, outcome, detail, ms })}\n`);
  }
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`quantized-fuzz-worker: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(70);
});
