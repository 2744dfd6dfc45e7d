import path from 'node:path';
import { checkInteger, checkOptions } from './args';
import { DisposedError, ModelChangedError } from './errors';
import { analysisAtShapes, analyzeSubgraph, ensureSupported, packsWeights, type SubgraphAnalysis } from './plan/analysis';
import { entryAnalysis, entryKeepsGraphIo, entryPoints, selectEntryPoint, type EntryPoint } from './plan/entry-point';
import { buildSessionPlan, disposeSessionPlan } from './plan/session-plan';
import { preferReference } from './plan/placement';
import { readModel, type ModelLimits } from './model/reader';
import type { TfliteModel } from './model/types';
import { DEFAULT_LIMITS } from './model/validate';
import { loadBytes, type ModelSource } from './model-source';
import { native, type NativeMappedFile, type NativePackedWeights } from './native';
import { computeDigest, modelDigest, recallDigest } from './cache/model-digest';
import { emitCacheWarning, packingOf, planCache, prefetchCache, prepareCacheDir, resolveCacheDir } from './cache/weight-cache';
import { readRecord, writeRecord } from './cache/start-records';
import { planRecord, replayPlan, type PlanRecord } from './plan/plan-record';
import type { RuntimePlan, SessionPlan } from './plan/session-plan';
import { createSessionInternal, resolveSessionOptions, Session, type EntryIo, type OpenedRuntime, type ResolvedSessionOptions, type SessionEntry, type SessionOptions } from './session';
import { buildPrograms, needsProgram, ProgramRuntime, type ProgramContext } from './program/program-runtime';
import { callShapes } from './program/call-shapes';
import { createRuntime } from './runtime';
import { inputShapesOf } from './session-shapes';
import { entryTensorInfo, type SignatureInfo, type TensorInfo } from './tensor-info';

/**
 * What loading a model works out from its file, as a warm start reads it
 * back (lib/cache/start-records.ts) rather than reading the file again.
 */
interface ModelSummary {
  entries: EntryPoint[];
  /** Per entry point: whether it reads and writes only its subgraph's own inputs and outputs (see entryKeepsGraphIo). */
  keepsGraphIo: boolean[];
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  signatures: SignatureInfo[];
  operators: Record<string, number>;
  description: string;
  version: number;
  metadataNames: string[];
  /** Whether a session of the first entry point packs weights (its cache file is then worth mapping ahead). */
  firstPacks: boolean;
}

/** A session's plan, as a warm start of the same session reads it back. */
interface SessionRecord {
  io: EntryIo;
  /** What names its cache file (see packingOf). */
  packing: string;
  plan: PlanRecord;
}

function summarize(model: TfliteModel, entries: EntryPoint[], firstAnalysis: SubgraphAnalysis): ModelSummary {
  const io = entryTensorInfo(entries[0], model.subgraphs[entries[0].subgraphIndex]);
  const histogram: Record<string, number> = {};
  for (const sg of model.subgraphs) for (const op of sg.operators) histogram[op.op] = (histogram[op.op] ?? 0) + 1;
  return {
    entries,
    keepsGraphIo: entries.map((e) => entryKeepsGraphIo(e, model.subgraphs[e.subgraphIndex])),
    inputs: io.inputs,
    outputs: io.outputs,
    signatures: entries.filter((e) => e.signature !== undefined)
      .map((e) => ({ key: e.signature!, subgraphIndex: e.subgraphIndex, ...entryTensorInfo(e, model.subgraphs[e.subgraphIndex]) })),
    operators: histogram,
    description: model.description,
    version: model.version,
    metadataNames: model.metadata.map((m) => m.name),
    firstPacks: packsWeights(firstAnalysis),
  };
}

/** Whether a recorded summary has the shape this version writes (it was checksummed; this guards against a bug, not an attacker). */
function isSummary(value: unknown): value is ModelSummary {
  const v = value as Partial<ModelSummary> | undefined;
  return !!v && Array.isArray(v.entries) && v.entries.length > 0 && Array.isArray(v.keepsGraphIo) && v.keepsGraphIo.length === v.entries.length
    && Array.isArray(v.inputs) && Array.isArray(v.outputs) && Array.isArray(v.signatures) && typeof v.firstPacks === 'boolean';
}

