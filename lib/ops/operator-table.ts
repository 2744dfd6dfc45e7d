/**
 * The README's operator table, derived from the op descriptors: which backend
 * can run each operator, how the full-integer quantizers treat it, and
 * what is folded into constants at load.
 * `npm run docs:operators` writes it into README.md; a test checks that it is current.
 */
import type { OpDescriptor } from './descriptor';
import { descriptors } from './registry';

export const TABLE_START = '<!-- operator table: written by `npm run docs:operators` from the op descriptors; do not edit by hand -->';
export const TABLE_END = '<!-- end of operator table -->';

/** How an operator runs when no backend runs it: folded at load, or by the session's program. */
function other(d: OpDescriptor): string {
  if (d.fold) return `folded at load, from ${d.fold.applies}`;
  if (d.control) return 'run by the session (control flow, variables)';
  return '';
}

export function operatorTable(): string {
  const mark = (b: boolean) => (b ? 'yes' : '');
  const lines = [
    TABLE_START,
    '| operator | XNNPACK | reference kernels | int8 quantizer | int16x8 quantizer | other |',
    '|---|---|---|---|---|---|',
    ...descriptors().map(([op, d]) => `| ${op} | ${mark(!!d.xnnpack)} | ${mark(!!d.reference)} | ${mark(!!d.int8)} | ${mark(!!d.int16x8)} | ${other(d)} |`),
    TABLE_END,
  ];
  return lines.join('\n');
}

/** `readme` with its operator table replaced by the current one; throws if the markers are missing. */
export function withOperatorTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error('README.md has no operator table markers');
  return readme.slice(0, start) + operatorTable() + readme.slice(end + TABLE_END.length);
}
