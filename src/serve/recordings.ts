/**
 * What the bundle recorded per pod: which container logs and which port endpoints exist, and which
 * attempts manifest.json says failed with an HTTP status. The server replays those failures, so
 * that collecting from a replay of a bundle reproduces that bundle (a forbidden port-forward stays
 * forbidden, a 500 stays a 500).
 */
import { MANIFEST, classifyPath, cni, istiod, ztunnel } from '../bundle/paths.js';
import type { BundleSource } from '../bundle/source.js';

export interface RecordedFailure {
  httpStatus: number;
  error: string;
}

export interface LogFiles {
  current: string;
  previous?: string;
}

export const ZTUNNEL_PORTS = { admin: 15000, stats: 15020, readiness: 15021 } as const;
export const ISTIOD_MONITORING_PORT = 15014;

export class Recordings {
  private readonly failures = new Map<string, RecordedFailure>();
  private readonly known = new Set<string>();
  private readonly ztunnels = new Set<string>();
  private readonly istiods = new Set<string>();
  private readonly cniPods = new Set<string>();

  private constructor(private readonly bundle: BundleSource) {}

  static async load(bundle: BundleSource): Promise<Recordings> {
    const r = new Recordings(bundle);
    for (const path of bundle.list()) r.note(path);
    for (const artifact of await manifestArtifacts(bundle)) {
      r.note(artifact.path);
      if (artifact.status === 'error' && typeof artifact.httpStatus === 'number' && artifact.httpStatus >= 400 && artifact.httpStatus < 600) {
        r.failures.set(artifact.path, { httpStatus: artifact.httpStatus, error: artifact.error ?? `HTTP ${artifact.httpStatus}` });
      }
    }
    return r;
  }

  /** The recorded failure of the attempt that would have produced `path`, if any. */
  failure(path: string): RecordedFailure | undefined {
    return this.failures.get(path);
  }

  has(path: string): boolean {
    return this.bundle.has(path);
  }

  /** Container name -> log files, for the components whose logs a bundle holds. */
  logsOf(pod: string): Map<string, LogFiles> {
    const logs = new Map<string, LogFiles>();
    if (this.ztunnels.has(pod)) logs.set('istio-proxy', { current: ztunnel.log(pod), previous: ztunnel.previousLog(pod) });
    if (this.istiods.has(pod)) logs.set('discovery', { current: istiod.log(pod) });
    if (this.cniPods.has(pod)) logs.set('install-cni', { current: cni.log(pod) });
    return logs;
  }

  /** The bundle paths recorded behind one port of one pod (empty: nothing listens there). */
  portFiles(pod: string, port: number): string[] {
    if (this.ztunnels.has(pod)) {
      if (port === ZTUNNEL_PORTS.admin) return [ztunnel.configDump(pod)];
      if (port === ZTUNNEL_PORTS.stats) return [ztunnel.metrics(pod)];
      if (port === ZTUNNEL_PORTS.readiness) return [ztunnel.ready(pod)];
    }
    if (this.istiods.has(pod) && port === ISTIOD_MONITORING_PORT) {
      const prefix = `${istiod.dir(pod)}/`;
      return [...this.known].filter((p) => p.startsWith(prefix) && p !== istiod.log(pod));
    }
    return [];
  }

  /** Ports with something recorded behind them. */
  portRecorded(pod: string, port: number): boolean {
    return this.portFiles(pod, port).some((p) => this.known.has(p));
  }

  /** The first recorded failure with this status among a port's artifacts (e.g. a 403 port-forward). */
  portFailure(pod: string, port: number, httpStatus: number): RecordedFailure | undefined {
    for (const path of this.portFiles(pod, port)) {
      const failure = this.failures.get(path);
      if (failure?.httpStatus === httpStatus) return failure;
    }
    return undefined;
  }

  private note(path: string): void {
    this.known.add(path);
    const info = classifyPath(path);
    if (info.kind.startsWith('ztunnel-') && 'pod' in info) this.ztunnels.add(info.pod);
    else if (info.kind.startsWith('istiod-') && 'pod' in info) this.istiods.add(info.pod);
    else if (info.kind === 'cni-log' && 'pod' in info) this.cniPods.add(info.pod);
  }
}

interface ManifestArtifact {
  path: string;
  status?: unknown;
  httpStatus?: unknown;
  error?: string;
}

async function manifestArtifacts(bundle: BundleSource): Promise<ManifestArtifact[]> {
  if (!bundle.has(MANIFEST)) return [];
  try {
    const manifest = JSON.parse(await bundle.readText(MANIFEST, { maxBytes: 64 * 1024 ** 2 })) as { artifacts?: unknown };
    if (!Array.isArray(manifest.artifacts)) return [];
    return manifest.artifacts.filter(
      (a): a is ManifestArtifact => a !== null && typeof a === 'object' && typeof (a as ManifestArtifact).path === 'string',
    ).map((a) => ({ ...a, error: typeof a.error === 'string' ? a.error : undefined }) as ManifestArtifact);
  } catch {
    // A damaged manifest only means no failures are replayed; the files themselves still are.
    return [];
  }
}
