/**
 * How two operands broadcast into an output, as the reference kernels read
 * it (native/reference/kernels/broadcast.h): the output shape and each
 * operand's strides (0 along dimensions it is broadcast in), with unit
 * dimensions dropped and neighbouring dimensions merged wherever every
 * operand stays contiguous across them, so the kernels' inner loops are long.
 */

/** The kernel parameters: rank R, output shape[R], then R strides per operand. */
export function broadcastLayout(out: readonly number[], operands: readonly (readonly number[])[]): number[] {
  const rank = out.length;
  const strides = operands.map((shape) => {
    const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
    const s = new Array<number>(rank).fill(0);
    let step = 1;
    for (let d = rank - 1; d >= 0; d--) {
      s[d] = padded[d] === 1 ? 0 : step;
      step *= padded[d];
    }
    return s;
  });
  // Innermost first: [size, stride per operand].
  const dims: { size: number; strides: number[] }[] = [];
  for (let d = rank - 1; d >= 0; d--) {
    if (out[d] === 1) continue;
    const here = strides.map((s) => s[d]);
    const inner = dims[dims.length - 1];
    if (inner && here.every((s, k) => s === inner.strides[k] * inner.size)) inner.size *= out[d];
    else dims.push({ size: out[d], strides: here });
  }
  if (dims.length === 0) dims.push({ size: 1, strides: operands.map(() => 0) });
  dims.reverse();
  return [dims.length, ...dims.map((d) => d.size), ...operands.flatMap((_, k) => dims.map((d) => d.strides[k]))];
}
