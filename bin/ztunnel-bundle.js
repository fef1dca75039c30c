#!/usr/bin/env node
// Entry point. The only place that calls process.exit; everything else returns exit codes.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('ztunnel-bundle: dist/ is missing; run `npm ci` (or `npm run build`) in the checkout first');
  process.exit(2);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv);
