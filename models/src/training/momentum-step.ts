type Params = readonly (Float32Array | Float64Array)[];

/**
 * One minibatch update of SGD with momentum, shared by every trainer: v = momentum * v - scale * g, then
 * p = p + v. Written out element by element in a fixed order so the weights (and so the model bytes) are
 * the same on every run.
 */
export function momentumStep(params: Params, grads: readonly Float64Array[], velocity: readonly Float64Array[], momentum: number, scale: number): void {
  params.forEach((p, index) => {
    const g = grads[index]!;
    const v = velocity[index]!;
    for (let i = 0; i < p.length; i++) {
      v[i] = momentum * v[i]! - scale * g[i]!;
      p[i] = p[i]! + v[i]!;
    }
  });
}
