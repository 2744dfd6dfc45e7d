/**
 * The one place that loads the native addon, and the exact TypeScript shape
 * of what it exports. Nothing else in lib/ requires the `.node` file.
 */
import path from 'node:path';
import { NativeLoadError, XnnpackError } from './errors';
import type { KernelCall } from './reference/program-builder';

/** Numeric enums and flags exactly as XNNPACK's header defines them. */
export interface NativeConstants {
  datatype: Record<'fp32' | 'fp16' | 'qint8' | 'quint8' | 'qint32' | 'qcint8' | 'qcint32' | 'qdint8' | 'int32', number>;
  unary: Record<
    | 'convert' | 'clamp' | 'abs' | 'bankersRounding' | 'ceiling' | 'elu' | 'exp' | 'floor' | 'gelu' | 'hardswish'
    | 'leakyRelu' | 'log' | 'negate' | 'sigmoid' | 'square' | 'squareRoot' | 'reciprocalSquareRoot' | 'tanh'
    | 'cosine' | 'sine' | 'sign',
    number
  >;
  binary: Record<
    'add' | 'subtract' | 'multiply' | 'divide' | 'maximum' | 'minimum' | 'copysign' | 'squaredDifference' | 'prelu' | 'pow',
    number
  >;
  valueFlags: Record<'externalInput' | 'externalOutput', number>;
  runtimeFlags: Record<
    | 'hintSparseInference' | 'hintFp16Inference' | 'forceFp16Inference' | 'yieldWorkers' | 'transientIndirectionBuffer'
    | 'basicProfiling',
    number
  >;
  reduce: Record<'sum' | 'mean', number>;
  nodeFlags: Record<
    | 'tensorflowReshape2d' | 'transposeWeights' | 'transposeA' | 'transposeB' | 'tensorflowSamePadding'
    | 'tensorflowLegacyMode' | 'alignCorners' | 'keepDims',
    number
  >;
  invalidValueId: number;
  maxTensorDims: number;
  extraBytes: number;
}

export interface NativeVersion {
  xnnpack: string;
  xnnpackCompiler: string;
  buildIdentifier: string;
  arch: string;
  initialized: boolean;
  isa: string[];
  archFlags: string;
}

export interface UnaryParams {
  min?: number;
  max?: number;
  alpha?: number;
  negativeSlope?: number;
}

