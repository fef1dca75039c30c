/**
 * Progress output: plain lines off a terminal (failures, skips, a count every 25 and at the end),
 * one status line rewritten in place on a terminal, cleared before other output.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ArtifactRecord } from '../../src/bundle/manifest.js';
import { Progress, formatBytes } from '../../src/collect/progress.js';

function capture(): { stream: Writable; text: () => string } {
  let out = '';
  return { stream: new Writable({ write(c: Buffer, _e, cb) { out += c.toString(); cb(); } }), text: () => out };
}
const rec = (path: string, status: ArtifactRecord['status'], extra: Partial<ArtifactRecord> = {}): ArtifactRecord => ({ path, target: `GET ${path}`, status, ...extra });

describe('Progress', () => {
  it('off a terminal prints failures, skips and periodic counts, no control characters', () => {
    const { stream, text } = capture();
    const p = new Progress({ stream, isTTY: false });
    p.addTotal(30);
    for (let i = 0; i < 30; i++) {
      const task = { path: `f${i}.json`, target: '', run: async () => ({ kind: 'bytes' as const, data: Buffer.from('') }) };
      p.start(task);
      p.finish(i === 3 ? rec(task.path, 'error', { error: 'HTTP 403: forbidden' }) : i === 4 ? rec(task.path, 'skipped', { error: 'CRD not installed' }) : rec(task.path, 'ok', { bytes: 1024 }));
    }
    expect(text().split('\n').filter(Boolean)).toEqual([
      'error   f3.json: HTTP 403: forbidden',
      'skipped f4.json: CRD not installed',
      'collected 25/30 artifacts, 23.0 KiB',
      'collected 30/30 artifacts, 28.0 KiB',
    ]);
    expect(text()).not.toMatch(/[\r\x1b]/);
  });

  it('on a terminal rewrites one status line and clears it before printing', () => {
    const { stream, text } = capture();
    let now = 0;
    const p = new Progress({ stream, isTTY: true, now: () => now });
    p.addTotal(2);
    p.start({ path: 'ztunnel/z/config_dump.json', target: '', run: async () => ({ kind: 'bytes', data: Buffer.from('') }) });
    now = 500;
    p.finish(rec('ztunnel/z/config_dump.json', 'ok', { bytes: 2048 }));
    p.print('warning: something');
    expect(text()).toContain('\r\x1b[2K[0/2] 0 B ztunnel/z/config_dump.json');
    expect(text()).toContain('\r\x1b[2K[1/2] 2.0 KiB');
    expect(text().endsWith('\r\x1b[2Kwarning: something\n')).toBe(true);
  });

  it('formats sizes', () => {
    expect([512, 2048, 5 * 1024 ** 2, 3 * 1024 ** 3].map(formatBytes)).toEqual(['512 B', '2.0 KiB', '5.0 MiB', '3.00 GiB']);
  });
});
