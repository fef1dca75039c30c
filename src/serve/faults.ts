/**
 * Injected faults, for testing how collect copes with a misbehaving cluster: extra latency, an
 * HTTP error status, a connection reset (mid-stream for logs and port-forwards), a request that
 * never gets an answer, each optionally only for the first N matching requests.
 */

export interface Fault {
  match: {
    /** Regular expression tested against the URL path (the in-tunnel path for port-forwarded HTTP). */
    path?: string;
    pod?: string;
    port?: number;
  };
  latencyMs?: number;
  status?: 403 | 404 | 429 | 500 | 503;
  /** Destroy the socket; for logs and port-forwards after some bytes went through. */
  reset?: boolean;
  /** Never answer (the request stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Only the first N matching requests; unlimited when absent. */
  times?: number;
}

/** What a request is, for matching. `inTunnel` marks HTTP requests inside a port-forward. */
export interface FaultTarget {
  path: string;
  pod?: string;
  port?: number;
  inTunnel?: boolean;
}

interface ArmedFault {
  fault: Fault;
  pattern: RegExp | undefined;
  remaining: number;
}

export class FaultSet {
  private readonly armed: ArmedFault[];

  constructor(faults: readonly Fault[] = []) {
    this.armed = faults.map((fault) => ({
      fault,
      pattern: fault.match.path === undefined ? undefined : new RegExp(fault.match.path),
      remaining: fault.times ?? Number.POSITIVE_INFINITY,
    }));
  }

  /**
   * The first fault that matches and has uses left, consuming one use. Requests inside a tunnel
   * only match faults that name a path, so a pod/port fault fires once, at the upgrade.
   */
  take(target: FaultTarget): Fault | undefined {
    for (const entry of this.armed) {
      if (entry.remaining <= 0 || !matches(entry, target)) continue;
      entry.remaining--;
      return entry.fault;
    }
    return undefined;
  }
}

function matches({ fault, pattern }: ArmedFault, target: FaultTarget): boolean {
  const { match } = fault;
  if (target.inTunnel && pattern === undefined) return false;
  if (pattern && !pattern.test(target.path)) return false;
  if (match.pod !== undefined && match.pod !== target.pod) return false;
  if (match.port !== undefined && match.port !== target.port) return false;
  return true;
}

/** Checks a parsed JSON value is a Fault[]; returns a one-line problem or undefined. */
export function faultListProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'must be a JSON array of faults';
  for (const [i, f] of value.entries()) {
    if (f === null || typeof f !== 'object' || typeof (f as Fault).match !== 'object' || (f as Fault).match === null) {
      return `fault ${i} needs a "match" object`;
    }
    const { match, status } = f as Fault;
    if (match.path !== undefined) {
      try {
        new RegExp(match.path);
      } catch {
        return `fault ${i}: match.path is not a valid regular expression`;
      }
    }
    if (status !== undefined && ![403, 404, 429, 500, 503].includes(status)) return `fault ${i}: status must be 403, 404, 429, 500 or 503`;
  }
  return undefined;
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
