// Image decoding and preprocessing for calibration sets (lib/image).
import t from 'tap';
import { decodeImage } from '../lib/image/decode';
import { guessLayout, imageToTensor } from '../lib/image/to-tensor';
import { encodeJpeg, encodePng, encodePnm, testPicture } from './helpers/images';

t.test('PNG: every filter type, grey, RGB and RGBA', async (t) => {
  const [w, h] = [23, 17];
  const rgb = testPicture(w, h, 3);
  t.same(decodeImage(encodePng(w, h, 3, rgb), 'a.png'), { width: w, height: h, rgb });
  const rgba = new Uint8Array(w * h * 4).map((_, i) => (i % 4 === 3 ? 200 : rgb[Math.floor(i / 4) * 3 + (i % 4)]));
  t.same(decodeImage(encodePng(w, h, 4, rgba), 'a.png').rgb, rgb, 'alpha dropped');
  const grey = rgb.filter((_, i) => i % 3 === 0);
  t.same(decodeImage(encodePng(w, h, 1, grey), 'g.png').rgb, new Uint8Array(w * h * 3).map((_, i) => grey[Math.floor(i / 3)]), 'grey repeated');
});

t.test('PPM/PGM and JPEG', async (t) => {
  const [w, h] = [16, 12];
  const rgb = testPicture(w, h, 2);
  t.same(decodeImage(encodePnm(w, h, 3, rgb), 'a.ppm').rgb, rgb);
  t.same(decodeImage(encodePnm(w, h, 1, rgb.subarray(0, w * h)), 'a.pgm').width, w);
  const back = decodeImage(encodeJpeg(w, h, rgb), 'a.jpg');
  const meanDiff = back.rgb.reduce((s, v, i) => s + Math.abs(v - rgb[i]), 0) / rgb.length;
  t.ok(back.width === w && back.height === h && meanDiff < 6, `JPEG round trip (mean difference ${meanDiff.toFixed(2)} of 255)`);
});

t.test('damaged and unknown files get errors naming the file', async (t) => {
  const png = encodePng(8, 8, 3, testPicture(8, 8, 1));
  t.throws(() => decodeImage(new Uint8Array(20), 'x.bin'), /x\.bin: not a PNG, JPEG or binary PPM\/PGM image/);
  t.throws(() => decodeImage(png.subarray(0, 40), 'cut.png'), /cut\.png: not a PNG this reader can decode/);
  const flipped = Buffer.from(png);
  flipped[45] ^= 0xff;
  t.throws(() => decodeImage(flipped, 'bad.png'), /bad\.png/);
  t.throws(() => decodeImage(Buffer.from('P6\n4 4\n65535\n'), 'deep.ppm'), /only 8-bit/);
  t.throws(() => decodeImage(Buffer.from('P6\n400 400\n255\n'), 'short.ppm'), /do not fit/);
  t.throws(() => decodeImage(Buffer.from([0xff, 0xd8, 0xff, 0, 1, 2]), 'bad.jpg'), /bad\.jpg: JPEG does not decode/);
  for (let cut = 8; cut < png.length; cut += 7) {
    try { decodeImage(png.subarray(0, cut), 'cut.png'); } catch (e) { t.match((e as Error).message, /cut\.png/); }
  }
});

t.test('to a model input: resize, mean/std, layout', async (t) => {
  const image = { width: 2, height: 2, rgb: Uint8Array.of(0, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255) };
  const same = imageToTensor(image, [1, 2, 2, 3], { mean: [127.5], std: [127.5], layout: 'nhwc' });
  t.same(Array.from(same), [-1, -1, -1, 1, 1, 1, -1, -1, -1, 1, 1, 1]);
  const nchw = imageToTensor(image, [1, 3, 2, 2], { mean: [0, 0, 255], std: [255], layout: 'nchw' });
  t.same(Array.from(nchw), [0, 1, 0, 1, 0, 1, 0, 1, -1, 0, -1, 0], 'planes, per-channel mean');
  const wide = imageToTensor(image, [1, 1, 4, 1], { mean: [0], std: [255], layout: 'nhwc' });
  t.same(Array.from(wide, (v) => +v.toFixed(4)), [0, 0.25, 0.75, 1], 'bilinear, half-pixel centres, grey from RGB');
  t.equal(guessLayout([1, 3, 224, 224]), 'nchw');
  t.equal(guessLayout([1, 224, 224, 3]), 'nhwc');
  t.throws(() => imageToTensor(image, [1, 10], { mean: [0], std: [1], layout: 'nhwc' }), /image input has shape \[1, H, W, C\]/);
});
