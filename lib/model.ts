import path from 'node:path';
import { checkInteger, checkOptions } from './args';
import { DisposedError, ModelChangedError } from './errors';
import { analyzeSubgraph, ensureSupported, packsWeights, type SubgraphAnalysis } from './plan/analysis';
import { buildSessionPlan, disposeSessionPlan } from './plan/session-plan';
import { readModel, type ModelLimits } from './model/reader';
import type { SignatureDef, TfliteModel } from './model/types';
import { loadBytes, type ModelSource } from './model-source';
import { native, type NativeCacheRequest, type NativeMappedFile } from './native';
import { computeDigest, modelDigest, recallDigest } from './cache/model-digest';
import { emitCacheWarning, packingOf, planCache, prefetchCache, prepareCacheDir, resolveCacheDir } from './cache/weight-cache';
import { createSessionInternal, resolveSessionOptions, Session, type SessionOptions } from './session';
import { graphTensorInfo, type TensorInfo } from './tensor-info';

/** Options of `loadModel()`. */
export interface LoadModelOptions {
  /** Defaults for every session of this model (see SessionOptions). */
  threads?: number;
  /** Largest tensor a model may declare, in bytes. Default 1 GiB. */
  maxTensorBytes?: number;
  /** Largest total of all tensors, in bytes. Default 8 GiB. */
  maxTotalBytes?: number;
  /** Default weight-cache directory for every session of this model (see SessionOptions.weightCache). */
  weightCache?: string | false;
}

const LOAD_OPTIONS: (keyof LoadModelOptions)[] = ['threads', 'maxTensorBytes', 'maxTotalBytes', 'weightCache'];

/**
 * A loaded `.tflite` model. Create sessions from it to run inferences.
 * Disposing the model disposes its sessions and releases the file mapping.
 */
export class Model {
  /** The model's inputs, in order. */
  readonly inputs: readonly TensorInfo[];
  /** The model's outputs, in order. */
  readonly outputs: readonly TensorInfo[];
  /** How many operators of each type the model has, e.g. `{ CONV_2D: 21, ADD: 16 }`. */
  readonly operators: Readonly<Record<string, number>>;
  /** The model's description string. */
  readonly description: string;
  /** Schema version of the file (3). */
  readonly version: number;
  /** Signature definitions (named entry points), if the model has any. */
  readonly signatureDefs: readonly SignatureDef[];
  /** Names of the metadata entries, e.g. `min_runtime_version`. */
  readonly metadataNames: readonly string[];
  /** Size of the model file in bytes. */
  readonly byteLength: number;

  /** The analysis of the rewritten graph (sessions' default), and of the file's graph once a session asks for it. */
  readonly #analysis: SubgraphAnalysis;
  #unoptimized: SubgraphAnalysis | undefined;
  readonly #tflite: TfliteModel;
  /** The file's name, or the description for models loaded from bytes (recorded in cache files). */
  readonly #sourceName: string;
  /** The file's path, for models loaded from one (named in errors). */
  readonly #path: string | undefined;
  /** SHA-256 of the model's bytes (names the weight-cache file), once asked for. */
  #digest: Promise<Buffer> | undefined;
  /** The cache file of the default session options, mapped and verified ahead of the first session. */
  #prefetched: Prefetch | undefined;
  /** The native memory holding the model's bytes. */
  readonly #mapping: NativeMappedFile;
  readonly #sessionDefaults: SessionOptions;
  readonly #sessions = new Set<Session>();
  /** Sessions being created: they are not in #sessions yet, but a disposal waits for them too. */
  readonly #creating = new Set<Promise<Session>>();
  #disposed = false;
  /** Settles once every session's runtime is released, after `dispose()`. */
  #released: Promise<void> | undefined;

  private constructor(model: TfliteModel, analysis: SubgraphAnalysis, mapping: NativeMappedFile, sessionDefaults: SessionOptions,
    sourceName: string, filePath: string | undefined) {
    this.#analysis = analysis;
    this.#tflite = model;
    this.#sourceName = sourceName;
    this.#path = filePath;
    this.#mapping = mapping;
    this.#sessionDefaults = sessionDefaults;
    const sg = model.subgraphs[0];
    const io = graphTensorInfo(sg.inputs.map((i) => sg.tensors[i]), sg.outputs.map((i) => sg.tensors[i]));
    this.inputs = Object.freeze(io.inputs);
    this.outputs = Object.freeze(io.outputs);
    const histogram: Record<string, number> = {};
    for (const op of sg.operators) histogram[op.op] = (histogram[op.op] ?? 0) + 1;
    this.operators = Object.freeze(histogram);
    this.description = model.description;
    this.version = model.version;
    this.signatureDefs = Object.freeze(model.signatureDefs);
    this.metadataNames = Object.freeze(model.metadata.map((m) => m.name));
    this.byteLength = model.bytes.length;
  }

