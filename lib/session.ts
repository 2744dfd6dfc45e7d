import os from 'node:os';
import { checkInteger, checkOptions, describe, invalid, isPlainObject, viewLength } from './args';
import { DisposedError, ModelChangedError, ModelFormatError, XnnpackError } from './errors';
import type { LoweredGraph } from './graph/lower';
import { touchCacheFile } from './cache/files';
import { emitCacheWarning } from './cache/weight-cache';
import { native, type NativeCacheRequest, type NativeRuntime } from './native';
import { graphTensorInfo, type TensorInfo } from './tensor-info';
import { arrayTypeOf } from './tensor-values';

/** Options of `model.createSession()`. */
export interface SessionOptions {
  /**
   * Threads XNNPACK uses for one inference. Default: the number of CPUs Node
   * reports (`os.availableParallelism()`), at most 4. Use 1 when many worker
   * processes share a machine. Range 1 to 64.
   */
  threads?: number;
  /**
   * Record how long each XNNPACK operator takes, for `session.profile()`.
   * Default false (profiling adds a clock read per operator).
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
}

/** What the weight cache did for a session. */
export interface WeightCacheInfo {
  /** `mapped`: weights served from the cache file; `built`: packed now and published; `memory`: packed in memory (see the warning). */
  state: 'mapped' | 'built' | 'memory';
  /** The cache file. */
  path: string;
  /** Packed bytes this session uses. */
  bytes: number;
}

/** Time spent in one kind of XNNPACK operator during the last inference. */
export interface OperatorProfile {
  /** XNNPACK's operator name, e.g. `Convolution (NHWC, F32) GEMM`. */
  name: string;
  /** How many operators of that kind ran. */
  count: number;
  microseconds: number;
}

/** The array type of a tensor: Float32Array for float32, Int8Array/Uint8Array/Int16Array for quantized int8/uint8/int16. */
export type TensorArray = Float32Array | Int8Array | Uint8Array | Int16Array;
/** Input values by input name; a model with one input also takes the array alone. */
export type SessionInputs = Record<string, TensorArray> | TensorArray;
/**
 * Output values by output name. Float32Array by default; for quantized
 * outputs name the type: `run<Int8Array>(…)`, or `run<TensorArray>(…)` when
 * a model mixes them (each output's `dtype` says which).
 */
export type SessionOutputs<T extends TensorArray = Float32Array> = Record<string, T>;


export const DEFAULT_THREADS = Math.max(1, Math.min(4, os.availableParallelism ? os.availableParallelism() : os.cpus().length));
const SESSION_OPTIONS: (keyof SessionOptions)[] = ['threads', 'profile', 'weightCache', 'precision'];

/** Creates sessions; not part of the public API. */
export const createSessionInternal = Symbol('createSession');

/** Appends the caller's stack to an error that surfaced asynchronously. */
function withCallerStack(err: unknown, callSite: Error): unknown {
  if (err instanceof Error && callSite.stack) {
    err.stack = `${err.stack ?? `${err.name}: ${err.message}`}\n    --- called from ---\n${callSite.stack.split('\n').slice(1).join('\n')}`;
  }
  return err;
}

/** The shapes XNNPACK derived for the graph's inputs and outputs must be the ones the model declares. */
function checkExternalShapes(runtime: NativeRuntime, lowered: LoweredGraph): void {
  const externals = runtime.externals();
  const declared = [...lowered.inputs, ...lowered.outputs];
  externals.forEach((e, k) => {
    const t = declared[k];
    const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
    if (count(e.shape) !== count(t.shape)) {
      throw new ModelFormatError(`Model.subgraphs[0].tensors[${t.index}] (${t.name})`,
        `the model declares shape [${t.shape}], but its operators produce [${e.shape}]`);
    }
  });
}

export interface ResolvedSessionOptions {
  threads: number;
  profile: boolean;
  weightCache: string | false | undefined;
  precision: 'fp32' | 'fp16' | 'dynamic-int8';
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
  return { threads, profile, weightCache, precision };
}

/**
 * An inference session: one XNNPACK runtime of a model. `run` executes on
 * xnnlite's own threads (never libuv's pool, which Node's fs, dns and zlib
 * use) and never blocks the event loop; calls on one session are queued and
 * run one at a time. Sessions of the same model run in parallel, up to
 * `version().concurrency` at once in a process.
 */
export class Session {
  /** The model's inputs, in order. */
  readonly inputs: readonly TensorInfo[];
  /** The model's outputs, in order. */
  readonly outputs: readonly TensorInfo[];
  /** Threads this session's inferences use. */
  readonly threads: number;

