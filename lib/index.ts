/** xnnlite's public API. This file only assembles it. */
export { version } from './version';
export type { VersionInfo } from './version';
export { selfTest } from './self-test';
export type { SelfTestResult } from './self-test';
export { XnnpackError, DisposedError, NativeLoadError } from './errors';
