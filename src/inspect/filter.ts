/**
 * What narrows an `inspect` view, in one options object shared by every view: the namespace, node,
 * single workload (a resolved --pod) and connection direction filters, the --raw switch for
 * connections, and the time the VALID CERT column is judged at. Matching follows istioctl:
 * workloads, services and policies compare namespaces case-insensitively, connections exactly.
 */

export interface InspectFilter {
  namespace?: string;
  /** Workloads scheduled on this node only. */
  node?: string;
  /** Workloads with this IP only. */
  address?: string;
  /** One workload pod (from --pod): workloads and connections are narrowed to it. */
  workload?: { namespace: string; name: string };
  direction?: 'inbound' | 'outbound';
  /** connections: print addresses as dumped instead of service/workload names. */
  raw?: boolean;
  /** RFC 3339 time at which a certificate counts as valid (VALID CERT). */
  at: string;
}

/** Go's strings.EqualFold, for the ASCII names Kubernetes allows. */
export function sameFold(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Byte-order string comparison, like Go's cmp.Compare and `<` on strings (not locale order). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares by each key in turn. */
export function byKeys<T>(...keys: ((item: T) => string)[]): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const r = compareStrings(key(a), key(b));
      if (r !== 0) return r;
    }
    return 0;
  };
}
