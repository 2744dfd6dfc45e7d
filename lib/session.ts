import os from 'node:os';
import { checkInteger, checkOptions, describe, invalid, isPlainObject, viewLength } from './args';
import { DisposedError, InvalidValueError, ModelChangedError } from './errors';
import type { SubgraphAnalysis } from './plan/analysis';
import type { EntryPoint } from './plan/entry-point';
import type { NativePackedWeights } from './native';
import type { Runtime } from './runtime';
import { inputShapesOf } from './session-shapes';
import type { TensorInfo } from './tensor-info';
import { arrayTypeOf } from './tensor-values';

/** A session's outputs at the shapes of one moment: what a run made then returns. */
interface OutputShapes {
  infos: readonly TensorInfo[];
  sizes: number[];
}

/** Options of `model.createSession()`. */
export interface SessionOptions {
  /**
   * Threads XNNPACK uses for one inference. Default: the number of CPUs Node
   * reports (`os.availableParallelism()`), at most 4. Use 1 when many worker
   * processes share a machine. Range 1 to 64.
   */
  threads?: number;
  /**
   * Record how long each operator takes (XNNPACK's and the reference
   * kernels'), for `session.profile()`. Default false (profiling adds a
   * clock read per operator).
   */
  profile?: boolean;
  /**
   * Directory of the shared packed-weight cache, or `false` for none.
   * Default: the model's `weightCache` option, else the XNNLITE_WEIGHT_CACHE
   * environment variable, else none. The first session packs the weights into
   * a file there; later sessions and other processes map that file instead of
   * packing. Problems (a damaged file, a read-only directory, a full disk) are
   * reported as warnings with code XNNLITE_WEIGHT_CACHE, never as errors.
   */
  weightCache?: string | false;
  /**
   * Arithmetic of float models: `fp32` (default), or `fp16`, which runs
   * XNNPACK's half-precision kernels (weights packed as FP16, activations in
   * FP16). That halves weight memory and is faster on CPUs with FP16
   * arithmetic (Armv8.2 cores such as the Pi 5's Cortex-A76); elsewhere
   * XNNPACK emulates it, slower than fp32. `dynamic-int8` quantizes the
   * weights of convolutions and fully-connected layers to int8 (one scale per
   * output channel) at load and their inputs at run time, as TFLite's
   * dynamic-range quantization does, on XNNPACK's qd8 kernels. See the README
   * for the accuracy cost of each on the zoo.
   */
  precision?: 'fp32' | 'fp16' | 'dynamic-int8';
  /**
   * The signature to run, by key (see `model.signatures`): the session takes
   * and returns that signature's inputs and outputs, by its keys. Default:
   * the model's first signature, or subgraph 0 for a model without any.
   */
  signature?: string;
  /**
   * Input shapes to start at, by input name, instead of those the file
   * declares, e.g. `{ ids: [1, 40] }`: dimensions the model marks -1 (see
   * `TensorInfo.shapeSignature`) take any size, others where every
   * operator allows it (a ShapeError names the operator otherwise).
   * `session.resize()` changes them later.
   */
  inputShapes?: Record<string, number[]>;
  /**
   * Run the graph as xnnlite's rewrite rules reshape it for XNNPACK (e.g. a
   * transposed convolution without overlap as a convolution and a
   * depth-to-space), with the same results to float rounding. Default true;
   * `false` runs the operators exactly as the file lists them, for
   * comparison and debugging.
   */
  optimize?: boolean;
}

/** What the weight cache did for a session. */
export interface WeightCacheInfo {
  /** `mapped`: weights served from the cache file; `built`: packed now and published; `memory`: packed in memory (see the warning). */
  state: 'mapped' | 'built' | 'memory';
  /** The cache file. */
  path: string;
  /** Packed bytes this session uses. */
  bytes: number;
  /**
   * `recorded`: the session was made from the plan an earlier process
   * recorded beside the cache file, without planning it again (a warm start);
   * `planned`: it was planned now (and its plan recorded for the next start).
   */
  plan: 'recorded' | 'planned';
}