/** Mirrors xnn_subgraph_t and its xnn_define_* calls. Single use: Runtime.create consumes it. */
export interface NativeSubgraph {
  /** `cacheId` names static data stably across runs (the weight cache keys on it). */
  defineTensor(datatype: number, dims: number[], data: ArrayBufferView | null, externalId: number, flags: number, cacheId?: number): number;
  /** xnn_define_quantized_tensor_value: real = scale * (q - zeroPoint). */
  defineQuantizedTensor(
    datatype: number, zeroPoint: number, scale: number, dims: number[], data: ArrayBufferView | null, externalId: number, flags: number, cacheId?: number,
  ): number;
  /** xnn_define_channelwise_quantized_tensor_value: one scale per index of `channelDim` (zero points are 0). */
  defineChannelwiseQuantizedTensor(
    datatype: number, scales: Float32Array, dims: number[], channelDim: number, data: ArrayBufferView | null, externalId: number, flags: number, cacheId?: number,
  ): number;
  /** xnn_define_dynamically_quantized_tensor_value: an internal qdint8 value, parameters computed per batch element at run time. */
  defineDynamicallyQuantizedTensor(datatype: number, dims: number[], numNonbatchDims: number): number;
  /**
   * A static float32 tensor converted natively from TFLite's FP16 weights `fp16`: at once, or with `lazy`
   * only if XNNPACK needs them (native/lazy_weights.h).
   */
  defineFp16Tensor(dims: number[], fp16: Uint8Array, cacheId: number, lazy: boolean): number;
  defineUnary(op: number, inputId: number, outputId: number, params?: UnaryParams): void;
  defineBinary(op: number, input1Id: number, input2Id: number, outputId: number, outputMin: number, outputMax: number): void;
  defineFullyConnected(
    outputMin: number, outputMax: number, inputId: number, filterId: number, biasId: number, outputId: number, flags: number,
  ): void;
  defineConvolution2d(
    padTop: number, padRight: number, padBottom: number, padLeft: number, kernelHeight: number, kernelWidth: number,
    strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, groups: number,
    groupInputChannels: number, groupOutputChannels: number, outputMin: number, outputMax: number,
    inputId: number, filterId: number, biasId: number, outputId: number, flags: number,
  ): void;
  defineDeconvolution2d(
    padTop: number, padRight: number, padBottom: number, padLeft: number, adjustmentHeight: number, adjustmentWidth: number,
    kernelHeight: number, kernelWidth: number, upsamplingHeight: number, upsamplingWidth: number,
    dilationHeight: number, dilationWidth: number, groups: number, groupInputChannels: number, groupOutputChannels: number,
    outputMin: number, outputMax: number, inputId: number, filterId: number, biasId: number, outputId: number, flags: number,
  ): void;
  defineDepthwiseConvolution2d(
    padTop: number, padRight: number, padBottom: number, padLeft: number, kernelHeight: number, kernelWidth: number,
    strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, depthMultiplier: number,
    inputChannels: number, outputMin: number, outputMax: number, inputId: number, filterId: number, biasId: number,
    outputId: number, flags: number,
  ): void;
  defineAveragePooling2d(
    padTop: number, padRight: number, padBottom: number, padLeft: number, poolHeight: number, poolWidth: number,
    strideHeight: number, strideWidth: number, outputMin: number, outputMax: number, inputId: number, outputId: number, flags: number,
  ): void;
  defineMaxPooling2d(
    padTop: number, padRight: number, padBottom: number, padLeft: number, poolHeight: number, poolWidth: number,
    strideHeight: number, strideWidth: number, dilationHeight: number, dilationWidth: number, outputMin: number,
    outputMax: number, inputId: number, outputId: number, flags: number,
  ): void;
  defineStaticConstantPad(prePaddings: number[], postPaddings: number[], paddingValue: number, inputId: number, outputId: number, flags: number): void;
  defineStaticReshape(newShape: number[], inputId: number, outputId: number, flags: number): void;
  /** xnn_define_concatenate{2..5}: 2 to 5 inputs. */
  defineConcatenate(axis: number, inputIds: number[], outputId: number, flags: number): void;
  /** xnn_define_even_split{2..4}: 2 to 4 outputs. */
  defineEvenSplit(splitDim: number, inputId: number, outputIds: number[], flags: number): void;
  defineStaticSlice(offsets: number[], sizes: number[], inputId: number, outputId: number, flags: number): void;
  defineStaticTranspose(perm: number[], inputId: number, outputId: number, flags: number): void;
  defineStaticResizeBilinear2d(newHeight: number, newWidth: number, inputId: number, outputId: number, flags: number): void;
  defineDepthToSpace2d(blockSize: number, inputId: number, outputId: number, flags: number): void;
  defineSpaceToDepth2d(blockSize: number, inputId: number, outputId: number, flags: number): void;
  defineSoftmax(inputId: number, outputId: number, flags: number): void;
  defineStaticReduce(op: number, axes: number[], inputId: number, outputId: number, flags: number): void;
  defineBatchMatrixMultiply(input1Id: number, input2Id: number, outputId: number, flags: number): void;
  defineCopy(inputId: number, outputId: number, flags: number): void;
  dispose(): void;
}

/**
 * The packed weights of a runtime made without a cache file (native/packed_weights.h): `handle` keeps them
 * after the runtime is disposed, for another runtime of the same session (a resize), which then packs only
 * what they lack.
 */
export interface NativePackedWeights {
  handle: object;
  bytes: number;
  /** How many buffers this runtime packed rather than found there. */
  packed: number;
}

