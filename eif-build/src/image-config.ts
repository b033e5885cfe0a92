import { createError } from '@provenant/protocol';
import { MAX_IMAGE_CONFIG_BYTES } from './limits.js';
import type { ImageRunConfig } from './rootfs-ramdisk.js';

function bad(detail: string): never {
  throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', detail);
}

function stringList(value: unknown, field: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) bad(`${field} is not a list of strings`);
  return value as string[];
}

/**
 * Reads CMD/ENTRYPOINT/ENV from `docker inspect IMAGE` output (an array of one object with "Config") or
 * from an OCI image config ("config"). Like nitro-cli (enclave_build docker.rs `extract_image`), CMD wins
 * and ENTRYPOINT is used only when there is no CMD; they are never concatenated.
 */
export function parseImageInspect(text: string): ImageRunConfig {
  if (text.length > MAX_IMAGE_CONFIG_BYTES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `image config over ${MAX_IMAGE_CONFIG_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    bad('image config is not JSON');
  }
  if (Array.isArray(value)) {
    if (value.length !== 1) bad(`docker inspect output has ${value.length} images, expected 1`);
    value = value[0];
  }
  if (typeof value !== 'object' || value === null) bad('image config is not an object');
  const root = value as Record<string, unknown>;
  const config = root.Config ?? root.config;
  if (typeof config !== 'object' || config === null) bad('image config has no Config object');
  const fields = config as Record<string, unknown>;
  const cmd = stringList(fields.Cmd, 'Config.Cmd');
  const entrypoint = stringList(fields.Entrypoint, 'Config.Entrypoint');
  const env = stringList(fields.Env, 'Config.Env') ?? [];
  const argv = cmd ?? entrypoint;
  if (argv === undefined) bad('the image has neither CMD nor ENTRYPOINT');
  return { cmd: argv, env };
}