  /** @internal Use loadModel(). */
  static async load(source: ModelSource, options?: LoadModelOptions): Promise<Model> {
    const o = checkOptions<LoadModelOptions>(options, 'options', LOAD_OPTIONS);
    const sessionDefaults = resolveSessionOptions(
      { ...(o.threads === undefined ? {} : { threads: o.threads }), ...(o.weightCache === undefined ? {} : { weightCache: o.weightCache }) }, 'options');
    const limits: Partial<ModelLimits> = {};
    if (o.maxTensorBytes !== undefined) limits.maxTensorBytes = checkInteger(o.maxTensorBytes, 'options.maxTensorBytes', 1, Number.MAX_SAFE_INTEGER);
    if (o.maxTotalBytes !== undefined) limits.maxTotalBytes = checkInteger(o.maxTotalBytes, 'options.maxTotalBytes', 1, Number.MAX_SAFE_INTEGER);
    const { bytes, mapping, path: filePath } = await loadBytes(source);
    // With a cache directory known, the model's digest is recalled (or computed on the task pool),
    // and the cache file for the default session options mapped and verified on the task pool, while
    // the model is read here and the caller lowers it.
    const cacheDir = resolveCacheDir(sessionDefaults.weightCache, undefined);
    const prepared = cacheDir ? prepareCacheDir(cacheDir) : undefined;
    const usableDir = prepared && 'dir' in prepared ? prepared.dir : undefined;
    let digest: Promise<Buffer> | undefined;
    let prefetched: Prefetch | undefined;
    if (usableDir) {
      const remembered = recallDigest(mapping, usableDir);
      digest = remembered ? Promise.resolve(remembered) : computeDigest(mapping, usableDir);
      digest.catch(() => {});
      const packing = packingOf(sessionDefaults.precision ?? 'fp32', true);
      prefetched = { dir: usableDir, packing, held: prefetchCache(usableDir, remembered ?? digest, packing) };
    }
    let model: Model;
    try {
      const tflite = readModel(bytes, limits);
      const analysis = analyzeSubgraph(tflite, 0, { optimize: true });
      // Fail at load, naming the operator, rather than at the first session.
      ensureSupported(analysis);
      model = new Model(tflite, analysis, mapping, sessionDefaults, filePath ? path.basename(filePath) : tflite.description || 'model bytes', filePath);
    } catch (err) {
      void releaseHold(prefetched);
      mapping.close();
      throw err;
    }
    model.#digest = digest;
    if (prefetched && model.#packsWeights) {
      model.#prefetched = prefetched;
      // A model dropped without a session or dispose() lets its hold go when it is collected.
      unreleasedHolds.register(model, prefetched, prefetched);
    } else {
      void releaseHold(prefetched);
    }
    return model;
  }

  /** Whether sessions pack weights (and so use the weight cache): XNNPACK partitions do, the reference kernels do not. */
  get #packsWeights(): boolean {
    return packsWeights(this.#analysis);
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  #ensureNotDisposed(): void {
    if (this.#disposed) throw new DisposedError('Model');
  }

  /**
   * Creates an inference session: lowers the model to an XNNPACK graph and
   * packs its weights, off the JavaScript thread.
   *
   * @param options `threads` (default from loadModel, else min(4, CPUs)); `profile` (default false) to enable `session.profile()`.
   * @throws {DisposedError} if the model is disposed.
   * @example
   * const session = await model.createSession({ threads: 1 });
   */
  async createSession(options?: SessionOptions): Promise<Session> {
    const creating = this.#createSession(options);
    this.#creating.add(creating);
    try {
      return await creating;
    } finally {
      this.#creating.delete(creating);
      // The first session maps the prefetched file itself (or needed another one, or failed).
      void this.#releasePrefetched();
    }
  }

  async #createSession(options: SessionOptions | undefined): Promise<Session> {
    this.#ensureNotDisposed();
    const resolved = resolveSessionOptions(options, 'options', this.#sessionDefaults);
    this.#ensureUnchanged();
    const dir = this.#packsWeights ? this.#usableCacheDir(resolved.weightCache) : undefined;
    // Hashing (off the JavaScript thread) overlaps with lowering (on it).
    const digest = dir ? this.#digestFor(dir) : undefined;
    const plan = buildSessionPlan(this.#analysisFor(resolved.optimize), { precision: resolved.precision });
    let cache: NativeCacheRequest | undefined;
    try {
      cache = dir && digest ? planCache(dir, await digest, this.#sourceName, packingOf(resolved.precision, resolved.optimize)) : undefined;
    } catch (err) {
      disposeSessionPlan(plan);
      throw this.#changedError(err);
    }
    // A prefetch of this session's file still verifying it is waited for, so that it is not verified twice.
    const prefetched = this.#prefetched;
    if (cache && prefetched && prefetched.dir === dir && prefetched.packing === packingOf(resolved.precision, resolved.optimize)) await prefetched.held;
    let session: Session;
    try {
      session = await Session[createSessionInternal](plan, resolved, cache, this.#path ?? this.#sourceName, (s) => this.#sessions.delete(s));
    } catch (err) {
      throw this.#changedError(err);
    }
    if (this.#disposed) {
      await session[Symbol.asyncDispose]();
      throw new DisposedError('Model');
    }
    try {
      // The file may have been rewritten while the weights were packed from it.
      this.#ensureUnchanged();
    } catch (err) {
      session.dispose();
      throw err;
    }
    this.#sessions.add(session);
    return session;
  }

  /** The rewritten graph's analysis, or the file's (made on first use). */
  #analysisFor(optimize: boolean): SubgraphAnalysis {
    if (optimize) return this.#analysis;
    this.#unoptimized ??= this.#analysis.rewrites.length === 0 ? this.#analysis : analyzeSubgraph(this.#tflite, 0);
    return this.#unoptimized;
  }

  /** The session's cache directory, if it has one it may use (a warning otherwise). */
  #usableCacheDir(option: string | false | undefined): string | undefined {
    const dir = resolveCacheDir(option, undefined);
    if (!dir) return undefined;
    const prepared = prepareCacheDir(dir);
    if ('dir' in prepared) return prepared.dir;
    emitCacheWarning(prepared.warning);
    return undefined;
  }

  /** Drops the hold on a prefetched cache file: once a session maps it itself, or the model is disposed. */
  #releasePrefetched(): Promise<void> {
    const prefetched = this.#prefetched;
    if (!prefetched) return Promise.resolve();
    this.#prefetched = undefined;
    unreleasedHolds.unregister(prefetched);
    return releaseHold(prefetched);
  }

  /** The model's SHA-256, computed once (and remembered in `dir` for model files). Never rejects unhandled. */
  #digestFor(dir: string): Promise<Buffer> {
    if (!this.#digest) {
      this.#digest = modelDigest(this.#mapping, dir);
      this.#digest.catch(() => {});
    }
    return this.#digest;
  }

