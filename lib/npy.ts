/**
 * NumPy `.npy` files (format 1.0 to 3.0), so that users can hand inputs to
 * `xnnlite run` and read its outputs with `numpy.load`.
 */

export type NpyArray = Float32Array | Float64Array | Int32Array | BigInt64Array | Int8Array | Uint8Array | Int16Array | Uint16Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

const DTYPES: Record<string, { ctor: new (buffer: ArrayBuffer) => NpyArray; bytes: number }> = {
  '<f4': { ctor: Float32Array, bytes: 4 },
  '<f8': { ctor: Float64Array, bytes: 8 },
  '<i4': { ctor: Int32Array, bytes: 4 },
  '<i8': { ctor: BigInt64Array, bytes: 8 },
  '<i2': { ctor: Int16Array, bytes: 2 },
  '<u2': { ctor: Uint16Array, bytes: 2 },
  '|i1': { ctor: Int8Array, bytes: 1 },
  '|u1': { ctor: Uint8Array, bytes: 1 },
  '|b1': { ctor: Uint8Array, bytes: 1 },
};

function descrOf(data: NpyArray): string {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof BigInt64Array) return '<i8';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int8Array) return '|i1';
  return '|u1';
}

/** The values of `data` as float32 (int64 through Number). */
export function npyFloats(data: NpyArray): Float32Array {
  if (data instanceof Float32Array) return data;
  return data instanceof BigInt64Array ? Float32Array.from(data, Number) : Float32Array.from(data);
}

export class NpyError extends Error {
  readonly code = 'ERR_XNNLITE_NPY';
}

/** Parses a `.npy` file. Only C-order arrays of the dtypes above. */
export function readNpy(bytes: Uint8Array, name = 'array'): { shape: number[]; data: NpyArray } {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw new NpyError(`${name}: not a .npy file (no \\x93NUMPY magic)`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw new NpyError(`${name}: header runs past the end of the file`);
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + start, headerLength).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw new NpyError(`${name}: malformed header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw new NpyError(`${name}: Fortran-order arrays are not supported; save with numpy.ascontiguousarray`);
  const dtype = DTYPES[descr];
  if (!dtype) throw new NpyError(`${name}: dtype ${descr} is not supported (use float32, '<f4')`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`${name}: bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = start + headerLength;
  if (offset + count * dtype.bytes > bytes.length) throw new NpyError(`${name}: ${count} values of ${descr} need ${count * dtype.bytes} bytes, the file has ${bytes.length - offset}`);
  // Uint8Array's slice copies (a Buffer's slice would be a view into a shared pool).
  const copy = Uint8Array.prototype.slice.call(bytes, offset, offset + count * dtype.bytes);
  return { shape, data: new dtype.ctor(copy.buffer) };
}

/** Serializes an array as a version 1.0 `.npy` file. */
export function writeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descrOf(data)}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
