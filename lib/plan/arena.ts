/**
 * Places a session's arena tensors: each is live from the step that first
 * writes (or, for an input, before the first step) to the step that last
 * reads it (an output: to the end), and tensors whose lifetimes do not
 * overlap share memory. Greedy by size, largest first, each at the lowest
 * offset that fits, as TFLite's arena planner does; offsets are aligned for
 * SIMD loads, and every tensor keeps `slack` readable bytes after its end
 * (XNNPACK may read up to XNN_EXTRA_BYTES past an input).
 */
export interface ArenaTensor {
  bytes: number;
  /** First and last step (inclusive) during which the tensor holds a value. */
  first: number;
  last: number;
}

export interface ArenaLayout {
  offsets: number[];
  bytes: number;
}

const ALIGNMENT = 64;

const alignUp = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

export function planArena(tensors: readonly ArenaTensor[], slack: number): ArenaLayout {
  const offsets = new Array<number>(tensors.length).fill(0);
  const order = tensors.map((_, k) => k).sort((a, b) => tensors[b].bytes - tensors[a].bytes || a - b);
  const placed: { offset: number; end: number; first: number; last: number }[] = [];
  let total = 0;
  for (const k of order) {
    const t = tensors[k];
    const size = alignUp(t.bytes + slack);
    // Live neighbours, by offset: the first gap that fits takes the tensor.
    const live = placed.filter((p) => p.first <= t.last && t.first <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of live) {
      if (p.offset >= offset + size) break;
      offset = Math.max(offset, p.end);
    }
    offsets[k] = offset;
    placed.push({ offset, end: offset + size, first: t.first, last: t.last });
    total = Math.max(total, offset + size);
  }
  return { offsets, bytes: total };
}
