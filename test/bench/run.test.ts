/**
 * The collection time the bench reads from collect's own summary line (the part before collect's
 * scan of its output), on the lines collect really prints.
 */
import { describe, expect, it } from 'vitest';
import { collectPhaseMs } from '../../src/bench/run.js';

describe('collectPhaseMs', () => {
  it('reads the seconds of a complete or partial collection', () => {
    const complete = 'collected 731/731 artifacts, 145.2 MiB\ncollect complete: 723 ok, 0 error, 8 skipped, 0 value(s) redacted, 12.4 s; bundle /tmp/c16.tar.gz (8.3 MiB)\nscan: no secrets found in the bundle\n';
    expect(collectPhaseMs(complete)).toBe(12_400);
    expect(collectPhaseMs('collect partial: 51 ok, 1 error, 8 skipped, 0 value(s) redacted, 0.3 s; bundle b.tar.gz (39.4 KiB)\n')).toBe(300);
  });
  it('is undefined when collect printed no summary', () => {
    expect(collectPhaseMs('ztunnel-bundle collect: cannot reach the API server\n')).toBeUndefined();
  });
});