/** Time spent in one kind of operator during the last inference. */
export interface OperatorProfile {
  /** XNNPACK's operator name, e.g. `Convolution (NHWC, F32) GEMM`, or a reference kernel's, e.g. `GATHER (reference kernel)`. */
  name: string;
  /** How many operators of that kind ran. */
  count: number;
  microseconds: number;
}

/**
 * The array type of a tensor: Float32Array for float32, Int8Array/Uint8Array/Int16Array for (quantized) int8/uint8/int16,
 * Int32Array for int32, BigInt64Array for int64, Uint8Array (of 0 and 1) for bool.
 */
export type TensorArray = Float32Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array;
/** Input values by input name; a model with one input also takes the array alone. */
export type SessionInputs = Record<string, TensorArray> | TensorArray;
/**
 * Output values by output name. Float32Array by default; for quantized
 * outputs name the type: `run<Int8Array>(…)`, or `run<TensorArray>(…)` when
 * a model mixes them (each output's `dtype` says which).
 */
export type SessionOutputs<T extends TensorArray = Float32Array> = Record<string, T>;

/** Options of `session.run()`; `runSync()` takes `outputs` only. */
export interface RunOptions {
  /**
   * Cancels the run while it waits behind this session's earlier runs: it
   * then rejects with an Error named `AbortError` (code `ABORT_ERR`, `cause`
   * the signal's reason) and never runs. A run that has started completes.
   * A signal already aborted rejects at once.
   */
  signal?: AbortSignal;
  /**
   * Arrays to write outputs into, by output name, for some or all outputs:
   * each of the output's array type with exactly its element count. The
   * result holds these very arrays; outputs not given are allocated. They
   * are written when the run completes, so give an array to one pending run
   * at a time.
   */
  outputs?: Record<string, TensorArray | undefined>;
}


export const DEFAULT_THREADS = Math.max(1, Math.min(4, os.availableParallelism ? os.availableParallelism() : os.cpus().length));
const SESSION_OPTIONS: (keyof SessionOptions)[] = ['threads', 'profile', 'weightCache', 'precision', 'optimize', 'signature', 'inputShapes'];
const RUN_OPTIONS: (keyof RunOptions)[] = ['signal', 'outputs'];

/** Creates sessions; not part of the public API. */
export const createSessionInternal = Symbol('createSession');

/** Appends the caller's stack to an error that surfaced asynchronously. */
function withCallerStack(err: unknown, callSite: Error): unknown {
  if (err instanceof Error && callSite.stack) {
    err.stack = `${err.stack ?? `${err.name}: ${err.message}`}\n    --- called from ---\n${callSite.stack.split('\n').slice(1).join('\n')}`;
  }
  return err;
}

/** The error of a run cancelled by `signal`, shaped like Node's own AbortError. */
function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('The operation was aborted', { cause: signal.reason }), { name: 'AbortError', code: 'ABORT_ERR' });
}

/** Refuses names in `values` that are not the model's `kind`s (inputs or outputs). */
function checkNames(values: Record<string, unknown>, tensors: readonly TensorInfo[], kind: 'input' | 'output'): void {
  const known = new Set(tensors.map((t) => t.name));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) {
      throw new TypeError(`Unknown ${kind} ${JSON.stringify(key)}; the model's ${kind}s are ${[...known].map((n) => JSON.stringify(n)).join(', ')}`);
    }
  }
}

/** Checks that `value` is the typed array of tensor `info` (named `name` in messages) with its `size` elements. */
function checkTensorArray(value: unknown, info: TensorInfo, size: number, name: string): TensorArray {
  const array = arrayTypeOf(info.dtype, name);
  if (!(value instanceof array)) throw invalid(`${/^[AEIOU]/.test(array.name) ? 'an' : 'a'} ${array.name} of ${size} values`, name, value);
  if (viewLength(value) !== size) {
    throw new TypeError(`Expected ${size} values (shape [${info.shape}]) for ${name} but received ${describe(value)}`);
  }
  return value;
}

export interface ResolvedSessionOptions {
  threads: number;
  profile: boolean;
  weightCache: string | false | undefined;
  precision: 'fp32' | 'fp16' | 'dynamic-int8';
  optimize: boolean;
  signature: string | undefined;
  /** Checked against the entry point's inputs once it is known (inputShapesOf). */
  inputShapes: unknown;
}

