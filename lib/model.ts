import path from 'node:path';
import { checkInteger, checkOptions } from './args';
import { DisposedError, ModelChangedError } from './errors';
import { analysisAtShapes, analyzeSubgraph, ensureSupported, packsWeights, type SubgraphAnalysis } from './plan/analysis';
import { entryAnalysis, entryKeepsGraphIo, entryPoints, selectEntryPoint, type EntryPoint } from './plan/entry-point';
import { buildSessionPlan, disposeSessionPlan } from './plan/session-plan';
import { readModel, type ModelLimits } from './model/reader';
import type { TfliteModel } from './model/types';
import { DEFAULT_LIMITS } from './model/validate';
import { loadBytes, type ModelSource } from './model-source';
import { native, type NativeMappedFile } from './native';
import { computeDigest, modelDigest, recallDigest } from './cache/model-digest';
import { emitCacheWarning, packingOf, planCache, prefetchCache, prepareCacheDir, resolveCacheDir } from './cache/weight-cache';
import { createSessionInternal, resolveSessionOptions, Session, type OpenedRuntime, type SessionOptions } from './session';
import { buildPrograms, needsProgram, ProgramRuntime, type ProgramContext } from './program/program-runtime';
import { createRuntime } from './runtime';
import { inputShapesOf } from './session-shapes';
import { entryTensorInfo, type SignatureInfo, type TensorInfo } from './tensor-info';

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
  /**
   * The inputs of a session created without options, in order: its first
   * signature's (named by the signature's keys), else subgraph 0's (named
   * by their tensors). `shape` is what the file declares; `shapeSignature`
   * marks the dimensions a session may set (-1).
   */
  readonly inputs: readonly TensorInfo[];
  /** The outputs of a session created without options, in order (see `inputs`). */
  readonly outputs: readonly TensorInfo[];
  /** How many operators of each type the model has (in all its subgraphs), e.g. `{ CONV_2D: 21, ADD: 16 }`. */
  readonly operators: Readonly<Record<string, number>>;
  /** The model's description string. */
  readonly description: string;
  /** Schema version of the file (3). */
  readonly version: number;
  /**
   * The model's signatures (named entry points, as TensorFlow's converter
   * writes them: `serving_default`, or one per exported function), each
   * with its inputs and outputs under its own keys. Run one with
   * `createSession({ signature: key })`. Empty for a model without any.
   */
  readonly signatures: readonly SignatureInfo[];
  /** Names of the metadata entries, e.g. `min_runtime_version`. */
  readonly metadataNames: readonly string[];
  /** Size of the model file in bytes. */
  readonly byteLength: number;

  /** Each subgraph's analysis (`index:optimize`: with or without the graph rewrites), once a session (or the load, for the default entry point) needed it. */
  readonly #analyses = new Map<string, SubgraphAnalysis>();
  readonly #tflite: TfliteModel;
  readonly #entries: EntryPoint[];
  readonly #limits: ModelLimits;
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

  private constructor(model: TfliteModel, entries: EntryPoint[], analysis: SubgraphAnalysis, limits: ModelLimits, mapping: NativeMappedFile,
    sessionDefaults: SessionOptions, sourceName: string, filePath: string | undefined) {
    this.#tflite = model;
    this.#entries = entries;
    this.#analyses.set(`${analysis.index}:true`, analysis);
    this.#limits = limits;
    this.#sourceName = sourceName;
    this.#path = filePath;
    this.#mapping = mapping;
    this.#sessionDefaults = sessionDefaults;
    const io = entryTensorInfo(entries[0], model.subgraphs[entries[0].subgraphIndex]);
    this.inputs = Object.freeze(io.inputs);
    this.outputs = Object.freeze(io.outputs);
    this.signatures = Object.freeze(entries.filter((e) => e.signature !== undefined)
      .map((e) => Object.freeze({ key: e.signature!, subgraphIndex: e.subgraphIndex, ...entryTensorInfo(e, model.subgraphs[e.subgraphIndex]) })));
    const histogram: Record<string, number> = {};
    for (const sg of model.subgraphs) for (const op of sg.operators) histogram[op.op] = (histogram[op.op] ?? 0) + 1;
    this.operators = Object.freeze(histogram);
    this.description = model.description;
    this.version = model.version;
    this.metadataNames = Object.freeze(model.metadata.map((m) => m.name));
    this.byteLength = model.bytes.length;
  }

  /** @internal Use loadModel(). */
  static async load(source: ModelSource, options?: LoadModelOptions): Promise<Model> {
    const o = checkOptions<LoadModelOptions>(options, 'options', LOAD_OPTIONS);
    const { threads, weightCache, precision } = resolveSessionOptions(
      { ...(o.threads === undefined ? {} : { threads: o.threads }), ...(o.weightCache === undefined ? {} : { weightCache: o.weightCache }) }, 'options');
    const sessionDefaults: SessionOptions = { threads, weightCache, precision };
    const limits: ModelLimits = { ...DEFAULT_LIMITS };
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
    let remembered: Buffer | undefined;
    if (usableDir) {
      remembered = recallDigest(mapping, usableDir);
      digest = remembered ? Promise.resolve(remembered) : computeDigest(mapping, usableDir);
      digest.catch(() => {});
    }
    const prefetch = (subgraphIndex: number): Prefetch | undefined => {
      if (!usableDir || !digest) return undefined;
      const packing = packingOf(sessionDefaults.precision ?? 'fp32', true, subgraphIndex);
      return { dir: usableDir, packing, held: prefetchCache(usableDir, remembered ?? digest, packing) };
    };
    // Most models run subgraph 0 by default: its cache file is verified while the model is read.
    let prefetched = prefetch(0);
    let model: Model;
    try {
      const tflite = readModel(bytes, limits);
      const entries = entryPoints(tflite);
      if (entries[0].subgraphIndex !== 0) {
        void releaseHold(prefetched);
        prefetched = prefetch(entries[0].subgraphIndex);
      }
      const analysis = analyzeSubgraph(tflite, entries[0].subgraphIndex, { optimize: true });
      // Fail at load, naming the operator, rather than at the first session.
      const main = entryAnalysis(analysis, entries[0]);
      ensureSupported(main);
      model = new Model(tflite, entries, analysis, limits, mapping, sessionDefaults, filePath ? path.basename(filePath) : tflite.description || 'model bytes', filePath);
      // With control flow, so do the subgraphs it calls.
      if (needsProgram(main)) buildPrograms(tflite.subgraphs, (index) => model.#analysisOf(index, true), main);
    } catch (err) {
      void releaseHold(prefetched);
      mapping.close();
      throw err;
    }
    model.#digest = digest;
    if (prefetched && packsWeights(model.#analysisOf(model.#entries[0].subgraphIndex, true))) {
      model.#prefetched = prefetched;
      // A model dropped without a session or dispose() lets its hold go when it is collected.
      unreleasedHolds.register(model, prefetched, prefetched);
    } else {
      void releaseHold(prefetched);
    }
    return model;
  }

  /** Subgraph `index` analysed (constants folded, rewritten if `optimize`, operators placed), once. */
  #analysisOf(index: number, optimize: boolean): SubgraphAnalysis {
    const key = `${index}:${optimize}`;
    let analysis = this.#analyses.get(key);
    if (!analysis) {
      const rewritten = optimize ? undefined : this.#analyses.get(`${index}:true`);
      // A graph no rule rewrote is the file's graph: its analysis serves both.
      analysis = rewritten && rewritten.rewrites.length === 0 ? rewritten : analyzeSubgraph(this.#tflite, index, { optimize });
      this.#analyses.set(key, analysis);
    }
    return analysis;
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
    const entry = selectEntryPoint(this.#entries, resolved.signature);
    // The rules keep a subgraph's inputs and outputs, not its other tensors: a signature reading one of those runs the file's graph.
    const optimize = resolved.optimize && entryKeepsGraphIo(entry, this.#tflite.subgraphs[entry.subgraphIndex]);
    const analysis = entryAnalysis(this.#analysisOf(entry.subgraphIndex, optimize), entry);
    const program = needsProgram(analysis);
    if (!program) ensureSupported(analysis);
    const shapes = inputShapesOf(entry, analysis.subgraph, resolved.inputShapes, 'options.inputShapes');
    const dir = (program || packsWeights(analysis)) ? this.#usableCacheDir(resolved.weightCache) : undefined;
    // Hashing (off the JavaScript thread) overlaps with lowering (on it).
    const digest = dir ? this.#digestFor(dir) : undefined;
    const packing = packingOf(resolved.precision, optimize, entry.subgraphIndex);
    let sha256: Buffer | undefined;
    const cacheFor = (suffix = '') => (dir && sha256 ? planCache(dir, sha256, this.#sourceName, `${packing}${suffix}`) : undefined);
    const open = program
      ? (at: ReadonlyMap<number, readonly number[]>): OpenedRuntime => {
        const shaped = analysisAtShapes(analysis, at, this.#limits);
        const context: ProgramContext = {
          subgraphs: this.#tflite.subgraphs, analysisOf: (index) => this.#analysisOf(index, optimize), options: resolved, limits: this.#limits,
          cacheFor: (key) => cacheFor(`;step=${key}`),
        };
        return { subgraph: shaped.subgraph, start: () => ProgramRuntime.create(context, shaped), cancel: () => {} };
      }
      : (at: ReadonlyMap<number, readonly number[]>): OpenedRuntime => {
        const plan = buildSessionPlan(analysisAtShapes(analysis, at, this.#limits), { precision: resolved.precision });
        const start = () => {
          let cache: ReturnType<typeof cacheFor>;
          try {
            cache = cacheFor();
          } catch (err) {
            disposeSessionPlan(plan);
            return Promise.reject(this.#changedError(err));
          }
          return createRuntime(plan, resolved, cache);
        };
        return { subgraph: plan.subgraph, start, cancel: () => disposeSessionPlan(plan) };
      };
    const opened = open(shapes);
    try {
      sha256 = digest ? await digest : undefined;
    } catch (err) {
      opened.cancel();
      throw this.#changedError(err);
    }
    // A prefetch of this session's file still verifying it is waited for, so that it is not verified twice.
    const prefetched = this.#prefetched;
    if (sha256 && dir && prefetched && prefetched.dir === dir && prefetched.packing === packing) await prefetched.held;
    let session: Session;
    try {
      session = await Session[createSessionInternal](opened, { entry, analysis, open }, resolved, this.#path ?? this.#sourceName, (s) => this.#sessions.delete(s));
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
