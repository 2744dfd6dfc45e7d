/** xnnlite's public API. This file only assembles it. */
export { loadModel, Model } from './model';
export type { LoadModelOptions, ModelSource } from './model';
export { Session } from './session';
export type { SessionOptions, SessionInputs, SessionOutputs } from './session';
export type { TensorInfo } from './tensor-info';
export type { DType } from './model/schema';
export type { SignatureDef } from './model/types';
export { supportedOps } from './graph/registry';
export { version } from './version';
export type { VersionInfo } from './version';
export { selfTest } from './self-test';
export type { SelfTestResult } from './self-test';
export { XnnpackError, DisposedError, NativeLoadError, ModelFormatError, UnsupportedOpError } from './errors';
