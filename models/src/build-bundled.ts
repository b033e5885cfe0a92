import { parseArgs } from 'node:util';
import { buildBundledModels, defaultOutDir } from './bundled/bundled-build.js';

/**
 * `node models/dist/build-bundled.js [--out DIR] [--force]`: trains the bundled models and writes
 * DIR/<name>.onnx, DIR/samples/<name>.json and DIR/manifest.json (DIR defaults to models/out).
 * Skips training when the outputs were made by the same generator. Run by `npm run build:models`.
 */
function main(): void {
  let values: { out?: string; force?: boolean };
  try {
    ({ values } = parseArgs({ options: { out: { type: 'string' }, force: { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (error) {
    process.stderr.write(`build-bundled: ${(error as Error).message}\nusage: build-bundled [--out DIR] [--force]\n`);
    process.exitCode = 2;
    return;
  }
  buildBundledModels({
    outDir: values.out ?? defaultOutDir(),
    force: values.force === true,
    log: (line) => process.stdout.write(`build-bundled: ${line}\n`),
  });
}

main();
