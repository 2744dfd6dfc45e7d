// A model that a CRC cannot tell apart from another: same length, same
// CRC-32C (under every seed), different weights. CRC is affine over GF(2)
// in the message bits, so after any edit a few free bits can be solved for
// to restore the original checksum. Used to show that the weight cache names
// models by a cryptographic digest, which no such edit can match.
import { readModel } from '../../lib/model/reader';

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli) of `bytes`, starting from `seed` as the old cache digest did. */
export function crc32c(bytes: Uint8Array, seed = 0): number {
  let crc = ~seed >>> 0;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}

/**
 * The twin of a model with FP16 weights: every value of its largest FP16
 * buffer negated, then the lowest mantissa bits of a few of those values
 * chosen (Gaussian elimination over GF(2)) so that the CRC-32C is the
 * original's again.
 */
export function crcTwin(original: Uint8Array): Uint8Array {
  const sg = readModel(original).subgraphs[0];
  const fp16 = sg.tensors.filter((t) => t.dtype === 'float16' && t.data).sort((a, b) => b.data!.length - a.data!.length)[0];
  if (!fp16) throw new Error('the model has no FP16 weights');
  const start = fp16.data!.byteOffset - original.byteOffset;
  const twin = Uint8Array.from(original);
  for (let i = 1; i < fp16.data!.length; i += 2) twin[start + i] ^= 0x80;  // sign bit of each little-endian FP16 value

  // Free bits: bit 0 of the low byte of the first 64 values. Column k is the CRC change flipping bit k makes.
  const freeBits = Array.from({ length: 64 }, (_, k) => start + 2 * k);
  const base = crc32c(twin);
  const columns = freeBits.map((offset) => {
    twin[offset] ^= 1;
    const changed = crc32c(twin) ^ base;
    twin[offset] ^= 1;
    return changed >>> 0;
  });
  const target = (crc32c(original) ^ base) >>> 0;

  // Solve sum(x_k * columns[k]) = target over GF(2): rows are the 32 CRC bits.
  const rows = Array.from({ length: 32 }, (_, bit) => ({
    coefficients: columns.map((c) => (c >>> bit) & 1),
    value: (target >>> bit) & 1,
  }));
  const pivotOf: number[] = [];
  let rank = 0;
  for (let col = 0; col < freeBits.length && rank < 32; col++) {
    const pivot = rows.findIndex((r, i) => i >= rank && r.coefficients[col] === 1);
    if (pivot < 0) continue;
    [rows[rank], rows[pivot]] = [rows[pivot], rows[rank]];
    for (let i = 0; i < 32; i++) {
      if (i !== rank && rows[i].coefficients[col] === 1) {
        rows[i].coefficients = rows[i].coefficients.map((v, k) => v ^ rows[rank].coefficients[k]);
        rows[i].value ^= rows[rank].value;
      }
    }
    pivotOf[rank++] = col;
  }
  if (rows.slice(rank).some((r) => r.value === 1)) throw new Error('no solution with these free bits');
  for (let r = 0; r < rank; r++) if (rows[r].value) twin[freeBits[pivotOf[r]]] ^= 1;
  if (crc32c(twin) !== crc32c(original)) throw new Error('the twin does not have the original CRC');
  return twin;
}
