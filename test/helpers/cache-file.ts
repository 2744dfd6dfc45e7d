// Reads a weight-cache file's header (native/weight_cache.cc: 128 bytes,
// little-endian) and checks its four CRC-32Cs with this JavaScript
// implementation, independently of the native one that wrote them.
import fs from 'node:fs';
import { crc32c } from './crc-twin';

export interface CacheChecksums {
  dataBytes: number;
  /** Each region's stored CRC and the CRC computed here. */
  regions: { name: string; stored: number; computed: number }[];
}

export function cacheChecksums(file: string): CacheChecksums {
  const bytes = new Uint8Array(fs.readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const u64 = (at: number) => Number(view.getBigUint64(at, true));
  const region = (offset: number, size: number) => bytes.subarray(offset, offset + size);
  const header = bytes.slice(0, 128);
  new DataView(header.buffer).setUint32(116, 0, true);
  return {
    dataBytes: u64(56),
    regions: [
      { name: 'data', stored: view.getUint32(104, true), computed: crc32c(region(u64(48), u64(56))) },
      { name: 'index', stored: view.getUint32(108, true), computed: crc32c(region(u64(64), u64(72) * 32)) },
      { name: 'metadata', stored: view.getUint32(112, true), computed: crc32c(region(u64(80), u64(88))) },
      { name: 'header', stored: view.getUint32(116, true), computed: crc32c(header) },
    ],
  };
}
