// Preloaded into the CLI child (node --import) by the hostile-bundle tests: on exit it writes the
// process's peak resident set size, in bytes, to the file named by ZB_RSS_OUT. A file, not stderr,
// because the tests assert exactly what the CLI itself prints there.
import { writeFileSync } from 'node:fs';

const out = process.env.ZB_RSS_OUT;
if (out) {
  process.on('exit', () => {
    writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
  });
}
