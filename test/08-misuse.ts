// Misuse of every public class: each bad argument with its exact message,
// and every method after dispose().
import t from 'tap';
import { loadModel, Model, Session } from '../lib/index';
import { smallModel } from './helpers/small-model';

t.test('loadModel: bad arguments', async (t) => {
  const bytes = smallModel();
  const cases: Array<[unknown[], string, string]> = [
    [[123], 'TypeError', 'Expected a file path, Buffer or Uint8Array for source but received number 123'],
    [[null], 'TypeError', 'Expected a file path, Buffer or Uint8Array for source but received null'],
    [[new Float32Array(4)], 'TypeError', 'Expected a file path, Buffer or Uint8Array for source but received Float32Array(4)'],
    [[bytes, 'fast'], 'TypeError', 'Expected an options object for options but received string "fast"'],
    [[bytes, { thread: 2 }], 'TypeError', 'Unknown option "thread" in options; known options are: threads, maxTensorBytes, maxTotalBytes'],
    [[bytes, { threads: 0 }], 'RangeError', 'Expected an integer between 1 and 64 for options.threads but received 0'],
    [[bytes, { threads: 1.5 }], 'TypeError', 'Expected an integer between 1 and 64 for options.threads but received number 1.5'],
    [[bytes, { maxTensorBytes: -1 }], 'RangeError', `Expected an integer between 1 and ${Number.MAX_SAFE_INTEGER} for options.maxTensorBytes but received -1`],
  ];
  for (const [args, name, message] of cases) {
    await t.rejects((loadModel as (...a: unknown[]) => Promise<Model>)(...args), { name, message }, message);
  }
});

t.test('Model: bad arguments and use after dispose', async (t) => {
  const model = await loadModel(smallModel());
  await t.rejects(model.createSession({ threads: 'two' } as never), { name: 'TypeError', message: 'Expected an integer between 1 and 64 for options.threads but received string "two"' });
  await t.rejects(model.createSession({ precison: 'fp16' } as never), { name: 'TypeError', message: 'Unknown option "precison" in options; known options are: threads, profile, weightCache, precision' });
  await t.rejects(model.createSession({ precision: 'int8' } as never), { name: 'TypeError', message: 'Expected \'fp32\', \'fp16\' or \'dynamic-int8\' for options.precision but received string "int8"' });
  await t.rejects(model.createSession({ threads: 65 }), { name: 'RangeError', message: 'Expected an integer between 1 and 64 for options.threads but received 65' });
  model.dispose();
  model.dispose();
  t.equal(model.disposed, true);
  await t.rejects(model.createSession(), { name: 'DisposedError', code: 'ERR_XNNLITE_DISPOSED', message: 'Model has been disposed' });
  t.same(model.inputs.map((i) => i.name), ['image'], 'metadata stays readable after dispose');
  t.throws(() => new (Model as unknown as new () => Model)(), 'no public constructor');
});

t.test('Session: bad inputs and use after dispose', async (t) => {
  const model = await loadModel(smallModel());
  t.teardown(() => model.dispose());
  const session: Session = await model.createSession({ threads: 1 });
  const good = new Float32Array(192);
  const cases: Array<[unknown, string]> = [
    [null, 'Expected an object of input arrays by name (or one Float32Array) for inputs but received null'],
    [[good], 'Expected an object of input arrays by name (or one Float32Array) for inputs but received array(1)'],
    [{ imag: good }, 'Unknown input "imag"; the model\'s inputs are "image"'],
    [{}, 'Missing input "image" (Float32Array of 192 values, shape [1,8,8,3])'],
    [{ image: Array.from(good) }, 'Expected a Float32Array of 192 values for input "image" but received array(192)'],
    [{ image: new Float64Array(192) }, 'Expected a Float32Array of 192 values for input "image" but received Float64Array(192)'],
    [{ image: new Float32Array(191) }, 'Expected 192 values (shape [1,8,8,3]) for input "image" but received Float32Array(191)'],
    [new Float32Array(5), 'Expected 192 values (shape [1,8,8,3]) for input "image" but received Float32Array(5)'],
  ];
  for (const [inputs, message] of cases) {
    t.throws(() => session.run(inputs as never), { name: 'TypeError', message }, `run: ${message}`);
    t.throws(() => session.runSync(inputs as never), { name: 'TypeError', message }, `runSync: ${message}`);
  }
  session.dispose();
  session.dispose();
  t.throws(() => session.run(good), { name: 'DisposedError', message: 'Session has been disposed' });
  t.throws(() => session.runSync(good), { name: 'DisposedError', message: 'Session has been disposed' });
  t.same(session.outputs.map((o) => o.name), ['scores', 'probabilities'], 'metadata stays readable after dispose');
});
