// Runs test/helpers/cache-worker.js in its own process, as a service's
// workers would start: one model, one cache directory, one inference.
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

export const worker = path.join(__dirname, 'cache-worker.js');

export interface WorkerResult {
  state: string;
  /** `planned` or `recorded` (made from the plan a previous process recorded). */
  plan: string;
  warnings: string[];
  outputs: string;
}

// Workers run in a plain environment. The test runner injects its own hooks into child processes
// (NODE_OPTIONS, whatever env is passed); they write files and trap SIGXFSZ, so the one shell
// case strips them with `env -u`. The sanitizer run's variables are passed on, so that
// workers load the instrumented addon with its runtimes.
const passedOn = ['XNNLITE_ADDON', 'LD_PRELOAD', 'ASAN_OPTIONS', 'UBSAN_OPTIONS'];
export const workerEnv: Record<string, string> = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  ...Object.fromEntries(passedOn.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])),
};

export function runWorker(model: string, dir: string, shell?: string): WorkerResult {
  const r = shell
    ? spawnSync('bash', ['-c', `${shell}; exec env -u NODE_OPTIONS "${process.execPath}" "${worker}" "${model}" "${dir}"`], { encoding: 'utf8', env: workerEnv })
    : spawnSync(process.execPath, [worker, model, dir], { encoding: 'utf8', env: workerEnv });
  if (r.status !== 0) throw new Error(`worker failed (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string);
}

export const cacheFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.xnnwc'));
export const tempFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.includes('.tmp-'));
