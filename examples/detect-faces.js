#!/usr/bin/env node
'use strict';

// The main job on the default model: MediaPipe's short-range face detector
// (BlazeFace, from the @mediapipe/face_detection package) on one image.
//
//   npm run demo                    a generated test image
//   npm run demo -- photo.ppm       your image (binary PPM; e.g. `convert photo.jpg photo.ppm`)
//
// Prints the detections (score and box, in pixels of the image) and the
// latency of load, session creation, first and steady-state inference.

const fs = require('node:fs');
const path = require('node:path');
const { loadModel, version } = require('..');

const SIZE = 128;

function readPpm(file) {
  const data = fs.readFileSync(file);
  const header = [];
  let pos = 0;
  while (header.length < 4) {
    while (/\s/.test(String.fromCharCode(data[pos]))) pos++;
    if (data[pos] === 0x23) {
      while (data[pos] !== 0x0a) pos++;
      continue;
    }
    let token = '';
    while (pos < data.length && !/\s/.test(String.fromCharCode(data[pos]))) token += String.fromCharCode(data[pos++]);
    header.push(token);
  }
  pos++;
  const [magic, width, height, max] = [header[0], Number(header[1]), Number(header[2]), Number(header[3])];
  if (magic !== 'P6' || max !== 255) throw new Error(`${file}: expected a binary PPM (P6, 8 bits); convert it with: convert photo.jpg photo.ppm`);
  return { width, height, rgb: data.subarray(pos, pos + width * height * 3) };
}

/** A generated test image: a face-like drawing on a gradient, so the demo runs with no file. */
function testImage() {
  const width = 256;
  const height = 256;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 3 * (y * width + x);
      const inside = ((x - 128) / 60) ** 2 + ((y - 130) / 78) ** 2 < 1;
      const eye = ((x - 104) / 10) ** 2 + ((y - 112) / 6) ** 2 < 1 || ((x - 152) / 10) ** 2 + ((y - 112) / 6) ** 2 < 1;
      const mouth = Math.abs(y - 170) < 4 && Math.abs(x - 128) < 22;
      const [r, g, b] = eye || mouth ? [40, 30, 30] : inside ? [224, 172, 140] : [90 + y / 4, 110, 140 - y / 4];
      rgb[i] = r;
      rgb[i + 1] = g;
      rgb[i + 2] = b;
    }
  }
  return { width, height, rgb };
}

/** Bilinear resize to 128x128 and scaling to [-1, 1], the model's input. */
function toInput({ width, height, rgb }) {
  const out = new Float32Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    const sy = Math.min(height - 1, Math.max(0, (y + 0.5) * (height / SIZE) - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < SIZE; x++) {
      const sx = Math.min(width - 1, Math.max(0, (x + 0.5) * (width / SIZE) - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (yy, xx) => rgb[3 * (yy * width + xx) + c];
        const v = (1 - fy) * ((1 - fx) * p(y0, x0) + fx * p(y0, x1)) + fy * ((1 - fx) * p(y1, x0) + fx * p(y1, x1));
        out[3 * (y * SIZE + x) + c] = v / 127.5 - 1;
      }
    }
  }
  return out;
}

/** BlazeFace's SSD anchors: 16x16 cells with 2 anchors, then 8x8 cells with 6 (896 in all). */
function anchors() {
  const list = [];
  for (const [cells, perCell] of [[16, 2], [8, 6]]) {
    for (let y = 0; y < cells; y++) {
      for (let x = 0; x < cells; x++) {
        for (let k = 0; k < perCell; k++) list.push([(x + 0.5) / cells, (y + 0.5) / cells]);
      }
    }
  }
  return list;
}

function decode(regressors, classificators, minScore = 0.5) {
  const found = [];
  anchors().forEach(([ax, ay], i) => {
    const score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, classificators[i]))));
    if (score < minScore) return;
    const r = regressors.subarray(16 * i, 16 * i + 4);
    const cx = r[0] / SIZE + ax;
    const cy = r[1] / SIZE + ay;
    const w = r[2] / SIZE;
    const h = r[3] / SIZE;
    found.push({ score, x0: cx - w / 2, y0: cy - h / 2, x1: cx + w / 2, y1: cy + h / 2 });
  });
  found.sort((a, b) => b.score - a.score);
  const kept = [];
  const iou = (a, b) => {
    const ix = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
    const iy = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
    const inter = ix * iy;
    return inter / ((a.x1 - a.x0) * (a.y1 - a.y0) + (b.x1 - b.x0) * (b.y1 - b.y0) - inter);
  };
  for (const d of found) if (kept.every((k) => iou(k, d) < 0.3)) kept.push(d);
  return kept;
}

async function main() {
  const file = process.argv[2];
  const image = file ? readPpm(file) : testImage();
  const modelFile = path.join(path.dirname(require.resolve('@mediapipe/face_detection/package.json')), 'face_detection_short_range.tflite');
  const v = version();
  console.log(`xnnlite ${v.xnnlite} on XNNPACK ${v.xnnpack} (${v.arch}: ${v.isa.join(', ')})`);
  console.log(`model: ${path.basename(modelFile)}; image: ${file ?? 'generated test image'} (${image.width}x${image.height})`);

  let t = performance.now();
  const model = await loadModel(modelFile);
  const loadMs = performance.now() - t;
  t = performance.now();
  const session = await model.createSession({ threads: 1 });
  const sessionMs = performance.now() - t;
  const input = toInput(image);
  t = performance.now();
  let out = await session.run({ input });
  const firstMs = performance.now() - t;
  const times = [];
  for (let i = 0; i < 50; i++) {
    t = performance.now();
    out = await session.run({ input });
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);

  const detections = decode(out.regressors, out.classificators);
  if (detections.length === 0) console.log('detections: none above score 0.5');
  for (const d of detections.slice(0, 5)) {
    const box = [d.x0 * image.width, d.y0 * image.height, d.x1 * image.width, d.y1 * image.height].map((v) => Math.round(v));
    console.log(`face: score ${d.score.toFixed(3)}, box [x0 ${box[0]}, y0 ${box[1]}, x1 ${box[2]}, y1 ${box[3]}]`);
  }
  console.log(`latency: load ${loadMs.toFixed(1)} ms, session ${sessionMs.toFixed(1)} ms, first run ${firstMs.toFixed(2)} ms, `
    + `median of 50 runs ${times[25].toFixed(2)} ms (1 thread)`);
  model.dispose();
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
