// What a shared library asks of the system it loads on, read from its ELF
// headers (32- and 64-bit, little-endian): the libraries it needs (DT_NEEDED)
// and the symbol versions it needs from each (.gnu.version_r), which decide
// the oldest glibc it loads on.
import fs from 'node:fs';

export interface DynamicNeeds {
  /** DT_NEEDED entries, e.g. libc.so.6. */
  libraries: string[];
  /** Library → versions required from it, e.g. libc.so.6 → [GLIBC_2.2.5, GLIBC_2.17]. */
  versions: Map<string, string[]>;
}

const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const DT_NEEDED = 1;

export function dynamicNeeds(file: string): DynamicNeeds {
  const b = fs.readFileSync(file);
  if (b.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${file} is not an ELF file`);
  if (b[5] !== 1) throw new Error(`${file} is not little-endian`);
  const is64 = b[4] === 2;
  const word = (off: number) => (is64 ? Number(b.readBigUInt64LE(off)) : b.readUInt32LE(off));
  const shoff = word(is64 ? 0x28 : 0x20);
  const shentsize = b.readUInt16LE(is64 ? 0x3a : 0x2e);
  const shnum = b.readUInt16LE(is64 ? 0x3c : 0x30);
  const sections = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return {
      type: b.readUInt32LE(at + 4),
      offset: word(at + (is64 ? 0x18 : 0x10)),
      size: word(at + (is64 ? 0x20 : 0x14)),
      link: b.readUInt32LE(at + (is64 ? 0x28 : 0x18)),
      info: b.readUInt32LE(at + (is64 ? 0x2c : 0x1c)),
    };
  });
  const string = (table: number, at: number) => {
    const start = sections[table].offset + at;
    return b.toString('latin1', start, b.indexOf(0, start));
  };

  const libraries: string[] = [];
  const versions = new Map<string, string[]>();
  for (const s of sections) {
    if (s.type === SHT_DYNAMIC) {
      const entry = is64 ? 16 : 8;
      for (let at = s.offset; at + entry <= s.offset + s.size; at += entry) {
        const tag = word(at);
        if (tag === 0) break;
        if (tag === DT_NEEDED) libraries.push(string(s.link, word(at + entry / 2)));
      }
    } else if (s.type === SHT_GNU_VERNEED) {
      // Elf_Verneed { vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32 }, the same in ELF32 and ELF64;
      // each followed (at vn_aux) by vn_cnt Elf_Vernaux { hash u32, flags u16, other u16, name u32, next u32 }.
      let need = s.offset;
      for (let n = 0; n < s.info; n++) {
        const library = string(s.link, b.readUInt32LE(need + 4));
        const names: string[] = [];
        let aux = need + b.readUInt32LE(need + 8);
        for (let k = 0; k < b.readUInt16LE(need + 2); k++) {
          names.push(string(s.link, b.readUInt32LE(aux + 8)));
          aux += b.readUInt32LE(aux + 12);
        }
        versions.set(library, names);
        const next = b.readUInt32LE(need + 12);
        if (next === 0) break;
        need += next;
      }
    }
  }
  return { libraries, versions };
}

/** The newest GLIBC_x.y[.z] version in `names`, as numbers, or undefined. */
export function newestGlibc(names: string[]): number[] | undefined {
  const parsed = names.filter((v) => /^GLIBC_\d+(\.\d+)*$/.test(v)).map((v) => v.slice(6).split('.').map(Number));
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
    return 0;
  };
  return parsed.sort(compare).pop();
}