/** What a session runs, and how it plans itself at other input shapes. */
export interface SessionEntry {
  entry: EntryPoint;
  /** The entry point's subgraph as the file declares it. */
  analysis: SubgraphAnalysis;
  /** The session at these input shapes (tensor index -> shape): planned now (a ShapeError when they do not fit), started later. */
  open(shapes: ReadonlyMap<number, readonly number[]>): OpenedRuntime;
}

/** The inputs and outputs of an entry point, under its names, at some shapes. */
export interface EntryIo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

/** A session planned at some input shapes, its runtime not yet made. */
export interface OpenedRuntime {
  /** The entry point's inputs and outputs at those shapes. */
  io: EntryIo;
  /** Makes the runtime, off the JavaScript thread; `packed`, the weights the session's previous runtime packed, spares packing them again. */
  start(packed?: NativePackedWeights): Promise<{ runtime: Runtime; cacheInfo: WeightCacheInfo | undefined }>;
  /** Releases what the plan holds, when the runtime will never be made. */
  cancel(): void;
}

export function resolveSessionOptions(options: unknown, name: string, defaults: SessionOptions = {}): ResolvedSessionOptions {
  const o = checkOptions<SessionOptions>(options, name, SESSION_OPTIONS);
  const threads = o.threads ?? defaults.threads ?? DEFAULT_THREADS;
  checkInteger(threads, `${name}.threads`, 1, 64);
  const profile = o.profile ?? false;
  if (typeof profile !== 'boolean') throw invalid('a boolean', `${name}.profile`, profile);
  const weightCache = o.weightCache !== undefined ? o.weightCache : defaults.weightCache;
  if (weightCache !== undefined && weightCache !== false && (typeof weightCache !== 'string' || weightCache === '')) {
    throw invalid('a directory path or false', `${name}.weightCache`, weightCache);
  }
  const precision = o.precision ?? defaults.precision ?? 'fp32';
  if (precision !== 'fp32' && precision !== 'fp16' && precision !== 'dynamic-int8') {
    throw invalid("'fp32', 'fp16' or 'dynamic-int8'", `${name}.precision`, precision);
  }
  const optimize = o.optimize ?? defaults.optimize ?? true;
  if (typeof optimize !== 'boolean') throw invalid('a boolean', `${name}.optimize`, optimize);
  const signature = o.signature;
  if (signature !== undefined && typeof signature !== 'string') throw invalid('a signature key (string)', `${name}.signature`, signature);
  return { threads, profile, weightCache, precision, optimize, signature, inputShapes: o.inputShapes };
}

/**
 * An inference session: one XNNPACK runtime of a model. `run` executes on
 * xnnlite's own threads (never libuv's pool, which Node's fs, dns and zlib
 * use) and never blocks the event loop; calls on one session are queued and
 * run one at a time. Sessions of the same model run in parallel, up to
 * `version().concurrency` at once in a process.
 */
export class Session {
  /** Threads this session's inferences use. */
  readonly threads: number;

  #runtime: Runtime | undefined;
  /** Why the session has no runtime, after a resize failed to create one. */
  #broken: unknown;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #disposed = false;
  /** Settles once the runtime is released, after `dispose()`. */
  #released: Promise<void> | undefined;
  /** Queued runs that give up when a signal aborts, with the one listener this session adds to that signal. */
  readonly #waiting = new Map<AbortSignal, { listener: () => void; runs: Set<() => void> }>();
  #inputs: readonly TensorInfo[] = [];
  #outputs: readonly TensorInfo[] = [];
  #inputSizes: number[] = [];
  #outputSizes: number[] = [];
  readonly #entry: SessionEntry;
  readonly #options: ResolvedSessionOptions;
  readonly #onDispose: (session: Session) => void;
  /** The model's file (or name), for ModelChangedError. */
  readonly #modelName: string;
  #weightCache: WeightCacheInfo | undefined;

