import { Activation } from '../model/schema';

/** The real output range of each fused activation the checks accept (TFLite's CalculateActivationRange); NONE for any other. */
export function activationBounds(code: number): [number, number] {
  switch (code) {
    case Activation.RELU: return [0, Infinity];
    case Activation.RELU_N1_TO_1: return [-1, 1];
    case Activation.RELU6: return [0, 6];
    default: return [-Infinity, Infinity];
  }
}
