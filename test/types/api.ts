// Type-only test of the published declarations (dist/*.d.ts): compiled with
// `tsc -p test/types` before the suite runs, never executed. Each line
// marked as an expected error must stay a type error.
import { loadModel, version, supportedOps, ModelFormatError, UnsupportedOpError, type Model, type Session, type TensorInfo, type SessionOutputs, type RunOptions } from 'xnnlite';
export async function typed(): Promise<void> {
  const model: Model = await loadModel('model.tflite', { threads: 2, maxTensorBytes: 1 << 20 });
  await loadModel(new Uint8Array(8));
  const info: readonly TensorInfo[] = model.inputs;
  const shape: number[] = info[0].shape;
  const session: Session = await model.createSession({ threads: 1 });
  const out: SessionOutputs = await session.run({ input: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  const first: Float32Array = out.anything;
  session.runSync(new Float32Array(4));
  const options: RunOptions = { signal: AbortSignal.timeout(100), outputs: { scores: new Float32Array(4), other: new Int8Array(4) } };
  const reused: Float32Array = (await session.run({ input: new Float32Array(4) }, options)).scores;
  const quantized: Int8Array = (await session.run<Int8Array>(new Int8Array(4), { outputs: { scores: new Int8Array(4) } })).scores;
  session.runSync(new Float32Array(4), { outputs: { scores: new Float32Array(4) } });
  {
    await using scopedModel = await loadModel('model.tflite');
    await using scopedSession = await scopedModel.createSession();
    const released: Promise<void> = scopedSession[Symbol.asyncDispose]();
    void [released, model[Symbol.asyncDispose]()];
  }
  const isa: string[] = version().isa;
  const ops: string[] = supportedOps();
  const err = new ModelFormatError('where', 'what');
  const where: string = err.where;
  const op: string = new UnsupportedOpError('GATHER', 3, 'why').op;
  session.dispose();
  model[Symbol.dispose]();
  void [first, reused, quantized, isa, ops, where, op];

  // @ts-expect-error threads is a number
  await model.createSession({ threads: "2" });
  // @ts-expect-error unknown option
  await model.createSession({ thread: 2 });
  // @ts-expect-error inputs are Float32Arrays
  await session.run({ input: [1, 2, 3] });
  // @ts-expect-error a signal is an AbortSignal
  await session.run({ input: new Float32Array(4) }, { signal: new AbortController() });
  // @ts-expect-error outputs are typed arrays
  await session.run({ input: new Float32Array(4) }, { outputs: { scores: [0, 0] } });
  // @ts-expect-error unknown run option
  await session.run({ input: new Float32Array(4) }, { output: {} });
  // @ts-expect-error runSync cannot be aborted
  session.runSync(new Float32Array(4), { signal: AbortSignal.abort() });
  // @ts-expect-error a model source is a path or bytes
  await loadModel(42);
}
