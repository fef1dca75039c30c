/**
 * Paths of files shipped with the package (rules/, schemas/, templates/) and its version,
 * resolved from this module's location so they work from src/ (tests) and dist/ (installed).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// src/util/package.ts and dist/util/package.js both sit two levels below the package root.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function packagePath(relative: string): string {
  return join(ROOT, relative);
}

let version: string | undefined;
export function toolVersion(): string {
  version ??= (JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version;
  return version;
}
