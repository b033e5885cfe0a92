/** A classification data set as flat float32 features, one row per sample. */
export interface LabelledSet {
  readonly features: Float32Array;
  readonly labels: Uint8Array;
  readonly count: number;
  /** Features per sample. */
  readonly width: number;
}

export function selectRows(set: LabelledSet, indices: ArrayLike<number>): LabelledSet {
  const features = new Float32Array(indices.length * set.width);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const row = indices[i]!;
    features.set(set.features.subarray(row * set.width, (row + 1) * set.width), i * set.width);
    labels[i] = set.labels[row]!;
  }
  return { features, labels, count: indices.length, width: set.width };
}
