import t from 'tap';
import { resizeBilinear } from '../helpers/options';
import { expectOpParity, f32, i32 } from '../helpers/op-model';

t.test('RESIZE_BILINEAR', async (t) => {
  const cases = [
    { name: 'legacy (neither flag), upsample x2', options: resizeBilinear(), input: [1, 4, 5, 3], size: [8, 10] },
    { name: 'half_pixel_centers, upsample', options: resizeBilinear({ halfPixelCenters: true }), input: [1, 4, 4, 2], size: [9, 7] },
    { name: 'align_corners, upsample', options: resizeBilinear({ alignCorners: true }), input: [1, 3, 5, 2], size: [7, 9] },
    { name: 'legacy, downsample', options: resizeBilinear(), input: [2, 9, 9, 2], size: [4, 5] },
  ];
  for (const c of cases) {
    await t.test(c.name, (t) => expectOpParity(t, {
      op: 'RESIZE_BILINEAR', inputs: [f32(c.input), i32(c.size)], outputs: [f32([c.input[0], c.size[0], c.size[1], c.input[3]])], options: c.options,
    }));
  }
});
