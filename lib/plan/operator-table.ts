/**
 * The README's operator table, derived from the op families: which backend
 * can run each operator, and how the full-integer quantizers treat it.
 * `npm run docs:operators` writes it into README.md; a test checks that it is current.
 */
import { OP_FAMILIES } from '../graph/registry';
import { REFERENCE_FAMILIES } from '../reference/registry';

export const TABLE_START = '<!-- operator table: written by `npm run docs:operators` from the op families; do not edit by hand -->';
export const TABLE_END = '<!-- end of operator table -->';

export function operatorTable(): string {
  const rows = new Map<string, { xnnpack: boolean; reference: boolean; int8: boolean; int16x8: boolean }>();
  const row = (op: string) => rows.get(op) ?? rows.set(op, { xnnpack: false, reference: false, int8: false, int16x8: false }).get(op)!;
  for (const f of OP_FAMILIES) {
    for (const op of f.ops) row(op).xnnpack = true;
    for (const op of Object.keys(f.int8 ?? {})) row(op).int8 = true;
  }
  for (const f of REFERENCE_FAMILIES) {
    for (const op of f.ops) row(op).reference = true;
    for (const op of Object.keys(f.int16x8 ?? {})) row(op).int16x8 = true;
  }
  const mark = (b: boolean) => (b ? 'yes' : '');
  const lines = [
    TABLE_START,
    '| operator | XNNPACK | reference kernels | int8 quantizer | int16x8 quantizer |',
    '|---|---|---|---|---|',
    ...[...rows.entries()].sort(([a], [b]) => a.localeCompare(b))
      .map(([op, r]) => `| ${op} | ${mark(r.xnnpack)} | ${mark(r.reference)} | ${mark(r.int8)} | ${mark(r.int16x8)} |`),
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