/** Where a runtime's packed weights live: a shared cache file (`path`), keyed by `fingerprint`. */
export interface NativeCacheRequest {
  path: string;
  lockPath: string;
  fingerprint: Uint8Array;
  /** JSON text stored in the file, for `xnnlite cache ls`. */
  metadata: string;
}

export interface NativeCacheReport {
  /** `mapped`: served from the file; `built`: packed and published now; `memory`: the file could not be used. */
  state: 'mapped' | 'built' | 'memory';
  warnings: string[];
  bytes: number;
  /** Weights a mapped file did not have (packed in memory instead). */
  misses: number;
}

/** The file a MappedFile maps, as it was when mapped (decimal strings: the numbers may exceed 2^53). */
export interface NativeFileIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

/**
 * A model's bytes in native memory: a private mapping of its file, or a copy
 * (`MappedFile.copyOf`). `close()` detaches `buffer`; the memory goes once
 * nothing native (a runtime, a digest) uses it any more.
 */
export interface NativeMappedFile {
  readonly buffer: ArrayBuffer;
  /** The mapped file's identity; undefined for a copy. */
  identity(): NativeFileIdentity | undefined;
  /** Undefined while the mapped bytes are still the file's; else how the file changed since it was mapped. */
  changed(): string | undefined;
  /** SHA-256 of the bytes, computed off the JavaScript thread. */
  digest(): Promise<Buffer>;
  close(): void;
}

export interface NativeExternal {
  id: number;
  input: boolean;
  datatype: number;
  shape: number[];
  byteLength: number;
}

/** A tensor of a session plan: in the arena (`offset`), or a constant (`data`). `name` is how errors name it. */
export interface NativePlanTensor {
  bytes: number;
  offset?: number;
  data?: Uint8Array;
  name?: string;
}

/** One XNNPACK partition of a plan: its subgraph (consumed) and the plan tensor behind each of its external value ids. */
export interface NativePartitionStep {
  subgraph: NativeSubgraph;
  externals: number[];
}

export type NativeStep = NativePartitionStep | KernelCall;

/** A session's plan (lib/plan/session-plan.ts): steps over one arena. */
export interface NativePlan {
  arenaBytes: number;
  tensors: NativePlanTensor[];
  /** The session's inputs and outputs: plan tensor, TFLite TensorType code (informational) and shape. */
  inputs: { tensor: number; datatype: number; shape: number[] }[];
  outputs: { tensor: number; datatype: number; shape: number[] }[];
  steps: NativeStep[];
}

/** A session's native runtime: XNNPACK runtimes and reference kernels over one arena, with one thread pool. */
export interface NativeRuntime {
  /** The session's inputs, then its outputs. */
  externals(): NativeExternal[];
  /** Runs on the calling thread. Views are in the order of `externals()`, inputs and outputs separately. */
  invoke(inputs: ArrayBufferView[], outputs: ArrayBufferView[]): void;
  /** Copies inputs now, runs on xnnlite's task pool, writes into `outputs`. */
  invokeAsync(inputs: ArrayBufferView[], outputs: ArrayBufferView[]): Promise<void>;
  /** What the weight cache did for this runtime; undefined when it was created without one. */
  cacheReport(): NativeCacheReport | undefined;
  /** Without a cache file: the weights it packed in memory, kept (by `handle`) for the session's next runtime. */
  packedWeights(): NativePackedWeights | undefined;
  /** Per-operator times of the last inference, in step order; XNNPACK's need the basic-profiling flag. */
  profile(): { name: string; microseconds: number }[];
  dispose(): void;
  readonly busy: boolean;
}

