import fs from 'node:fs';
import path from 'node:path';
import { native } from './native';

export interface VersionInfo {
  /** This package's version. */
  xnnlite: string;
  /** The pinned XNNPACK version the addon was built from. */
  xnnpack: string;
  /** The compiler that built XNNPACK's kernels (clang gives the fast x86 kernels). */
  xnnpackCompiler: string;
  /** XNNPACK's identifier of its set of microkernels (hex). */
  buildIdentifier: string;
  /** CPU architecture of the addon: `x86_64`, `arm64`, `arm`. */
  arch: string;
  /** Instruction-set extensions XNNPACK detected on this CPU and will use, e.g. `['sse4.1', 'avx2', 'fma3']`. */
  isa: string[];
  /** False when XNNPACK cannot run on this CPU; every inference call then throws an XnnpackError. */
  supported: boolean;
  /**
   * How many inferences (and session creations) run at once in this process,
   * on xnnlite's own threads: the CPUs the process may use (at least 2), or
   * `XNNLITE_CONCURRENCY` when set. More are queued in the order they were made.
   */
  concurrency: number;
}

let packageVersion: string | undefined;

function readPackageVersion(): string {
  packageVersion ??= (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  return packageVersion;
}

/**
 * Versions of xnnlite and of the XNNPACK it runs on, and the instruction sets
 * XNNPACK detected on this CPU.
 *
 * @throws {NativeLoadError} if the native addon cannot be loaded.
 * @example
 * const { xnnpack, isa } = version();
 * console.log(`XNNPACK ${xnnpack} using ${isa.join(', ')}`);
 */
export function version(): VersionInfo {
  const v = native().version();
  return {
    xnnlite: readPackageVersion(),
    xnnpack: v.xnnpack,
    xnnpackCompiler: v.xnnpackCompiler,
    buildIdentifier: v.buildIdentifier,
    arch: v.arch,
    isa: v.isa,
    supported: v.initialized,
    concurrency: native().concurrency(),
  };
}