  #runtime: NativeRuntime | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #pending = 0;
  #disposed = false;
  readonly #inputSizes: number[];
  readonly #outputSizes: number[];
  readonly #onDispose: (session: Session) => void;
  /** The model's file (or name), for ModelChangedError. */
  readonly #modelName: string;

  readonly #profiling: boolean;
  /** What the weight cache did for this session; undefined without a cache. */
  readonly weightCache: WeightCacheInfo | undefined;

  private constructor(runtime: NativeRuntime, lowered: LoweredGraph, options: ResolvedSessionOptions, cache: WeightCacheInfo | undefined,
    modelName: string, onDispose: (session: Session) => void) {
    this.#runtime = runtime;
    this.#modelName = modelName;
    const io = graphTensorInfo(lowered.inputs, lowered.outputs);
    this.inputs = Object.freeze(io.inputs);
    this.outputs = Object.freeze(io.outputs);
    this.#inputSizes = this.inputs.map((t) => t.shape.reduce((a, b) => a * b, 1));
    this.#outputSizes = this.outputs.map((t) => t.shape.reduce((a, b) => a * b, 1));
    this.threads = options.threads;
    this.#profiling = options.profile;
    this.weightCache = cache;
    this.#onDispose = onDispose;
  }

  /** @internal Used by Model.createSession. */
  static async [createSessionInternal](lowered: LoweredGraph, options: ResolvedSessionOptions, cache: NativeCacheRequest | undefined,
    modelName: string, onDispose: (session: Session) => void): Promise<Session> {
    let runtime: NativeRuntime;
    const { constants: C, Runtime, ReferenceRuntime } = native();
    try {
      // Pool threads sleep between inferences instead of spinning, so that an
      // idle session does not take CPU from other sessions or processes.
      const flags = (options.profile ? C.runtimeFlags.basicProfiling : 0) | (options.threads > 1 ? C.runtimeFlags.yieldWorkers : 0)
        | (options.precision === 'fp16' ? C.runtimeFlags.forceFp16Inference : 0);
      // int16x8 graphs run on the reference kernels; they pack nothing, so no weight cache.
      runtime = lowered.runner === 'reference' ? ReferenceRuntime.create(lowered.program, options.threads)
        : await Runtime.create(lowered.subgraph, options.threads, flags, cache);
    } catch (err) {
      // Shapes that do not fit together surface when XNNPACK plans the graph.
      if (err instanceof XnnpackError && (err.statusName === 'invalid parameter' || err.statusName === 'unsupported parameter')) {
        throw new ModelFormatError('Model.subgraphs[0]', `XNNPACK could not plan the graph: ${err.message}`, { cause: err });
      }
      throw err;
    }
    try {
      checkExternalShapes(runtime, lowered);
    } catch (err) {
      runtime.dispose();
      throw err;
    }
    const report = runtime.cacheReport();
    for (const warning of report?.warnings ?? []) emitCacheWarning(warning);
    const info = report && cache ? { state: report.state, path: cache.path, bytes: report.bytes } : undefined;
    if (info?.state === 'mapped') touchCacheFile(info.path);
    return new Session(runtime, lowered, options, info, modelName, onDispose);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  #ensureNotDisposed(): void {
    if (this.#disposed) throw new DisposedError('Session');
  }

  /** Checks `inputs` and returns the views in the runtime's input order. */
  #bindInputs(inputs: unknown): TensorArray[] {
    if (inputs instanceof Float32Array || inputs instanceof Int8Array || inputs instanceof Uint8Array || inputs instanceof Int16Array) {
      if (this.inputs.length !== 1) {
        throw new TypeError(`Expected an object with inputs ${this.inputs.map((t) => JSON.stringify(t.name)).join(', ')} but received a single ${inputs.constructor.name}`);
      }
      inputs = { [this.inputs[0].name]: inputs };
    }
    if (!isPlainObject(inputs)) throw invalid('an object of input arrays by name (or one Float32Array)', 'inputs', inputs);
    const known = new Set(this.inputs.map((t) => t.name));
    for (const key of Object.keys(inputs)) {
      if (!known.has(key)) {
        throw new TypeError(`Unknown input ${JSON.stringify(key)}; the model's inputs are ${[...known].map((n) => JSON.stringify(n)).join(', ')}`);
      }
    }
    return this.inputs.map((t, k) => {
      const value = inputs[t.name];
      const array = arrayTypeOf(t.dtype, `input ${JSON.stringify(t.name)}`);
      if (value === undefined) throw new TypeError(`Missing input ${JSON.stringify(t.name)} (${array.name} of ${this.#inputSizes[k]} values, shape [${t.shape}])`);
      if (!(value instanceof array)) throw invalid(`${/^[AEIOU]/.test(array.name) ? 'an' : 'a'} ${array.name} of ${this.#inputSizes[k]} values`, `input ${JSON.stringify(t.name)}`, value);
      if (viewLength(value) !== this.#inputSizes[k]) {
        throw new TypeError(`Expected ${this.#inputSizes[k]} values (shape [${t.shape}]) for input ${JSON.stringify(t.name)} but received ${describe(value)}`);
      }
      return value;
    });
  }

