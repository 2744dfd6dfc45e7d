import fs from 'node:fs';
import { invalid } from './args';
import { native, type NativeMappedFile } from './native';

/** A model file path, or its bytes. */
export type ModelSource = string | Uint8Array;

export interface LoadedBytes {
  bytes: Uint8Array;
  /** The native memory behind `bytes`; close it once the model is disposed. */
  mapping: NativeMappedFile;
  /** The file's path, for models loaded from one. */
  path?: string;
}

/**
 * A path is memory-mapped (shared with other processes, not copied); bytes
 * are copied into native memory. Either way the bytes live in native memory
 * that XNNPACK and the digest can hold on to, whatever JS does with its views.
 */
export async function loadBytes(source: ModelSource): Promise<LoadedBytes> {
  if (typeof source === 'string') {
    const handle = await fs.promises.open(source, 'r');
    try {
      const mapping = new (native().MappedFile)(handle.fd);
      return { bytes: new Uint8Array(mapping.buffer), mapping, path: source };
    } finally {
      await handle.close();
    }
  }
  if (source instanceof Uint8Array) {
    const mapping = native().MappedFile.copyOf(source);
    return { bytes: new Uint8Array(mapping.buffer), mapping };
  }
  throw invalid('a file path, Buffer or Uint8Array', 'source', source);
}
