/**
 * TensorBoard's debiased exponential moving average, the same algorithm as the server's
 * dev.cairn.core.tracking.media.Smoothing. Only applied on the client to a series the server sent
 * in full (not downsampled): then the result is exactly what the server would compute.
 */
export function debiasedEma(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  const out: (number | null)[] = new Array(values.length);
  let constant = true;
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== values[0]) {
      constant = false;
      break;
    }
  }
  let last = 0;
  let accumulated = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (constant || weight === 0 || v === null || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    accumulated++;
    out[i] = last / (1 - Math.pow(weight, accumulated));
  }
  return out;
}
