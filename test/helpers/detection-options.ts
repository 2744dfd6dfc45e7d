// Custom options and inputs for the detection op tests: the flexbuffer map
// of TFLite_Detection_PostProcess, and boxes, scores and anchors with
// overlaps and ties.
import { builder } from 'flatbuffers/js/flexbuffers.js';
import { deterministicInput } from './compare';

export interface PostprocessOptions {
  maxDetections: number;
  maxClassesPerDetection: number;
  detectionsPerClass?: number;
  useRegularNms?: boolean;
  scoreThreshold: number;
  iouThreshold: number;
  numClasses: number;
  scales?: [number, number, number, number];
}

type Value = { int: number } | { float: number } | { bool: boolean } | { string: string };

/** A flexbuffer map of exactly these entries (keys sorted, as the format requires). */
export function flexMap(entries: Record<string, Value>): Uint8Array {
  const b = builder();
  b.startMap();
  for (const key of Object.keys(entries).sort()) {
    const v = entries[key];
    b.addKey(key);
    if ('int' in v) b.addInt(v.int);
    // 32-bit, as TFLite's converter writes them.
    else if ('float' in v) b.addFloat(Math.fround(v.float));
    else if ('bool' in v) b.add(v.bool);
    else b.add(v.string);
  }
  b.end();
  return b.finish();
}

/** The entries TFLite's converter writes for TFLite_Detection_PostProcess. */
export function postprocessEntries(o: PostprocessOptions): Record<string, Value> {
  const [y, x, h, w] = o.scales ?? [10, 10, 5, 5];
  const entries: Record<string, Value> = {
    max_detections: { int: o.maxDetections },
    max_classes_per_detection: { int: o.maxClassesPerDetection },
    nms_score_threshold: { float: o.scoreThreshold },
    nms_iou_threshold: { float: o.iouThreshold },
    num_classes: { int: o.numClasses },
    y_scale: { float: y },
    x_scale: { float: x },
    h_scale: { float: h },
    w_scale: { float: w },
  };
  if (o.detectionsPerClass !== undefined) entries.detections_per_class = { int: o.detectionsPerClass };
  if (o.useRegularNms !== undefined) entries.use_regular_nms = { bool: o.useRegularNms };
  return entries;
}

export const postprocessOptions = (o: PostprocessOptions) => flexMap(postprocessEntries(o));

/** A deterministic generator of values in [0, 1). */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` boxes [y1, x1, y2, x2] in clusters (so that many overlap), some with
 * their corners swapped, a few of zero height or width.
 */
export function clusteredBoxes(n: number, seed: number, options: { inverted?: boolean; degenerate?: boolean } = {}): Float32Array {
  const next = random(seed);
  const centers = Array.from({ length: Math.max(1, Math.round(n / 6)) }, () => [next() * 10, next() * 10]);
  const boxes = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const [cy, cx] = centers[Math.floor(next() * centers.length)];
    const y = cy + (next() - 0.5) * 1.5;
    const x = cx + (next() - 0.5) * 1.5;
    const h = 0.5 + next() * 2;
    const w = 0.5 + next() * 2;
    let box = [y - h / 2, x - w / 2, y + h / 2, x + w / 2];
    if (options.inverted && next() < 0.3) box = [box[2], box[1], box[0], box[3]];
    if (options.inverted && next() < 0.3) box = [box[0], box[3], box[2], box[1]];
    if (options.degenerate && next() < 0.05) box[2] = box[0];
    boxes.set(box, 4 * i);
  }
  return boxes;
}

/** Scores in [0, 1), rounded to `levels` steps so that many tie. */
export function tiedScores(n: number, seed: number, levels = 20): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: n }, () => Math.floor(next() * levels) / levels);
}

/** Anchors [y, x, h, w] on a grid, as SSD's anchor generator lays them out (several sizes per cell). */
export function gridAnchors(n: number): Float32Array {
  const perCell = 3;
  const side = Math.ceil(Math.sqrt(n / perCell));
  const anchors = new Float32Array(4 * n);
  for (let i = 0; i < n; i++) {
    const cell = Math.floor(i / perCell);
    const size = [0.1, 0.2, 0.35][i % perCell];
    anchors.set([(Math.floor(cell / side) + 0.5) / side, ((cell % side) + 0.5) / side, size, size * (i % 2 ? 2 : 0.5)], 4 * i);
  }
  return anchors;
}

/** Box encodings [ty, tx, th, tw] in SSD's range. */
export function boxEncodings(n: number, codeSize: number, seed: number): Float32Array {
  return deterministicInput(n * codeSize, -2, 2, seed);
}
