// The MediaPipe models the guide lists, from their npm packages (devDependencies).
import path from 'node:path';

export interface ZooModel {
  name: string;
  file: string;
  /** The range the model's input expects. */
  inputRange: [number, number];
}

function file(pkg: string, name: string): string {
  return path.join(path.dirname(require.resolve(`@mediapipe/${pkg}/package.json`)), `${name}.tflite`);
}

const face = (name: string): ZooModel => ({ name, file: file('face_detection', name), inputRange: [-1, 1] });
const unit = (pkg: string, name: string): ZooModel => ({ name, file: file(pkg, name), inputRange: [0, 1] });

export const ZOO: readonly ZooModel[] = [
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

export function zooModel(name: string): ZooModel {
  const m = ZOO.find((z) => z.name === name);
  if (!m) throw new Error(`no zoo model ${name}`);
  return m;
}