const frozenInfo = (list: readonly TensorInfo[]): readonly TensorInfo[] => Object.freeze(list.map((t) => Object.freeze({ ...t })));

/** Which kernels operators prefer (XNNLITE_KERNELS): it changes where they are placed, so it keys every record. */
const kernelsKey = () => `kernels=${preferReference() ? 'reference' : 'xnnpack'}`;

/** The key of a model's summary: the limits it was checked against. */
const summaryKey = (limits: ModelLimits) => `limits=${limits.maxTensorBytes},${limits.maxTotalBytes};${kernelsKey()}`;

/** The key of a session's plan: what selects and shapes it (sessions at the declared input shapes only). */
const sessionKey = (entry: EntryPoint, o: ResolvedSessionOptions) =>
  `entry=${JSON.stringify(entry.signature ?? null)};optimize=${o.optimize};precision=${o.precision};${kernelsKey()}`;

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
  /** The file read, once something needs more than its summary (a warm start may never read it). */
  #tflite: TfliteModel | undefined;
  readonly #bytes: Uint8Array;
  readonly #entries: EntryPoint[];
  readonly #keepsGraphIo: boolean[];
  readonly #limits: ModelLimits;
  /** The file's name, or the description for models loaded from bytes (recorded in cache files). */
  readonly #sourceName: string;
  /** The file's path, for models loaded from one (named in errors). */
  readonly #path: string | undefined;
  /** SHA-256 of the model's bytes (names the weight-cache file), once asked for. */
  #digest: Promise<Buffer> | undefined;
  /** The digest, once known. */
  #digestValue: Buffer | undefined;
  /** What this process read from the file, to be recorded beside the first cache files sessions use (see start records). */
  #summary: ModelSummary | undefined;
  /** The cache directories whose record of the summary is written. */
  readonly #summaryRecorded = new Set<string>();
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

  private constructor(summary: ModelSummary, read: { bytes: Uint8Array; tflite?: TfliteModel; analysis?: SubgraphAnalysis }, limits: ModelLimits,
    mapping: NativeMappedFile, sessionDefaults: SessionOptions, sourceName: string, filePath: string | undefined) {
    this.#tflite = read.tflite;
    this.#bytes = read.bytes;
    if (read.analysis) this.#analyses.set(`${read.analysis.index}:true`, read.analysis);
    this.#entries = summary.entries;
    this.#keepsGraphIo = summary.keepsGraphIo;
    this.#limits = limits;
    this.#sourceName = sourceName;
    this.#path = filePath;
    this.#mapping = mapping;
    this.#sessionDefaults = sessionDefaults;
    this.inputs = frozenInfo(summary.inputs);
    this.outputs = frozenInfo(summary.outputs);
    this.signatures = Object.freeze(summary.signatures.map((s) => Object.freeze({ ...s, inputs: frozenInfo(s.inputs), outputs: frozenInfo(s.outputs) })));
    this.operators = Object.freeze({ ...summary.operators });
    this.description = summary.description;
    this.version = summary.version;
    this.metadataNames = Object.freeze([...summary.metadataNames]);
    this.byteLength = read.bytes.length;
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
    // A warm start: what an earlier load of these bytes worked out (see lib/cache/start-records.ts).
    const recorded = usableDir && remembered ? readRecord<unknown>(usableDir, remembered, 'model', summaryKey(limits)) : undefined;
    const summary = isSummary(recorded) ? recorded : undefined;
    // Most models run subgraph 0 by default: its cache file is verified while the model is read.
    let prefetched = prefetch(summary?.entries[0].subgraphIndex ?? 0);
    const sourceName = (tflite?: TfliteModel) => (filePath ? path.basename(filePath) : tflite?.description || summary?.description || 'model bytes');
    let model: Model;
    let firstPacks = summary?.firstPacks ?? false;
    try {
      if (summary) {
        model = new Model(summary, { bytes }, limits, mapping, sessionDefaults, sourceName(), filePath);
      } else {
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
        const made = summarize(tflite, entries, analysis);
        firstPacks = made.firstPacks;
        model = new Model(made, { bytes, tflite, analysis }, limits, mapping, sessionDefaults, sourceName(tflite), filePath);
        // With control flow, so do the subgraphs it calls.
        if (needsProgram(main)) buildPrograms(tflite.subgraphs, (index) => model.#analysisOf(index, true), main);
        model.#summary = made;
      }
    } catch (err) {
      void releaseHold(prefetched);
      mapping.close();
      throw err;
    }
    model.#digest = digest;
    model.#digestValue = remembered;
    // A digest hashed now serves the warm start of sessions created once it is known.
    if (digest && !remembered) digest.then((sha256) => { model.#digestValue ??= sha256; }, () => {});
    if (prefetched && firstPacks) {
      model.#prefetched = prefetched;
      // A model dropped without a session or dispose() lets its hold go when it is collected.
      unreleasedHolds.register(model, prefetched, prefetched);
    } else {
      void releaseHold(prefetched);
    }
    return model;
  }

  /** The model's file, read once something needs more than its summary. */
  #model(): TfliteModel {
    this.#tflite ??= readModel(this.#bytes, this.#limits);
    return this.#tflite;
  }

  /** Subgraph `index` analysed (constants folded, rewritten if `optimize`, operators placed), once. */
  #analysisOf(index: number, optimize: boolean): SubgraphAnalysis {
    const key = `${index}:${optimize}`;
    let analysis = this.#analyses.get(key);
    if (!analysis) {
      const rewritten = optimize ? undefined : this.#analyses.get(`${index}:true`);
      // A graph no rule rewrote is the file's graph: its analysis serves both.
      analysis = rewritten && rewritten.rewrites.length === 0 ? rewritten : analyzeSubgraph(this.#model(), index, { optimize });
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
    // A warm start makes the plan an earlier process recorded; other starts plan now, hashing the model (off the JavaScript thread) meanwhile.
    const prepared = this.#recordedSession(entry, resolved) ?? this.#plannedSession(entry, resolved);
    const { plans } = prepared;
    try {
      const sha256 = prepared.digest ? await prepared.digest : undefined;
      this.#digestValue ??= sha256;
    } catch (err) {
      prepared.opened.cancel();
      throw this.#changedError(err);
    }
    // A prefetch of this session's file still verifying it is waited for, so that it is not verified twice.
    const prefetched = this.#prefetched;
    if (this.#digestValue && prepared.dir && prefetched && prefetched.dir === prepared.dir && prefetched.packing === plans.packing()) await prefetched.held;
    let session: Session;
    try {
      session = await Session[createSessionInternal](prepared.opened, plans, resolved, this.#path ?? this.#sourceName, (s) => this.#sessions.delete(s));
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
    // Written before the session is handed over, so that nothing of it is still being written when the caller moves on.
    if (prepared.dir && this.#digestValue) await this.#recordFor(prepared.dir, this.#digestValue, prepared.record && { key: sessionKey(entry, resolved), value: prepared.record });
    // Disposed meanwhile: the model disposed the session too.
    if (this.#disposed) throw new DisposedError('Model');
    return session;
  }

  /** Records what a warm start in `dir` can use: the session's plan, if it was made now, and the model's summary, if this process read the file. */
  async #recordFor(dir: string, sha256: Buffer, session: { key: string; value: () => SessionRecord | undefined } | undefined): Promise<void> {
    const writes: Promise<void>[] = [];
    if (session) {
      let value: SessionRecord | undefined;
      try {
        value = session.value();
      } catch {
        // A plan that cannot be recorded is planned again next time.
      }
      if (value) writes.push(writeRecord(dir, sha256, 'session', session.key, value));
    }
    if (this.#summary && !this.#summaryRecorded.has(dir)) {
      this.#summaryRecorded.add(dir);
      writes.push(writeRecord(dir, sha256, 'model', summaryKey(this.#limits), this.#summary));
    }
    await Promise.all(writes);
  }

  /**
   * How sessions of `entry` with `resolved` options plan themselves, at any
   * input shapes; what it needs of the model's file is read when first used.
   */
  #sessionPlans(entry: EntryPoint, resolved: ResolvedSessionOptions, knownDir?: string): SessionPlans {
    const optimize = this.#optimizes(entry, resolved);
    let analysis: SubgraphAnalysis | undefined;
    let dir: { value: string | undefined } | undefined = knownDir ? { value: knownDir } : undefined;
    const model = this;
    const cacheFor = (suffix = '') => {
      const at = plans.dir();
      return at && model.#digestValue ? planCache(at, model.#digestValue, model.#sourceName, `${plans.packing()}${suffix}`) : undefined;
    };
    const plans = {
      entry,
      get analysis(): SubgraphAnalysis {
        analysis ??= entryAnalysis(model.#analysisOf(entry.subgraphIndex, optimize), entry);
        return analysis;
      },
      packing: () => this.#packing(entry, resolved),
      usesProgram: () => needsProgram(plans.analysis),
      /** The cache directory, for sessions that use one: with control flow (its steps may), or packing weights. */
      dir: () => {
        dir ??= { value: plans.usesProgram() || packsWeights(plans.analysis) ? model.#usableCacheDir(resolved.weightCache) : undefined };
        return dir.value;
      },
      open(at: ReadonlyMap<number, readonly number[]>, record?: { plan?: SessionPlan }): OpenedRuntime {
        if (plans.usesProgram()) {
          const subgraphs = model.#model().subgraphs;
          const shaped = analysisAtShapes(plans.analysis, at, model.#limits, callShapes(subgraphs, (index) => model.#analysisOf(index, optimize)));
          const context: ProgramContext = {
            subgraphs, analysisOf: (index) => model.#analysisOf(index, optimize), options: resolved, limits: model.#limits,
            cacheFor: (key) => cacheFor(`;step=${key}`),
          };
          return { io: entryTensorInfo(entry, shaped.subgraph), start: () => ProgramRuntime.create(context, shaped), cancel: () => {} };
        }
        const plan = buildSessionPlan(analysisAtShapes(plans.analysis, at, model.#limits), { precision: resolved.precision, record: !!record });
        if (record) record.plan = plan;
        return model.#runtimeOf(plan, entryTensorInfo(entry, plan.subgraph), resolved, cacheFor);
      },
    };
    return plans;
  }

  /** Whether sessions of `entry` run the rewritten graph: the rules keep a subgraph's inputs and outputs, not its other tensors, so a signature reading one of those runs the file's graph. */
  #optimizes(entry: EntryPoint, resolved: ResolvedSessionOptions): boolean {
    return resolved.optimize && this.#keepsGraphIo[this.#entries.indexOf(entry)];
  }

  /** What names the cache files of sessions of `entry` with `resolved` options (see packingOf). */
  #packing(entry: EntryPoint, resolved: ResolvedSessionOptions): string {
    return packingOf(resolved.precision, this.#optimizes(entry, resolved), entry.subgraphIndex);
  }

  /** An opened runtime of `plan` (consumed, whatever happens). */
  #runtimeOf(plan: RuntimePlan, io: EntryIo, resolved: ResolvedSessionOptions, cacheFor: () => ReturnType<typeof planCache> | undefined): OpenedRuntime {
    const start = (packed?: NativePackedWeights) => {
      let cache: ReturnType<typeof cacheFor>;
      try {
        cache = cacheFor();
      } catch (err) {
        disposeSessionPlan(plan);
        return Promise.reject(this.#changedError(err));
      }
      return createRuntime(plan, resolved, cache, packed);
    };
    return { io, start, cancel: () => disposeSessionPlan(plan) };
  }

  /** The session planned now, at the input shapes of the options (else the declared ones). */
  #plannedSession(entry: EntryPoint, resolved: ResolvedSessionOptions): PreparedSession {
    const plans = this.#sessionPlans(entry, resolved);
    const analysis = plans.analysis;
    if (!plans.usesProgram()) ensureSupported(analysis);
    const shapes = inputShapesOf(entry, analysis.subgraph, resolved.inputShapes, 'options.inputShapes');
    const dir = plans.dir();
    // Hashing (off the JavaScript thread) overlaps with lowering (on it).
    const digest = dir ? this.#digestFor(dir) : undefined;
    // Sessions at the declared shapes of a plan (not a program) are recorded for the next process's warm start.
    const recording: { plan?: SessionPlan } | undefined = dir && resolved.inputShapes === undefined && !plans.usesProgram() ? {} : undefined;
    const opened = plans.open(shapes, recording);
    const planned = recording?.plan;
    const record = planned?.logs ? () => this.#sessionRecord(planned, opened.io, plans) : undefined;
    return { plans, opened, dir, digest, record };
  }

  /** The record of a session planned with its define calls logged. */
  #sessionRecord(plan: SessionPlan, io: EntryIo, plans: SessionPlans): SessionRecord {
    return { io, packing: plans.packing(), plan: planRecord(plan, plan.logs!, this.#bytes) };
  }

  /** The session made again from the plan recorded for it (lib/cache/start-records.ts), if there is one to use. */
  #recordedSession(entry: EntryPoint, resolved: ResolvedSessionOptions): PreparedSession | undefined {
    if (resolved.inputShapes !== undefined || !this.#digestValue) return undefined;
    const digest = this.#digestValue;
    const dir = this.#usableCacheDir(resolved.weightCache, false);
    const record = dir ? readRecord<SessionRecord>(dir, digest, 'session', sessionKey(entry, resolved)) : undefined;
    if (!dir || !isSessionRecord(record) || record.packing !== this.#packing(entry, resolved)) return undefined;
    let plan: RuntimePlan;
    try {
      plan = replayPlan(record.plan, this.#bytes);
    } catch {
      // Not the plan this build makes: plan as usual (and record it again).
      return undefined;
    }
    const io = { inputs: [...frozenInfo(record.io.inputs)], outputs: [...frozenInfo(record.io.outputs)] };
    const plans = this.#sessionPlans(entry, resolved, dir);
    const recorded = this.#runtimeOf(plan, io, resolved, () => planCache(dir, digest, this.#sourceName, record.packing));
    const replanned: { plan?: SessionPlan; io?: EntryIo } = {};
    const start = async () => {
      try {
        return await recorded.start();
      } catch (err) {
        if (this.#mapping.changed() || this.#disposed) throw err;
        // A record the native side refuses: plan as usual, and record that plan instead.
        const opened = plans.open(inputShapesOf(entry, plans.analysis.subgraph, undefined, 'options.inputShapes'), replanned);
        replanned.io = opened.io;
        return opened.start();
      }
    };
    const rerecord = () => (replanned.plan?.logs && replanned.io ? this.#sessionRecord(replanned.plan, replanned.io, plans) : undefined);
    return { plans, opened: { io, start, cancel: recorded.cancel }, dir, digest: Promise.resolve(digest), record: rerecord };
  }

  /** The session's cache directory, if it has one it may use (a warning otherwise). */
  #usableCacheDir(option: string | false | undefined, warn = true): string | undefined {
    const dir = resolveCacheDir(option, undefined);
    if (!dir) return undefined;
    const prepared = prepareCacheDir(dir);
    if ('dir' in prepared) return prepared.dir;
    if (warn) emitCacheWarning(prepared.warning);
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

/** How sessions of one entry point and options plan themselves (Model.#sessionPlans). */
interface SessionPlans extends SessionEntry {
  /** What names their cache files (see packingOf). */
  packing(): string;
  /** Whether they run a program (control flow, variables) rather than one plan. */
  usesProgram(): boolean;
  /** Their cache directory, if they use one. */
  dir(): string | undefined;
  /** With `record`, the plan made is handed there too (to be recorded). */
  open(shapes: ReadonlyMap<number, readonly number[]>, record?: { plan?: SessionPlan }): OpenedRuntime;
}

/** A session about to start: its runtime opened, and where its cache file is. */
interface PreparedSession {
  plans: SessionPlans;
  opened: OpenedRuntime;
  dir: string | undefined;
  /** The model's digest, when the session uses a cache directory. */
  digest: Promise<Buffer> | undefined;
  /** What to record of a plan made now, for the next process's warm start, once the session works (undefined: nothing). */
  record?: () => SessionRecord | undefined;
}

function isSessionRecord(value: unknown): value is SessionRecord {
  const v = value as Partial<SessionRecord> | undefined;
  return !!v && typeof v.packing === 'string' && !!v.io && Array.isArray(v.io.inputs) && Array.isArray(v.io.outputs) && !!v.plan;
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
