'use strict';

// The MediaPipe models xnnlite is tested and measured on, from their npm packages (devDependencies),
// with the input range each expects. Shared by the tests and the benchmark.

const path = require('node:path');

function file(pkg, name) {
  return path.join(path.dirname(require.resolve(`@mediapipe/${pkg}/package.json`)), `${name}.tflite`);
}

const face = (name) => ({ name, file: file('face_detection', name), inputRange: [-1, 1] });
const unit = (pkg, name) => ({ name, file: file(pkg, name), inputRange: [0, 1] });

const ZOO = [
  face('face_detection_short_range'),
  face('face_detection_full_range'),
  face('face_detection_full_range_sparse'),
  unit('selfie_segmentation', 'selfie_segmentation'),
  unit('selfie_segmentation', 'selfie_segmentation_landscape'),
  unit('hands', 'hand_landmark_lite'),
  unit('hands', 'hand_landmark_full'),
  unit('pose', 'pose_landmark_lite'),
  unit('pose', 'pose_landmark_full'),
  unit('pose', 'pose_landmark_heavy'),
];

function zooModel(name) {
  const m = ZOO.find((z) => z.name === name);
  if (!m) throw new Error(`no zoo model ${name}; known: ${ZOO.map((z) => z.name).join(', ')}`);
  return m;
}

module.exports = { ZOO, zooModel };