  /** Throws ModelChangedError if the model file was rewritten or truncated since it was loaded. */
  #ensureUnchanged(): void {
    const change = this.#mapping.changed();
    if (change) throw new ModelChangedError(this.#path ?? this.#sourceName, change);
  }

  /** `err` as a ModelChangedError if the file changed (the native side says so by code, or the file says so now). */
  #changedError(err: unknown): unknown {
    if (err instanceof ModelChangedError || this.#disposed) return err;
    const reported = (err as { code?: unknown })?.code === 'ERR_XNNLITE_MODEL_CHANGED' ? (err as Error).message : undefined;
    const change = reported ?? this.#mapping.changed();
    return change ? new ModelChangedError(this.#path ?? this.#sourceName, change, { cause: err }) : err;
  }

  /**
   * Disposes every session and releases the model's bytes: the file mapping
   * goes once no native runtime uses it any more. Safe to call twice.
   */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    const released = [...this.#sessions].map((session) => session[Symbol.asyncDispose]());
    // A session still being created is disposed when it is ready (createSession rejects then).
    const created = [...this.#creating].map((creating) => creating.then(() => {}, () => {}));
    this.#released = Promise.all([...released, ...created, this.#releasePrefetched()]).then(() => {});
    this.#mapping.close();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Disposes the model and its sessions as `dispose()` does, and resolves
   * once the native runtimes of all its sessions are released: after their
   * runs in progress have completed, and after sessions still being created
   * are ready and disposed.
   *
   * @example
   * await using model = await loadModel('model.tflite');
   */
  [Symbol.asyncDispose](): Promise<void> {
    this.dispose();
    return this.#released!;
  }
}

/** A cache file being mapped and verified for sessions of `packing` in `dir`; `held` resolves to its path once held. */
interface Prefetch {
  dir: string;
  packing: string;
  held: Promise<string | undefined>;
}

/** Drops the hold a prefetch took, once it has settled. */
async function releaseHold(prefetched: Prefetch | undefined): Promise<void> {
  const held = await prefetched?.held;
  if (held) native().releaseCacheFile(held);
}

const unreleasedHolds = new FinalizationRegistry<Prefetch>((prefetched) => void releaseHold(prefetched));

/**
 * Loads a `.tflite` model from a file path (memory-mapped, not read into the
 * JS heap), or from a Buffer/Uint8Array (copied). The file is verified, and
 * every operator is checked: a malformed file throws ModelFormatError, an
 * operator xnnlite cannot run throws UnsupportedOpError naming it.
 *
 * @example
 * const model = await loadModel('face_detection_short_range.tflite');
 * const session = await model.createSession();
 * const outputs = await session.run({ input: pixels });
 */
export function loadModel(source: ModelSource, options?: LoadModelOptions): Promise<Model> {
  return Model.load(source, options);
}
