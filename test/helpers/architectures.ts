// The five architectures of issue 12 (YOLO, SSD, BERT, MoveNet, DeepLab) as
// model bytes. The builders live in bench/lib/architectures.js (plain
// JavaScript over dist/model/writer.js) so that npm run bench can make the
// same models without files in the repository; this types them for the tests.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const architectures = require('../../bench/lib/architectures.js') as {
  ARCHITECTURES: Architecture[];
  architecture(name: ArchitectureName): Architecture;
  inputsOf(name: ArchitectureName): ArchitectureInput[];
  yoloDetector(o?: { size?: number; classes?: number }): Uint8Array;
  ssdDetector(o?: { size?: number; classes?: number; maxDetections?: number }): Uint8Array;
  bertEncoder(o?: { vocab?: number; sequence?: number; hidden?: number; heads?: number; intermediate?: number; layers?: number }): Uint8Array;
  moveNetDecoder(o?: { size?: number; keypoints?: number }): Uint8Array;
  deepLabSegmenter(o?: { size?: number; classes?: number; logits?: boolean }): Uint8Array;
};

export type ArchitectureName = 'yolo-detector' | 'ssd-detector' | 'bert-encoder' | 'movenet-decoder' | 'deeplab-segmenter';

/** Inputs are float32 images, int32 token ids (BERT) or int32 pixels (MoveNet). */
export type ArchitectureInput = Float32Array | Int32Array;

export interface Architecture {
  name: ArchitectureName;
  build(): Uint8Array;
  /** The deterministic inputs the tests and the benchmark feed, in the model's input order. */
  inputs(): ArchitectureInput[];
}

export const ARCHITECTURES = architectures.ARCHITECTURES;
export const architecture = architectures.architecture;
export const inputsOf = architectures.inputsOf;

/** YOLOv8n-like detector at 160x160: Focus slicing, SiLU, C2f (SPLIT_V), SPPF, nearest upsampling, boxes and 80 class scores [1, 525, 84]. */
export const yoloDetector = architectures.yoloDetector;
/** SSD MobileNetV1-like detector at 128x128 ending in TFLite_Detection_PostProcess (10 detections, 20 classes). */
export const ssdDetector = architectures.ssdDetector;
/** BERT-like encoder: int32 ids [1, 32], 2 layers, hidden 128; last hidden state [1, 32, 128] and pooled output [1, 128]. */
export const bertEncoder = architectures.bertEncoder;
/** MoveNet-like pose model at 192x192 (int32 pixels): heatmaps [1, 24, 24, 17], offsets, decoded keypoints [1, 1, 17, 3]. */
export const moveNetDecoder = architectures.moveNetDecoder;
/** DeepLabV3+-like segmenter at 128x128 with atrous convolutions as SPACE_TO_BATCH_ND/BATCH_TO_SPACE_ND; int32 labels [1, 128, 128] (and the logits with `logits: true`). */
export const deepLabSegmenter = architectures.deepLabSegmenter;