export interface NativeBinding {
  version(): NativeVersion;
  setErrorClass(ctor: new (message: string, call: string, status: number, statusName: string) => Error): void;
  constants: NativeConstants;
  Subgraph: new (externalValueCount: number) => NativeSubgraph;
  SessionRuntime: {
    /**
     * Reads the plan now (consuming its subgraphs; a TypeError names what is inconsistent) and makes the runtime
     * on the task pool: XNNPACK runtimes (packing weights, through the cache file when given) and the arena.
     */
    create(plan: NativePlan, threads: number, flags: number, cache?: NativeCacheRequest, packed?: NativePackedWeights['handle']): Promise<NativeRuntime>;
  };
  MappedFile: {
    /** Maps the whole of the open file `fd`. */
    new (fd: number): NativeMappedFile;
    copyOf(bytes: ArrayBufferView): NativeMappedFile;
  };
  verifyCacheFile(path: string): { ok: boolean; reason: string; metadata: string };
  /** Maps and verifies a published cache file on the task pool and holds it for a session to come; false if there is no usable one. */
  prefetchCacheFile(path: string, fingerprint: Uint8Array): Promise<boolean>;
  /** Drops one hold taken by prefetchCacheFile. */
  releaseCacheFile(path: string): void;
  /** Which SHA-256 code runs on this CPU: `sha-ni`, `armv8-crypto` or `portable`. */
  sha256Implementation(): string;
  /** How many native tasks (inferences, session creations, digests) run at once in this process. */
  concurrency(): number;
}

const packageRoot = path.join(__dirname, '..');
let binding: NativeBinding | undefined;
let loadError: NativeLoadError | undefined;

function explain(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const where = `${process.platform}-${process.arch}`;
  const lines = [`xnnlite could not load its native addon on ${where} (Node ${process.version}).`];
  if (/No native build was found/.test(message)) {
    lines.push(
      `No prebuilt binary matches ${where}, and none was built at install time.`,
      'Possible fixes:',
      '- Build from source: install cmake and a C++ compiler (Debian: apt-get install cmake g++ clang), then in your project run',
      '  `npm install --save-dev cmake-js node-addon-api` and `npm rebuild xnnlite`.',
      '- Prebuilt binaries exist for linux-x64, linux-arm64 and linux-arm (armv7) with glibc 2.28 or newer; check that you installed on the machine that runs the code (not copied node_modules across platforms).',
    );
  } else if (/GLIBC|GLIBCXX|CXXABI/.test(message)) {
    lines.push(
      'The binary needs a newer C library than this system has (prebuilt binaries need glibc 2.28 or newer).',
      'Possible fixes: upgrade the OS, or build from source with `npm rebuild xnnlite --build-from-source`.',
    );
  } else {
    lines.push('Possible fixes: reinstall with `npm rebuild xnnlite`, and check the error below.');
  }
  lines.push(`Underlying error: ${message}`);
  return lines.join('\n');
}

/** Settings the addon's task pool reads once, when it starts: a malformed value is refused before the addon loads. */
const POOL_SETTINGS = [
  { name: 'XNNLITE_CONCURRENCY', min: 1, max: 1024, meaning: 'inferences run at once' },
  { name: 'XNNLITE_NICE', min: 0, max: 19, meaning: "how much lower than the process xnnlite's threads are scheduled" },
] as const;

function checkPoolSettings(): void {
  for (const { name, min, max, meaning } of POOL_SETTINGS) {
    const value = process.env[name];
    if (value === undefined || value === '') continue;
    if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new RangeError(`${name} must be a whole number from ${min} to ${max} (${meaning}); got ${JSON.stringify(value)}`);
    }
  }
}

/** The loaded addon. Throws NativeLoadError (every time) if it cannot be loaded. */
export function native(): NativeBinding {
  if (binding) return binding;
  if (loadError) throw loadError;
  checkPoolSettings();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = require('node-gyp-build') as (dir: string) => NativeBinding;
    // XNNLITE_ADDON names another build of the addon, e.g. the instrumented one `npm run test:sanitize` makes.
    const override = process.env.XNNLITE_ADDON;
    const loaded = override ? require(path.resolve(override)) as NativeBinding : load(packageRoot);
    loaded.setErrorClass(XnnpackError);
    binding = loaded;
    return loaded;
  } catch (err) {
    loadError = new NativeLoadError(explain(err), { cause: err });
    throw loadError;
  }
}