  #allocateOutputs(): TensorArray[] {
    return this.#outputSizes.map((n, k) => new (arrayTypeOf(this.outputs[k].dtype))(n));
  }

  #named<T extends TensorArray>(values: TensorArray[]): SessionOutputs<T> {
    const out: SessionOutputs<T> = {};
    this.outputs.forEach((t, k) => {
      out[t.name] = values[k] as T;
    });
    return out;
  }

  /**
   * Runs one inference off the JavaScript thread. Calls on one session are
   * queued; inputs are copied when the call is made, so they may be reused
   * at once.
   *
   * @param inputs Float32Arrays by input name, each with exactly the input's element count.
   * @returns New Float32Arrays by output name.
   * @throws {TypeError} for an unknown or missing input, or one of the wrong type or length (thrown synchronously).
   * @throws {DisposedError} if the session (or its model) is disposed.
   * @example
   * const { regressors, classificators } = await session.run({ input: pixels });
   */
  run<T extends TensorArray = Float32Array>(inputs: SessionInputs): Promise<SessionOutputs<T>> {
    this.#ensureNotDisposed();
    const views = this.#bindInputs(inputs);
    if (this.#pending === 0) {
      // Idle: the native call copies the inputs before it returns, so no snapshot is needed.
      const outputs = this.#allocateOutputs();
      const started = this.#runtime!.invokeAsync(views, outputs);
      return this.#track(started.then(() => this.#named<T>(outputs)), new Error());
    }
    // Busy: wait in line, with a private copy, since the caller may reuse its arrays at once.
    const snapshot = views.map((v) => v.slice());
    return this.#track(this.#queue.then(async () => {
      if (this.#disposed || !this.#runtime) throw new DisposedError('Session');
      const outputs = this.#allocateOutputs();
      await this.#runtime.invokeAsync(snapshot, outputs);
      return this.#named<T>(outputs);
    }), new Error());
  }

  /** Counts `run` as pending until it settles, and keeps later runs queued behind it. */
  #track<T extends TensorArray>(run: Promise<SessionOutputs<T>>, callSite: Error): Promise<SessionOutputs<T>> {
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
   * @throws {Error} with code `ERR_XNNLITE_BUSY` while an asynchronous run of this session is queued or running.
   */
  runSync<T extends TensorArray = Float32Array>(inputs: SessionInputs): SessionOutputs<T> {
    this.#ensureNotDisposed();
    const views = this.#bindInputs(inputs);
    if (this.#pending > 0) {
      throw Object.assign(new Error('Session is busy: asynchronous runs are queued or running; await them before runSync()'), { code: 'ERR_XNNLITE_BUSY' });
    }
    const outputs = this.#allocateOutputs();
    try {
      this.#runtime!.invoke(views, outputs);
    } catch (err) {
      throw this.#translate(err);
    }
    return this.#named<T>(outputs);
  }

  /** The native side reports a model file that changed under a session by code, with how it changed as the message; give it its class. */
  #translate(err: unknown): unknown {
    if ((err as { code?: unknown })?.code === 'ERR_XNNLITE_MODEL_CHANGED' && !(err instanceof ModelChangedError)) {
      return new ModelChangedError(this.#modelName, (err as Error).message, { cause: err });
    }
    return err;
  }

  /**
   * Time per kind of XNNPACK operator in the last inference, largest first.
   * Needs a session created with `{ profile: true }` and at least one run.
   *
   * @throws {Error} with code `ERR_XNNLITE_PROFILING_OFF` if the session was created without `profile: true`.
   */
  profile(): OperatorProfile[] {
    this.#ensureNotDisposed();
    if (!this.#profiling) {
      throw Object.assign(new Error('Profiling is off for this session; create it with { profile: true }'), { code: 'ERR_XNNLITE_PROFILING_OFF' });
    }
    const byName = new Map<string, OperatorProfile>();
    for (const op of this.#runtime!.profile()) {
      const entry = byName.get(op.name) ?? { name: op.name, count: 0, microseconds: 0 };
      entry.count++;
      entry.microseconds += op.microseconds;
      byName.set(op.name, entry);
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
    void this.#queue.then(() => {
      this.#runtime?.dispose();
      this.#runtime = undefined;
    });
    this.#onDispose(this);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
