import { open, readFile } from 'node:fs/promises';
import { MAX_MODEL_BYTES } from '@provenant/protocol';
import { compileOnnx, type CompiledCircuit } from '../compiler/compile-onnx.js';
import { resolveQuantizationConfig, type QuantizationConfig } from '../compiler/quantization-config.js';

/** A bad command line: the command prints it with its usage and exits 2. */
export class ZkUsageError extends Error {}

/** Quantization configs are a handful of numbers; inputs are bounded by the circuit's input size. */
export const MAX_ZK_CONFIG_FILE_BYTES = 64 * 1024;
/** 784 floats as JSON text is ~15 KiB; 16 MiB leaves room for large inputs and KServe framing. */
export const MAX_ZK_INPUT_FILE_BYTES = 16 * 1024 * 1024;
/**
 * The ptau is processed in memory, and Node's readFile stops at 2 GiB (kIoMaxLength): that admits the
 * public ceremony's prepared files up to power 20 (~1.2 GB), i.e. circuits of up to ~1M constraints.
 */
export const MAX_PTAU_FILE_BYTES = 2 ** 31 - 1;

/** Checks the size before reading so a huge file is never buffered (STYLE rule 8). */
export async function readBoundedFile(file: string, maxBytes: number, what: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new ZkUsageError(`cannot open ${what} ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new ZkUsageError(`${what} is ${size} bytes, over the ${maxBytes}-byte limit`);
    return new Uint8Array(await readFile(handle));
  } finally {
    await handle.close();
  }
}

/** The model compiled with the config from --config (the same flags must be given to setup and prove). */
export async function compileModelFile(modelPath: string, configPath: string | undefined): Promise<CompiledCircuit> {
  const model = await readBoundedFile(modelPath, MAX_MODEL_BYTES, 'MODEL');
  let config: QuantizationConfig | undefined;
  if (configPath !== undefined) {
    const text = new TextDecoder().decode(await readBoundedFile(configPath, MAX_ZK_CONFIG_FILE_BYTES, '--config'));
    config = resolveQuantizationConfig(parseJson(text, '--config'));
  }
  return compileOnnx(model, config);
}

/**
 * The input tensor: a JSON array of numbers (nested arrays are flattened row-major), or a KServe v2
 * inference request with exactly one input (models/out/samples/*.json), whose `data` is taken.
 */
export async function readInputTensor(inputPath: string): Promise<Float32Array> {
  const json = parseJson(new TextDecoder().decode(await readBoundedFile(inputPath, MAX_ZK_INPUT_FILE_BYTES, '--input')), '--input');
  let data: unknown = json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const inputs = (json as { inputs?: unknown }).inputs;
    if (!Array.isArray(inputs) || inputs.length !== 1) throw new ZkUsageError('--input: a KServe request must have exactly one input');
    data = (inputs[0] as { data?: unknown }).data;
  }
  if (!Array.isArray(data)) throw new ZkUsageError('--input must be a JSON array of numbers or a KServe v2 request');
  const flat = (data as unknown[]).flat(8);
  if (!flat.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) {
    throw new ZkUsageError('--input holds a value that is not a finite number');
  }
  return Float32Array.from(flat);
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ZkUsageError(`${what} is not JSON`);
  }
}