  private constructor(runtime: Runtime, io: EntryIo, entry: SessionEntry, options: ResolvedSessionOptions,
    cacheInfo: WeightCacheInfo | undefined, modelName: string, onDispose: (session: Session) => void) {
    this.#runtime = runtime;
    this.#entry = entry;
    this.#options = options;
    this.#weightCache = cacheInfo;
    this.#modelName = modelName;
    this.threads = options.threads;
    this.#onDispose = onDispose;
    this.#describe(io);
  }

  /** The session's inputs, in order, at the shapes it runs at now. */
  get inputs(): readonly TensorInfo[] {
    return this.#inputs;
  }

  /** The session's outputs, in order, at the shapes it computes now. */
  get outputs(): readonly TensorInfo[] {
    return this.#outputs;
  }

  /** What the weight cache did for this session (its last resize, if any); undefined without a cache. */
  get weightCache(): WeightCacheInfo | undefined {
    return this.#weightCache;
  }

  /** Takes the inputs and outputs (names, shapes, element counts) of the entry point at its current shapes. */
  #describe(io: EntryIo): void {
    this.#inputs = Object.freeze(io.inputs);
    this.#outputs = Object.freeze(io.outputs);
    this.#inputSizes = this.#inputs.map((t) => t.shape.reduce((a, b) => a * b, 1));
    this.#outputSizes = this.#outputs.map((t) => t.shape.reduce((a, b) => a * b, 1));
  }

  /** @internal Used by Model.createSession. Starts `opened`, whatever happens. */
  static async [createSessionInternal](opened: OpenedRuntime, entry: SessionEntry, options: ResolvedSessionOptions,
    modelName: string, onDispose: (session: Session) => void): Promise<Session> {
    const { runtime, cacheInfo } = await opened.start();
    return new Session(runtime, opened.io, entry, options, cacheInfo, modelName, onDispose);
  }

  /**
   * Plans the session again for new input shapes, as TFLite's
   * `resize_tensor_input` + `allocate_tensors` do: the shapes propagate
   * through every operator, `inputs` and `outputs` describe them at once, and
   * runs made from now on take and give arrays of those sizes. Packed
   * weights are reused (from the weight cache: nothing is repacked when the
   * session has one). Runs already queued complete at the old shapes first.
   *
   * If the new runtime cannot be made (out of memory, say), the promise
   * rejects and runs fail with that reason until a later resize succeeds.
   * A resize to the shapes the session has already does nothing.
   *
   * @param shapes New shapes by input name; inputs not named keep theirs.
   * @throws {ShapeError} if an operator cannot take the shapes (naming it); the session keeps its shapes.
   * @throws {TypeError} for an unknown input name or a shape that is not an array of integers >= 1 of the input's rank.
   * @example
   * await session.resize({ ids: [1, 40] });
   * const { logits } = await session.run({ ids: new Int32Array(40) });
   */
  resize(shapes: Record<string, number[]>): Promise<void> {
    try {
      this.#ensureNotDisposed();
      const { entry, analysis } = this.#entry;
      const given = inputShapesOf(entry, analysis.subgraph, shapes, 'shapes');
      const all = new Map(entry.inputs.map((m, k) => [m.tensor, given.get(m.tensor) ?? this.#inputs[k].shape]));
      const current = entry.inputs.every((m, k) => all.get(m.tensor)!.join() === this.#inputs[k].shape.join());
      if (current && this.#broken === undefined) return this.#track(this.#queue.then(() => {}), new Error());
      const opened = this.#entry.open(all);
      this.#describe(opened.io);
      const callSite = new Error();
      return this.#track(this.#queue.then(() => this.#swapRuntime(opened)), callSite);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * Restores the model's resource variables (READ_VARIABLE, ASSIGN_VARIABLE)
   * to their initial values: the next run initialises them again, as its
   * first one did. Runs already queued complete first. Variables belong to
   * the session: another session of the same model has its own.
   *
   * @example
   * await session.resetVariables(); // a streaming model starts a new stream
   */
  resetVariables(): Promise<void> {
    try {
      this.#ensureNotDisposed();
      return this.#track(this.#queue.then(() => this.#usableRuntime().resetVariables?.()), new Error());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Replaces the runtime by the one `opened` makes, once the runs queued before the resize are done. */
  async #swapRuntime(opened: OpenedRuntime): Promise<void> {
    if (this.#disposed) {
      opened.cancel();
      throw new DisposedError('Session');
    }
    // Kept past the old runtime: the new one packs only what these lack.
    const packed = this.#runtime?.packedWeights?.();
    this.#runtime?.dispose();
    this.#runtime = undefined;
    try {
      const { runtime, cacheInfo } = await opened.start(packed);
      if (this.#disposed) {
        runtime.dispose();
        throw new DisposedError('Session');
      }
      this.#runtime = runtime;
      this.#broken = undefined;
      this.#weightCache = cacheInfo;
    } catch (err) {
      this.#broken ??= err;
      throw err;
    }
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  #ensureNotDisposed(): void {
    if (this.#disposed) throw new DisposedError('Session');
  }

  /** Checks `inputs` and returns the views in the runtime's input order. */
  #bindInputs(inputs: unknown): TensorArray[] {
    if (ArrayBuffer.isView(inputs) && !(inputs instanceof DataView)) {
      if (this.inputs.length !== 1) {
        throw new TypeError(`Expected an object with inputs ${this.inputs.map((t) => JSON.stringify(t.name)).join(', ')} but received a single ${inputs.constructor.name}`);
      }
      inputs = { [this.inputs[0].name]: inputs };
    }
    if (!isPlainObject(inputs)) throw invalid('an object of input arrays by name (or one Float32Array)', 'inputs', inputs);
    checkNames(inputs, this.inputs, 'input');
    return this.inputs.map((t, k) => {
      const value = inputs[t.name];
      const name = `input ${JSON.stringify(t.name)}`;
      if (value === undefined) throw new TypeError(`Missing ${name} (${arrayTypeOf(t.dtype, name).name} of ${this.#inputSizes[k]} values, shape [${t.shape}])`);
      return checkTensorArray(value, t, this.#inputSizes[k], name);
    });
  }

  /**
   * Checks the options of `run` (`runSync` when `sync`) and returns the
   * signal and the caller's output arrays in the runtime's output order
   * (undefined where the session allocates).
   */
  #bindRunOptions(options: unknown, sync: boolean): { signal: AbortSignal | undefined; outputs: (TensorArray | undefined)[] } {
    const o = checkOptions<RunOptions>(options, 'options', RUN_OPTIONS);
    const { signal, outputs: given } = o;
    if (sync && signal !== undefined) {
      throw new TypeError('runSync() cannot be aborted: it runs to completion on the calling thread. options.signal is for run()');
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) throw invalid('an AbortSignal', 'options.signal', signal);
    if (given === undefined) return { signal, outputs: [] };
    if (!isPlainObject(given)) throw invalid('an object of output arrays by name', 'options.outputs', given);
    checkNames(given, this.outputs, 'output');
    const seen = new Map<unknown, string>();
    const outputs = this.outputs.map((t, k) => {
      const value = Object.hasOwn(given, t.name) ? given[t.name] : undefined;
      if (value === undefined) return undefined;
      const name = `output ${JSON.stringify(t.name)}`;
      const array = checkTensorArray(value, t, this.#outputSizes[k], name);
      const other = seen.get(array);
      if (other !== undefined) throw new TypeError(`The same ${array.constructor.name} was given for ${other} and ${name}; each output needs its own array`);
      seen.set(array, name);
      return array;
    });
    return { signal, outputs };
  }

  /** The outputs as a run made now will give them: a resize later does not change what an earlier run returns. */
  #outputShapes(): OutputShapes {
    return { infos: this.#outputs, sizes: this.#outputSizes };
  }

  /** The arrays a run writes: the caller's where given, new ones for the rest. */
  #outputArrays(given: (TensorArray | undefined)[], io: OutputShapes): TensorArray[] {
    return io.sizes.map((n, k) => given[k] ?? new (arrayTypeOf(io.infos[k].dtype))(n));
  }

  #named<T extends TensorArray>(values: TensorArray[], io: OutputShapes): SessionOutputs<T> {
    const out: SessionOutputs<T> = {};
    io.infos.forEach((t, k) => {
      out[t.name] = values[k] as T;
    });
    return out;
  }

  /**
   * Runs one inference off the JavaScript thread. Calls on one session are
   * queued; inputs are copied when the call is made, so they may be reused
   * at once.
   *
   * @param inputs Arrays by input name (Float32Array; Int8Array, Uint8Array or Int16Array for quantized inputs), each with exactly the input's element count; the array alone for a model with one input.
   * @param options `signal`: cancels the run while it is queued behind this session's earlier runs (it rejects with an `AbortError` whose `cause` is the signal's reason, and never runs); a run that has started completes.
   *   `outputs`: arrays to write some or all outputs into, by output name, each of the output's type and element count; the result holds these very arrays.
   * @returns Arrays by output name: the caller's `outputs`, new ones for the others.
   * @throws {TypeError} for an unknown or missing input, one of the wrong type or length, or invalid options (thrown synchronously).
   * @throws {DisposedError} if the session (or its model) is disposed.
   * @example
   * const { regressors, classificators } = await session.run({ input: pixels });
   * @example
   * // A deadline per request, and output arrays reused by every call (one call at a time).
   * const outputs = { regressors: new Float32Array(896 * 16), classificators: new Float32Array(896) };
   * await session.run({ input: pixels }, { signal: AbortSignal.timeout(200), outputs });
   */
  run<T extends TensorArray = Float32Array>(inputs: SessionInputs, options?: RunOptions): Promise<SessionOutputs<T>> {
    this.#ensureNotDisposed();
    const views = this.#bindInputs(inputs);
    const { signal, outputs } = this.#bindRunOptions(options, false);
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const callSite = new Error();
    const io = this.#outputShapes();
    if (this.#pending === 0) {
      // Idle: the native call copies the inputs before it returns, so no snapshot is
      // needed, and the run starts now, so an abort can no longer cancel it.
      return this.#track(this.#invoke<T>(views, outputs, io), callSite);
    }
    // Busy: wait in line, with a private copy, since the caller may reuse its arrays at once.
    const snapshot = views.map((v) => v.slice());
    let abandoned = false;
    let stopWaiting: (() => void) | undefined;
    const turn = this.#track(this.#queue.then(() => {
      stopWaiting?.();
      if (abandoned) return undefined;
      if (this.#disposed) throw new DisposedError('Session');
      return this.#invoke<T>(snapshot, outputs, io);
    }), callSite);
    if (!signal) return turn as Promise<SessionOutputs<T>>;
    return new Promise((resolve, reject) => {
      stopWaiting = this.#whenAborted(signal, () => {
        abandoned = true;
        reject(withCallerStack(abortError(signal), callSite));
      });
      turn.then((value) => resolve(value!), reject);
    });
  }

  #invoke<T extends TensorArray>(inputs: TensorArray[], given: (TensorArray | undefined)[], io: OutputShapes): Promise<SessionOutputs<T>> {
    const outputs = this.#outputArrays(given, io);
    return this.#usableRuntime().invokeAsync(inputs, outputs).then(() => this.#named<T>(outputs, io));
  }

  /** The runtime, or why there is none: the session was disposed, or the last resize failed. */
  #usableRuntime(): Runtime {
    if (this.#runtime) return this.#runtime;
    if (this.#broken !== undefined) {
      throw new Error(`The session has no runtime: its last resize failed (${(this.#broken as Error)?.message ?? this.#broken}); resize it again`, { cause: this.#broken });
    }
    throw new DisposedError('Session');
  }

  /**
   * Calls `abandon` if `signal` aborts, until the returned function is
   * called. However many queued runs share a signal, the session adds one
   * listener to it, so that a long queue stays under Node's
   * MaxListenersExceededWarning, and removes it when none waits any more.
   */
  #whenAborted(signal: AbortSignal, abandon: () => void): () => void {
    let entry = this.#waiting.get(signal);
    if (!entry) {
      const runs = new Set<() => void>();
      const listener = () => {
        this.#waiting.delete(signal);
        for (const run of runs) run();
      };
      signal.addEventListener('abort', listener, { once: true });
      entry = { listener, runs };
      this.#waiting.set(signal, entry);
    }
    const { listener, runs } = entry;
    runs.add(abandon);
    return () => {
      runs.delete(abandon);
      if (runs.size === 0 && this.#waiting.get(signal)?.runs === runs) {
        this.#waiting.delete(signal);
        signal.removeEventListener('abort', listener);
      }
    };
  }

  /** Counts a run as pending until its turn is over (a run abandoned on abort passes it), and keeps later runs queued behind it. */
  #track<V>(run: Promise<V>, callSite: Error): Promise<V> {
    this.#pending++;
    const settled = run.then(
      (value) => {
        this.#pending--;
        return value;
      },
      (err) => {
        this.#pending--;
        throw withCallerStack(this.#translate(err), callSite);
      },
    );
    this.#queue = settled.catch(() => {});
    return settled;
  }

  /**
   * Runs one inference on the calling thread, blocking it until done. Use
   * for small models in scripts; servers should prefer `run()`.
   *
   * @param options `outputs`, as for `run()`; a `signal` is refused (a TypeError), since nothing can abort a call that blocks the thread.
   * @throws {Error} with code `ERR_XNNLITE_BUSY` while an asynchronous run of this session is queued or running.
   */
  runSync<T extends TensorArray = Float32Array>(inputs: SessionInputs, options?: Pick<RunOptions, 'outputs'>): SessionOutputs<T> {
    this.#ensureNotDisposed();
    const views = this.#bindInputs(inputs);
    const given = this.#bindRunOptions(options, true).outputs;
    if (this.#pending > 0) {
      throw Object.assign(new Error('Session is busy: asynchronous runs are queued or running; await them before runSync()'), { code: 'ERR_XNNLITE_BUSY' });
    }
    const io = this.#outputShapes();
    const outputs = this.#outputArrays(given, io);
    try {
      this.#usableRuntime().invoke(views, outputs);
    } catch (err) {
      throw this.#translate(err);
    }
    return this.#named<T>(outputs, io);
  }

  /** The native side reports a model file that changed under a session, and a value an operator cannot take, by code; give them their classes. */
  #translate(err: unknown): unknown {
    if ((err as { code?: unknown })?.code === 'ERR_XNNLITE_MODEL_CHANGED' && !(err instanceof ModelChangedError)) {
      return new ModelChangedError(this.#modelName, (err as Error).message, { cause: err });
    }
    if ((err as { code?: unknown })?.code === 'ERR_XNNLITE_INVALID_VALUE' && !(err instanceof InvalidValueError)) {
      return new InvalidValueError((err as Error).message, { cause: err });
    }
    return err;
  }

  /**
   * Time per kind of operator in the last inference, largest first: XNNPACK's operators by XNNPACK's name,
   * reference kernels as `GATHER (reference kernel)`.
   * Needs a session created with `{ profile: true }` and at least one run.
   *
   * @throws {Error} with code `ERR_XNNLITE_PROFILING_OFF` if the session was created without `profile: true`.
   */
  profile(): OperatorProfile[] {
    this.#ensureNotDisposed();
    if (!this.#options.profile) {
      throw Object.assign(new Error('Profiling is off for this session; create it with { profile: true }'), { code: 'ERR_XNNLITE_PROFILING_OFF' });
    }
    const byName = new Map<string, OperatorProfile>();
    for (const op of this.#usableRuntime().profile()) {
      // Reference kernel calls are named by operator (`GATHER #3 (reference)`): grouped by operator type.
      const name = op.name.replace(/ #\d+ \(reference\)$/, ' (reference kernel)');
      const entry = byName.get(name) ?? { name, count: 0, microseconds: 0 };
      entry.count++;
      entry.microseconds += op.microseconds;
      byName.set(name, entry);
    }
    return [...byName.values()].sort((a, b) => b.microseconds - a.microseconds);
  }

  /**
   * Releases the session. Queued runs that have not started reject with
   * DisposedError; a run in progress completes first. Safe to call twice.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    // A run in a model's loop stops at its next iteration rather than running on.
    this.#runtime?.stop?.();
    this.#released = this.#queue.then(() => {
      this.#runtime?.dispose();
      this.#runtime = undefined;
    });
    this.#onDispose(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Disposes the session as `dispose()` does, and resolves once its native
   * runtime is released: after the run in progress, if any, has completed.
   *
   * @example
   * await using session = await model.createSession();
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    return this.#released!;
  }
}
