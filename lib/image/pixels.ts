/** A decoded image: 8-bit RGB, row-major, no alpha (alpha is dropped, grey is repeated in R, G and B). */
export interface Pixels {
  width: number;
  height: number;
  rgb: Uint8Array;
}
