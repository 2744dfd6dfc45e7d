import path from 'node:path';
import { clearCache, listCacheFiles, pruneCache } from '../cache/files';
import { bytes, table } from '../text-format';
import { UsageError, type Command } from './usage';

function cacheDir(positionals: string[]): string {
  const dir = positionals[1] ?? process.env.XNNLITE_WEIGHT_CACHE;
  if (!dir) throw new UsageError('give the cache DIR, or set XNNLITE_WEIGHT_CACHE', 'cache');
  return path.resolve(dir);
}

export const cacheCommand: Command = {
  name: 'cache',
  summary: 'list, verify, clear or prune a weight-cache directory',
  usage: 'xnnlite cache ls|verify|clear|prune [DIR] [--older-than DAYS] [--json]',
  help: [
    '  ls                    cache files: size, model, when built and last used, whether intact',
    '  verify                check every file completely; exit code 1 if any is damaged',
    '  clear                 remove every cache file (mapped files stay valid for processes using them)',
    '  prune --older-than D  remove files not used for D days (fractions allowed)',
    '  DIR                   the cache directory (default: $XNNLITE_WEIGHT_CACHE)',
    '  --json                print the result as JSON',
  ].join('\n'),
  options: { 'older-than': { type: 'string' }, json: { type: 'boolean' } },
  async run(positionals, values) {
    const action = positionals[0];
    if (!['ls', 'verify', 'clear', 'prune'].includes(action)) {
      throw new UsageError(action ? `unknown action "${action}"` : 'missing action: ls, verify, clear or prune', 'cache');
    }
    const dir = cacheDir(positionals);
    const json = values.json === true;
    if (action === 'clear' || action === 'prune') {
      let removed: string[];
      if (action === 'prune') {
        const days = Number(values['older-than']);
        if (values['older-than'] === undefined || !(days >= 0)) throw new UsageError('prune needs --older-than DAYS (a number of days, e.g. 7 or 0.5)', 'cache');
        removed = pruneCache(dir, days * 24 * 3600 * 1000);
      } else {
        removed = clearCache(dir);
      }
      process.stdout.write(json ? `${JSON.stringify({ removed })}\n` : `${removed.length ? removed.map((f) => `removed ${f}`).join('\n') : 'nothing to remove'}\n`);
      return 0;
    }
    const files = listCacheFiles(dir);
    if (json) {
      process.stdout.write(`${JSON.stringify(files, null, 2)}\n`);
    } else if (files.length === 0) {
      process.stdout.write(`no cache files in ${dir}\n`);
    } else if (action === 'ls') {
      process.stdout.write(`${table([
        ['file', 'size', 'model', 'built', 'last used', 'state'],
        ...files.map((f) => [path.basename(f.file), bytes(f.bytes), f.metadata?.model ?? '?', f.metadata?.created?.slice(0, 19) ?? '?', f.lastUsed.toISOString().slice(0, 19), f.ok ? 'ok' : `DAMAGED (${f.reason})`]),
      ])}\n`);
    } else {
      for (const f of files) process.stdout.write(`${f.ok ? 'ok' : 'DAMAGED'}  ${f.file}${f.ok ? '' : `: ${f.reason}`}\n`);
    }
    return action === 'verify' && files.some((f) => !f.ok) ? 1 : 0;
  },
};
