/**
 * Parses bundle files while an archive is still being extracted. Extraction inflates on the
 * thread pool (or a worker thread) and the analysis used to start only once the last entry was
 * written. Handed each extracted file (openBundle's onFile), this parses the files the fact
 * builders would parse anyway (ztunnel config dumps and metrics; the cluster's pod, namespace,
 * node and service lists), with the very parser function they pass to FactReader, and keeps the
 * result until FactReader asks for that file with that function; and it reads the ztunnel,
 * istio-cni and istiod logs into the same aggregators buildFacts streams them into, placing
 * their events on the pod's node only when buildFacts asks (the pod list may come later in the
 * archive). Whatever it was not given, or given for another parser or pod, FactReader reads and
 * parses as usual: the facts are the same either way.
 */
import type { OnExtractedFile } from '../bundle/archive.js';
import { decodeText } from '../bundle/limits.js';
import { cluster as clusterPaths, classifyPath } from '../bundle/paths.js';
import { DEFAULT_LIMITS } from '../bundle/source.js';
import { ConfigDumpParser, type ParsedDump } from '../parse/configDump-reuse.js';
import { parseK8sList, type K8sList, type K8sObject, type Namespace, type Node, type Pod } from '../parse/k8s.js';
import { logOf, readEarlyLog, type EarlyLog } from './early-logs.js';
import { placedOnNode, type Component, type LogSummary } from './logs.js';
import { summarizeMetrics, type ZtunnelMetrics } from './metrics.js';

export type BytesParser<T> = (bytes: Buffer, file: string) => T;
export type TextParser<T> = (text: string, file: string) => T;

/** The parsers of the files that are worth parsing early; stateless ones are shared constants. */
export const parsePodList: TextParser<K8sList<Pod>> = (text, file) => parseK8sList<Pod>(text, file, 'PodList');
export const parseNamespaceList: TextParser<K8sList<Namespace>> = (text, file) => parseK8sList<Namespace>(text, file, 'NamespaceList');
export const parseNodeList: TextParser<K8sList<Node>> = (text, file) => parseK8sList<Node>(text, file, 'NodeList');
export const parseServiceList: TextParser<K8sList<K8sObject>> = (text, file) => parseK8sList<K8sObject>(text, file, 'ServiceList');
export const parseZtunnelMetrics: TextParser<ZtunnelMetrics> = summarizeMetrics;

/** What became of one file parsed early. `text` is kept only for files whose builders need it. */
export type EarlyResult = { parser: unknown; value: unknown; text?: string } | { parser: unknown; error: unknown };

export class EarlyParses {
  /**
   * The one config-dump parser of the analysis (it shares the sections repeated across dumps, so
   * it must see every dump, early or not): buildFacts parses with this.
   */
  readonly parseConfigDump: BytesParser<ParsedDump>;
  /** Files parsed early, and how many of them the fact builders took: for tests and the bench. */
  readonly stats = { parsed: 0, taken: 0 };
  private readonly results = new Map<string, EarlyResult>();
  /** Logs read early, by path (early-logs.ts). */
  private readonly logs = new Map<string, EarlyLog>();
  private readonly maxTextBytes: number;

  constructor(options: { maxTextBytes?: number } = {}) {
    // No fact reads a certificate's subject, issuer, SANs or fingerprint (inspect shows them), and
    // OpenSSL takes about 150 µs per distinct certificate: 0.3 s at 2,000 identities.
    const dumps = new ConfigDumpParser({ x509: false });
    this.parseConfigDump = (bytes, file) => dumps.parseBytes(bytes, file);
    this.maxTextBytes = options.maxTextBytes ?? DEFAULT_LIMITS.maxTextBytes;
  }

  /**
   * For openBundle's onFile. Never throws: a parse error is kept as the file's result. The bytes
   * are not kept (the parsers copy what they keep: strings, remembered dump sections).
   */
  readonly offer: OnExtractedFile = (path, bytes) => {
    // A file too big to read whole is refused by the reader with a message; leave that to it.
    if (bytes.length > this.maxTextBytes) return;
    const log = logOf(path);
    if (log) {
      try {
        this.offerLog(path, readEarlyLog(path, log, bytes));
      } catch {
        // Left to buildFacts, which streams the log and records what goes wrong.
      }
      return;
    }
    const plan = this.planFor(path);
    if (plan === undefined) return;
    this.stats.parsed++;
    try {
      if (plan.kind === 'bytes') {
        this.results.set(path, { parser: plan.parser, value: plan.parser(bytes, path) });
      } else {
        const text = decodeText(bytes);
        this.results.set(path, { parser: plan.parser, value: plan.parser(text, path), ...(plan.keepText ? { text } : {}) });
      }
    } catch (error) {
      this.results.set(path, { parser: plan.parser, error });
    }
  };

  /**
   * The early result of `path` if it was parsed with `parser` (the same function object), handed
   * over once; undefined otherwise. Text is included only if it was kept.
   */
  take(path: string, parser: unknown): EarlyResult | undefined {
    const result = this.results.get(path);
    if (result === undefined || result.parser !== parser) return undefined;
    this.results.delete(path);
    this.stats.taken++;
    return result;
  }

  /**
   * The summary of a log read early, if it is the log of that component's pod, with the events
   * placed on `source.node` (the pod list may not have been extracted when the log was read).
   * Handed over once; undefined otherwise (then buildFacts streams the log as usual).
   */
  takeLog(path: string, source: { component: Component; pod: string; node: string }): LogSummary | undefined {
    const log = this.logs.get(path);
    if (log === undefined || log.component !== source.component || log.pod !== source.pod) return undefined;
    this.logs.delete(path);
    this.stats.taken++;
    return source.node === '' ? log.summary : placedOnNode(log.summary, source.node);
  }

  private offerLog(path: string, log: EarlyLog): void {
    this.stats.parsed++;
    this.logs.set(path, log);
  }

  private planFor(path: string):
    | { kind: 'bytes'; parser: BytesParser<unknown> }
    | { kind: 'text'; parser: TextParser<unknown>; keepText: boolean }
    | undefined {
    switch (path) {
      case clusterPaths.pods: return { kind: 'text', parser: parsePodList, keepText: true };
      case clusterPaths.namespaces: return { kind: 'text', parser: parseNamespaceList, keepText: true };
      case clusterPaths.nodes: return { kind: 'text', parser: parseNodeList, keepText: true };
      case clusterPaths.services: return { kind: 'text', parser: parseServiceList, keepText: false };
    }
    const info = classifyPath(path);
    if (info.kind === 'ztunnel-config-dump') return { kind: 'bytes', parser: this.parseConfigDump };
    if (info.kind === 'ztunnel-metrics') return { kind: 'text', parser: parseZtunnelMetrics, keepText: false };
    return undefined;
  }
}
