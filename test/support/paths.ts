import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Tests run from test/dist/<area>/; everything they read is addressed from the repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const VECTORS_DIR = path.join(REPO_ROOT, 'test', 'vectors');

export function vectorPath(...parts: string[]): string {
  return path.join(VECTORS_DIR, ...parts);
}
