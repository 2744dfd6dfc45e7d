import { ByteBuffer } from 'flatbuffers';
import { ModelFormatError } from '../errors';

/**
 * Bounds-checked access to flatbuffer tables, vectors and strings. Every
 * offset is checked against the buffer before it is followed, so a hostile
 * file gives a ModelFormatError naming the field, never a RangeError, a read
 * past the end, or an allocation sized by an unchecked length.
 */
export class FlatReader {
  readonly bb: ByteBuffer;
  readonly size: number;

  constructor(readonly bytes: Uint8Array) {
    this.bb = new ByteBuffer(bytes);
    this.size = bytes.length;
  }

  fail(where: string, problem: string): never {
    throw new ModelFormatError(where, problem);
  }

  check(pos: number, length: number, where: string, what: string): void {
    if (!(pos >= 0 && length >= 0 && pos + length <= this.size)) {
      this.fail(where, `${what} at byte ${pos} (${length} bytes) runs past the end of the file (${this.size} bytes)`);
    }
  }

  u8(pos: number, where: string): number {
    this.check(pos, 1, where, 'value');
    return this.bb.readUint8(pos);
  }

  u32(pos: number, where: string): number {
    this.check(pos, 4, where, 'value');
    return this.bb.readUint32(pos);
  }

  /** The table an offset at `pos` points to. */
  followOffset(pos: number, where: string): number {
    const target = pos + this.u32(pos, where);
    this.check(target, 4, where, 'referenced object');
    return target;
  }

  rootTable(): Table {
    if (this.size < 8) this.fail('file', `too small to be a TFLite model (${this.size} bytes)`);
    return this.table(this.followOffset(0, 'Model'), 'Model');
  }

  table(pos: number, where: string): Table {
    this.check(pos, 4, where, 'table');
    const vtable = pos - this.bb.readInt32(pos);
    this.check(vtable, 4, where, 'vtable');
    const vtableSize = this.bb.readUint16(vtable);
    const inlineSize = this.bb.readUint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) this.fail(where, `vtable size ${vtableSize} is invalid`);
    this.check(vtable, vtableSize, where, 'vtable');
    this.check(pos, inlineSize, where, 'table');
    return new Table(this, pos, vtable, vtableSize, inlineSize, where);
  }
}

type ScalarKind = 'u8' | 'i8' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'i64' | 'u64' | 'bool';
const SCALAR_BYTES: Record<ScalarKind, number> = { u8: 1, i8: 1, bool: 1, i16: 2, u16: 2, i32: 4, u32: 4, f32: 4, i64: 8, u64: 8 };

export class Table {
  constructor(
    readonly r: FlatReader,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableSize: number,
    private readonly inlineSize: number,
    readonly where: string,
  ) {}

  /** Position of field `slot` inside the table, or 0 if absent. */
  private field(slot: number, bytes: number, name: string): number {
    const entry = 4 + 2 * slot;
    if (entry + 2 > this.vtableSize) return 0;
    const offset = this.r.bb.readUint16(this.vtable + entry);
    if (offset === 0) return 0;
    if (offset + bytes > this.inlineSize) this.r.fail(`${this.where}.${name}`, `field lies outside its table`);
    return this.pos + offset;
  }

  has(slot: number): boolean {
    const entry = 4 + 2 * slot;
    return entry + 2 <= this.vtableSize && this.r.bb.readUint16(this.vtable + entry) !== 0;
  }

  scalar(slot: number, kind: ScalarKind, name: string, fallback = 0): number {
    const p = this.field(slot, SCALAR_BYTES[kind], name);
    if (p === 0) return fallback;
    const bb = this.r.bb;
    switch (kind) {
      case 'u8': return bb.readUint8(p);
      case 'i8': return bb.readInt8(p);
      case 'bool': return bb.readUint8(p) ? 1 : 0;
      case 'i16': return bb.readInt16(p);
      case 'u16': return bb.readUint16(p);
      case 'i32': return bb.readInt32(p);
      case 'u32': return bb.readUint32(p);
      case 'f32': return bb.readFloat32(p);
      case 'i64': return Number(bb.readInt64(p));
      case 'u64': return Number(bb.readUint64(p));
    }
    return fallback;
  }

  bool(slot: number, name: string, fallback = false): boolean {
    return this.scalar(slot, 'bool', name, fallback ? 1 : 0) !== 0;
  }

  /** Position of the object an offset field points to, or 0 if absent. */
  private target(slot: number, name: string): number {
    const p = this.field(slot, 4, name);
    return p === 0 ? 0 : this.r.followOffset(p, `${this.where}.${name}`);
  }

  subtable(slot: number, name: string): Table | undefined {
    const t = this.target(slot, name);
    return t === 0 ? undefined : this.r.table(t, `${this.where}.${name}`);
  }

  /** Start and length of a vector whose elements are `elementBytes` wide. */
  private vector(slot: number, elementBytes: number, name: string): { start: number; length: number } | undefined {
    const v = this.target(slot, name);
    if (v === 0) return undefined;
    const length = this.r.bb.readUint32(v);
    this.r.check(v + 4, length * elementBytes, `${this.where}.${name}`, `vector of ${length} elements`);
    return { start: v + 4, length };
  }

  string(slot: number, name: string): string | undefined {
    const v = this.vector(slot, 1, name);
    if (!v) return undefined;
    return Buffer.from(this.r.bytes.buffer, this.r.bytes.byteOffset + v.start, v.length).toString('utf8');
  }

  /** A vector of bytes as a view into the file (not a copy). */
  bytes(slot: number, name: string): Uint8Array | undefined {
    const v = this.vector(slot, 1, name);
    if (!v) return undefined;
    return this.r.bytes.subarray(v.start, v.start + v.length);
  }

  scalars(slot: number, kind: ScalarKind, name: string): number[] | undefined {
    const size = SCALAR_BYTES[kind];
    const v = this.vector(slot, size, name);
    if (!v) return undefined;
    const out = new Array<number>(v.length);
    const bb = this.r.bb;
    for (let i = 0; i < v.length; i++) {
      const p = v.start + i * size;
      switch (kind) {
        case 'i32': out[i] = bb.readInt32(p); break;
        case 'u32': out[i] = bb.readUint32(p); break;
        case 'f32': out[i] = bb.readFloat32(p); break;
        case 'i64': out[i] = Number(bb.readInt64(p)); break;
        case 'u16': out[i] = bb.readUint16(p); break;
        case 'u8': out[i] = bb.readUint8(p); break;
        default: out[i] = bb.readInt8(p);
      }
    }
    return out;
  }

  /** Number of elements of a vector of tables (checked against the file), 0 if absent. */
  tableCount(slot: number, name: string): number {
    const v = this.vector(slot, 4, name);
    return v ? v.length : 0;
  }

  tables(slot: number, name: string): Table[] {
    const v = this.vector(slot, 4, name);
    if (!v) return [];
    const out = new Array<Table>(v.length);
    for (let i = 0; i < v.length; i++) {
      const where = `${this.where}.${name}[${i}]`;
      out[i] = this.r.table(this.r.followOffset(v.start + 4 * i, where), where);
    }
    return out;
  }
}
