import fs from 'node:fs';
import { invalid } from './args';
import { native, type NativeMappedFile } from './native';

/** A model file path, or its bytes. */
export type ModelSource = string | Uint8Array;

export interface LoadedBytes {
  bytes: Uint8Array;
  /** Set when the bytes are a mapping of the file; close it once nothing points into it. */
  mapping?: NativeMappedFile;
}

/** A path is memory-mapped (shared, read-only, not copied); bytes are copied, since XNNPACK keeps pointers to weights. */
export async function loadBytes(source: ModelSource): Promise<LoadedBytes> {
  if (typeof source === 'string') {
    const handle = await fs.promises.open(source, 'r');
    try {
      const { size } = await handle.stat();
      const mapping = new (native().MappedFile)(handle.fd, size);
      return { bytes: new Uint8Array(mapping.buffer), mapping };
    } finally {
      await handle.close();
    }
  }
  if (source instanceof Uint8Array) return { bytes: new Uint8Array(source) };
  throw invalid('a file path, Buffer or Uint8Array', 'source', source);
}
