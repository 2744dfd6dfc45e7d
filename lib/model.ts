import path from 'node:path';
import { checkInteger, checkOptions } from './args';
import { DisposedError } from './errors';
import { analyzeSubgraph, ensureSupported, lowerSubgraph, type SubgraphAnalysis } from './graph/lower';
import { readModel, type ModelLimits } from './model/reader';
import type { SignatureDef, TfliteModel } from './model/types';
import { loadBytes, type ModelSource } from './model-source';
import type { NativeCacheRequest, NativeMappedFile } from './native';
import { modelDigest, planCache, resolveCacheDir, emitCacheWarning } from './cache/weight-cache';
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

  readonly #analysis: SubgraphAnalysis;
  readonly #model: TfliteModel;
  /** The file's name, or the description for models loaded from bytes (recorded in cache files). */
  readonly #sourceName: string;
  #digest: Buffer | undefined;
  readonly #mapping: NativeMappedFile | undefined;
  readonly #sessionDefaults: SessionOptions;
  readonly #sessions = new Set<Session>();
  /** Released when every disposed session has let go of its runtime. */
  readonly #closing: Promise<void>[] = [];
  #creating = 0;
  #disposed = false;
  #unmapped = false;

  private constructor(model: TfliteModel, analysis: SubgraphAnalysis, mapping: NativeMappedFile | undefined, sessionDefaults: SessionOptions,
    sourceName: string) {
    this.#analysis = analysis;
    this.#sourceName = sourceName;
    this.#model = model;
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
    const { bytes, mapping } = await loadBytes(source);
    try {
      const model = readModel(bytes, limits);
      const analysis = analyzeSubgraph(model, 0);
      // Fail at load, naming the operator, rather than at the first session.
      ensureSupported(analysis);
      return new Model(model, analysis, mapping, sessionDefaults, typeof source === 'string' ? path.basename(source) : model.description || 'model bytes');
    } catch (err) {
      mapping?.close();
      throw err;
    }
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
    this.#ensureNotDisposed();
    const resolved = resolveSessionOptions(options, 'options', this.#sessionDefaults);
    const lowered = lowerSubgraph(this.#analysis, { precision: resolved.precision });
    // The reference kernels (int16x8 models) read weights as they are: nothing to pack or cache.
    const cache = lowered.runner === 'xnnpack' ? this.#cacheRequest(resolved.weightCache, `precision=${resolved.precision}`) : undefined;
    this.#creating++;
    let session: Session;
    try {
      session = await Session[createSessionInternal](lowered, resolved, cache, (s) => {
        this.#sessions.delete(s);
        this.#closing.push(s.whenReleased());
      });
    } finally {
      this.#creating--;
    }
    if (this.#disposed) {
      session.dispose();
      this.#unmapWhenIdle();
      throw new DisposedError('Model');
    }
    this.#sessions.add(session);
    return session;
  }

  #cacheRequest(option: string | false | undefined, packing: string): NativeCacheRequest | undefined {
    const dir = resolveCacheDir(option, undefined);
    if (!dir) return undefined;
    this.#digest ??= modelDigest(this.#model.bytes);
    const plan = planCache(dir, this.#digest, this.#sourceName, packing);
    if ('request' in plan) return plan.request;
    emitCacheWarning(plan.warning);
    return undefined;
  }

  /** Disposes every session, then releases the file mapping once no inference is running. Safe to call twice. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const session of [...this.#sessions]) session.dispose();
    this.#unmapWhenIdle();
  }

  /** Unmaps the file once no session is being created and every runtime pointing into it is gone. */
  #unmapWhenIdle(): void {
    if (this.#creating > 0 || this.#unmapped) return;
    this.#unmapped = true;
    void Promise.all(this.#closing).then(() => this.#mapping?.close());
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

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
