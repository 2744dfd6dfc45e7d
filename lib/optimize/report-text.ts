/** Optimization reports as text: one report in full, or a sweep as one row per point. */
import { bytes, ms, table } from '../text-format';
import type { FileSizes, OptimizationReport } from './report';

const pct = (x: number) => `${(100 * x).toFixed(x < 0.001 && x > 0 ? 3 : 1)}%`;
const ratio = (after: number, before: number) => `${bytes(after)} (${pct(after / before)})`;

/** The worst relative error over the outputs, and the lowest top-1 agreement among classifier outputs. */
function worst(report: OptimizationReport): { relative: number; top1?: number } {
  const outputs = report.accuracy.outputs;
  const top1 = outputs.filter((o) => o.top1Agreement !== undefined).map((o) => o.top1Agreement!);
  return { relative: Math.max(0, ...outputs.map((o) => o.relative)), top1: top1.length ? Math.min(...top1) : undefined };
}

function sizeRow(label: string, before: FileSizes, after: FileSizes, key: keyof FileSizes): string[] {
  return [`  ${label}`, bytes(before[key]), ratio(after[key], before[key])];
}

/** A full report: sizes, speed, error per output, weights, notes. */
export function formatReport(r: OptimizationReport): string {
  const lines: string[] = [];
  lines.push('size:', table([
    ['', 'before', 'after'],
    sizeRow('file', r.size.before, r.size.after, 'raw'),
    sizeRow('gzip', r.size.before, r.size.after, 'gzip'),
    sizeRow('brotli', r.size.before, r.size.after, 'brotli'),
  ]));
  if (r.speed) {
    const s = r.speed;
    lines.push(`speed: ${ms(s.beforeMs)} -> ${ms(s.afterMs)} per inference, ${s.speedup.toFixed(2)}x `
      + `(medians of ${s.rounds} alternating round(s) of ${s.runs} runs, ${s.threads} thread(s))`);
  }
  const where = r.accuracy.synthetic ? `${r.accuracy.samples} synthetic input(s)` : `${r.accuracy.samples} held-out sample(s)`;
  const classifiers = r.accuracy.outputs.some((o) => o.top1Agreement !== undefined);
  lines.push(`difference from the original on ${where}:`, table([
    ['  output', 'max |diff|', 'mean |diff|', 'largest |value|', 'max / largest', ...(classifiers ? ['top-1 agreement'] : [])],
    ...r.accuracy.outputs.map((o) => [`  ${o.name}`, o.maxAbs.toPrecision(3), o.meanAbs.toPrecision(3), o.scale.toPrecision(3), pct(o.relative),
      ...(classifiers ? [o.top1Agreement === undefined ? '-' : pct(o.top1Agreement)] : [])]),
  ]));
  const w = r.weights;
  lines.push('filters (convolutions, fully-connected):', table([
    ['', 'before', 'after'],
    ['  weights', String(w.before.weights), String(w.after.weights)],
    ['  zeros', pct(w.before.zeros / Math.max(1, w.before.weights)), pct(w.after.zeros / Math.max(1, w.after.weights))],
    ['  stored sparse', `${w.before.sparseFilters} of ${w.before.filters}`, `${w.after.sparseFilters} of ${w.after.filters}`],
    ['  most distinct values in a filter', String(w.before.maxDistinct), String(w.after.maxDistinct)],
    ['  CONV_2D output channels', String(w.before.convolutionChannels), String(w.after.convolutionChannels)],
  ]));
  if (r.kept) {
    lines.push(`operators kept at a higher precision: ${r.kept.length}${r.kept.length ? ' (sensitivity: the error with only that operator int8)' : ''}`);
    if (r.kept.length) {
      lines.push(table([
        ['  operator', 'kept as', 'sensitivity'],
        ...r.kept.map((k) => [`  ${k.op} #${k.index}`, k.precision, k.sensitivity === undefined ? 'by hand' : pct(k.sensitivity)]),
      ]));
    }
  }
  if (r.notes.length) lines.push('notes:', ...r.notes.map((n) => `  ${n}`));
  return lines.join('\n');
}

/** One row per point of a sweep (e.g. each sparsity), with the original's sizes first. */
export function formatSweep(label: string, points: { value: string; report: OptimizationReport }[]): string {
  if (points.length === 0) return '';
  const base = points[0].report.size.before;
  const speed = points.some((p) => p.report.speed);
  const classifiers = points.some((p) => worst(p.report).top1 !== undefined);
  const rows = [
    [label, 'file', 'gzip', 'brotli', ...(speed ? ['speedup'] : []), 'max error / scale', ...(classifiers ? ['top-1 agreement'] : []), 'zeros', 'CONV_2D channels'],
    ['original', bytes(base.raw), bytes(base.gzip), bytes(base.brotli), ...(speed ? ['1.00x'] : []), '-', ...(classifiers ? ['-'] : []),
      pct(points[0].report.weights.before.zeros / Math.max(1, points[0].report.weights.before.weights)), String(points[0].report.weights.before.convolutionChannels)],
    ...points.map(({ value, report: r }) => {
      const { relative, top1 } = worst(r);
      return [value, ratio(r.size.after.raw, base.raw), ratio(r.size.after.gzip, base.gzip), ratio(r.size.after.brotli, base.brotli),
        ...(speed ? [r.speed ? `${r.speed.speedup.toFixed(2)}x` : '-'] : []), pct(relative), ...(classifiers ? [top1 === undefined ? '-' : pct(top1)] : []),
        pct(r.weights.after.zeros / Math.max(1, r.weights.after.weights)), String(r.weights.after.convolutionChannels)];
    }),
  ];
  return table(rows);
}
