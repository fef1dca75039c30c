/**
 * vitest global setup: builds dist/ once (and the rules' snapshot), so end-to-end tests run the real `bin/ztunnel-bundle.js`
 * as a user would, never a stale build. A failed build does not stop unit tests from running;
 * the end-to-end tests then fail with the compiler's message (see cli.ts).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    buildError: string;
  }
}

export default function setup(project: TestProject): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  try {
    execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'pipe' });
    // As `npm run build` does: the built-in rules' snapshot (src/rules/snapshot.ts) for the CLI.
    execFileSync(process.execPath, ['scripts/snapshot-rules.mjs'], { cwd: root, stdio: 'pipe' });
    project.provide('buildError', '');
  } catch (err) {
    const out = (err as { stdout?: Buffer }).stdout?.toString() ?? String(err);
    project.provide('buildError', out.slice(0, 4000) || 'tsc failed');
  }
}
