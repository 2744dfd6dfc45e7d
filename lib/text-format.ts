/** Plain-text formatting of figures and tables, and a progress line: what the CLI and the text reports print. */

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export function ms(n: number): string {
  return n < 10 ? `${n.toFixed(3)} ms` : `${n.toFixed(1)} ms`;
}

/** Left-aligned columns separated by two spaces. */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}

export function shape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

/** A progress line on a terminal, rewritten in place; nothing when output is piped. */
export class Progress {
  private readonly active: boolean;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.active = Boolean(stream.isTTY) && !process.env.CI;
  }

  update(label: string, done: number, total: number): void {
    if (!this.active) return;
    const now = Date.now();
    if (done !== total && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const width = 24;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    this.stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
  }

  done(): void {
    if (this.active) this.stream.write('\r\x1b[K');
  }
}
