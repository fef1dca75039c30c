/**
 * ztunnel/<pod>/ready.txt: what GET :15021/healthz/ready returned, stored as the HTTP status on the
 * first line and the body after it. ztunnel answers 200 `ready` or 500
 * `not ready, pending: state manager, proxy` (the tasks it is still waiting for).
 */
import { BundleError } from '../errors.js';

export interface ReadyProbe {
  status: number;
  /** 2xx and a body saying ready. */
  ready: boolean;
  /** Tasks named after "pending:" (empty when none). */
  pending: string[];
  /** The body, trimmed and cut to a sane length. */
  body: string;
}

const MAX_BODY = 2000;

export function parseReady(text: string, file = 'ready.txt'): ReadyProbe {
  const newline = text.indexOf('\n');
  const first = (newline === -1 ? text : text.slice(0, newline)).trim();
  // Accept "200" as collect writes it, and "HTTP/1.1 200 OK" from a hand-made bundle.
  const m = /^(?:HTTP\/[\d.]+\s+)?(\d{3})\b/.exec(first);
  if (!m) throw new BundleError(file, `first line should be the HTTP status, found ${JSON.stringify(first.slice(0, 40))}`);
  const status = Number(m[1]);
  const body = (newline === -1 ? '' : text.slice(newline + 1)).trim().slice(0, MAX_BODY);
  const pendingText = /pending:\s*(.*)$/m.exec(body)?.[1] ?? '';
  const pending = pendingText.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const ready = status >= 200 && status < 300 && /^ready\b/i.test(body) && pending.length === 0;
  return { status, ready, pending, body };
}
