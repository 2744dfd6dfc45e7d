/**
 * The options of the custom operator TFLite_Detection_PostProcess: a
 * flexbuffer map in the operator's custom_options. Bytes that are no
 * flexbuffer map make the model malformed (ModelFormatError); a missing or
 * ill-typed field is a reason the operator cannot run. TFLite reads a
 * missing field as 0; only detections_per_class (100) and use_regular_nms
 * (false) have defaults there, so only those may be omitted here.
 */
import { toReference } from 'flatbuffers/js/flexbuffers.js';
import type { Reference } from 'flatbuffers/js/flexbuffers/reference.js';
import { ModelFormatError } from '../../errors';
import type { Node } from '../node';

export interface DetectionPostprocessOptions {
  maxDetections: number;
  maxClassesPerDetection: number;
  detectionsPerClass: number;
  useRegularNms: boolean;
  scoreThreshold: number;
  iouThreshold: number;
  numClasses: number;
  yScale: number;
  xScale: number;
  hScale: number;
  wScale: number;
}

const DEFAULT_DETECTIONS_PER_CLASS = 100;

type Field = { value: number | boolean } | { reason: string };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** The options, or why they cannot be used; throws ModelFormatError for bytes that are no flexbuffer map. */
export function detectionPostprocessOptions(node: Node): DetectionPostprocessOptions | string {
  const bytes = node.def.customOptions;
  if (!bytes || bytes.length === 0) return 'custom options (got none, expected a flexbuffer map of max_detections, num_classes, ...)';
  try {
    return parse(Uint8Array.prototype.slice.call(bytes).buffer);
  } catch (err) {
    // The package's reader cannot follow 8-byte offsets (it mixes BigInt and number); TFLite's converter writes 32-bit floats and ints.
    if (err instanceof TypeError && /BigInt/.test(err.message)) return 'custom options (got a flexbuffer map of 64-bit wide values, expected values of at most 32 bits)';
    throw new ModelFormatError(`${node.label}.custom_options`, `not a valid flexbuffer map (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

function parse(buffer: ArrayBuffer): DetectionPostprocessOptions | string {
  const root = toReference(buffer);
  if (!root.isMap()) throw new Error('the root value is not a map');
  // The reader's binary search over the keys never ends for a length of 2^31 or more (its midpoint overflows).
  // Each entry takes at least one byte, so a longer map than the buffer is malformed whatever the reader does with it.
  const length = root.length();
  if (!(length <= buffer.byteLength)) throw new Error(`the map has ${length} entries, more than its ${buffer.byteLength} bytes can hold`);
  const read = (key: string, kind: 'integer' | 'number' | 'bool', fallback?: number | boolean): Field => {
    let ref: Reference;
    try {
      // The typings name only vector indices; get takes map keys as well.
      ref = root.get(key as unknown as number);
    } catch (err) {
      // The reader throws a string for a key the map does not hold, an Error for bytes out of place.
      if (typeof err !== 'string') throw err;
      return fallback !== undefined ? { value: fallback } : { reason: `custom option ${key} (got none, expected ${kind === 'integer' ? 'an integer' : kind === 'bool' ? 'a bool' : 'a number'})` };
    }
    return convert(ref, key, kind);
  };

  const fields = {
    maxDetections: read('max_detections', 'integer'),
    maxClassesPerDetection: read('max_classes_per_detection', 'integer'),
    detectionsPerClass: read('detections_per_class', 'integer', DEFAULT_DETECTIONS_PER_CLASS),
    useRegularNms: read('use_regular_nms', 'bool', false),
    scoreThreshold: read('nms_score_threshold', 'number'),
    iouThreshold: read('nms_iou_threshold', 'number'),
    numClasses: read('num_classes', 'integer'),
    yScale: read('y_scale', 'number'),
    xScale: read('x_scale', 'number'),
    hScale: read('h_scale', 'number'),
    wScale: read('w_scale', 'number'),
  };
  const values: Record<string, number | boolean> = {};
  for (const [name, field] of Object.entries(fields)) {
    if ('reason' in field) return field.reason;
    values[name] = field.value;
  }
  return values as unknown as DetectionPostprocessOptions;
}

/** A field's value as TFLite reads it: ints as int32, numbers as float32, bools (or ints, nonzero) as bool. */
function convert(ref: Reference, key: string, kind: 'integer' | 'number' | 'bool'): Field {
  const describe = () => (ref.isBool() ? 'a bool' : ref.isFloat() ? 'a float' : ref.isInt() ? 'an integer' : ref.isString() ? 'a string'
    : ref.isNull() ? 'null' : ref.isMap() ? 'a map' : ref.isVector() ? 'a vector' : 'a blob');
  if (kind === 'bool') {
    if (ref.isBool()) return { value: ref.boolValue() === true };
    if (ref.isInt()) return { value: Number(ref.intValue()) !== 0 };
    return { reason: `custom option ${key} (got ${describe()}, expected a bool)` };
  }
  if (kind === 'integer') {
    if (!ref.isInt()) return { reason: `custom option ${key} (got ${describe()}, expected an integer)` };
    const v = Number(ref.intValue());
    return v >= INT32_MIN && v <= INT32_MAX ? { value: v } : { reason: `custom option ${key} (got ${v}, expected a 32-bit integer)` };
  }
  if (ref.isFloat()) return { value: Math.fround(ref.floatValue()!) };
  if (ref.isInt()) return { value: Math.fround(Number(ref.intValue())) };
  return { reason: `custom option ${key} (got ${describe()}, expected a number)` };
}
