/**
 * `ztunnel-bundle inspect VIEW [BUNDLE]`: istioctl's `ztunnel-config` views (workloads, services,
 * policies, certificates, connections, all), offline, over one ztunnel's config dump in a bundle
 * or over a single saved dump (--file PATH, or - for stdin). Output is byte-for-byte istioctl's
 * table, or its JSON/YAML items. Which ztunnel: --ztunnel, --node or --pod (a workload pod
 * resolves to the ztunnel on its node and narrows the output to it); with none, the first by name,
 * named on stderr. VALID CERT is judged at --at, by default when the bundle was collected (now for
 * --file), so a bundle reads the same whenever it is inspected. Returns 0; errors are thrown as
 * UsageError/BundleError (exit 2).
 */
import { openBundle } from '../bundle/open.js';
import { ztunnel as ztunnelPaths } from '../bundle/paths.js';
import { ExitCode, UsageError } from '../errors.js';
import { readDumpFile } from '../inspect/dumpfile.js';
import type { InspectFilter } from '../inspect/filter.js';
import { renderView, VIEWS, type InspectFormat, type InspectView } from '../inspect/render.js';
import { chooseZtunnel, collectedAt, parsePodArg } from '../inspect/select.js';
import { parseConfigDump, type ZtunnelConfigDump } from '../parse/configDump.js';

export interface InspectOptions {
  view: InspectView;
  bundle?: string;
  /** A single saved config_dump.json, or '-' for stdin. */
  file?: string;
  node?: string;
  namespace?: string;
  /** workloads: only the workload with this IP (istioctl --address). */
  address?: string;
  /** NS/POD or POD: a ztunnel pod, or a workload pod (its node's ztunnel, output narrowed to it). */
  pod?: string;
  ztunnel?: string;
  output: InspectFormat;
  /** connections: no address-to-name replacement. */
  raw?: boolean;
  direction?: 'inbound' | 'outbound';
  /** all: a banner before each table. */
  withHeaders?: boolean;
  /** When VALID CERT is judged (RFC 3339); default: collection time, or now for --file. */
  at?: string;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
}

/** istioctl's subcommand names and aliases, so `inspect svc` works like `ztunnel-config svc`. */
const VIEW_ALIASES: Record<string, InspectView> = {
  w: 'workloads', workload: 'workloads', workloads: 'workloads',
  s: 'services', svc: 'services', service: 'services', services: 'services',
  p: 'policies', pol: 'policies', policy: 'policies', policies: 'policies',
  cert: 'certificates', certs: 'certificates', certificate: 'certificates', certificates: 'certificates', secret: 'certificates',
  cons: 'connections', connection: 'connections', connections: 'connections',
  all: 'all',
};

/** The view a user typed (a name or an istioctl alias), or a UsageError. */
export function parseInspectView(name: string): InspectView {
  const key = name.toLowerCase();
  // hasOwn: "constructor" and friends must not resolve through the object's prototype.
  const view = Object.hasOwn(VIEW_ALIASES, key) ? VIEW_ALIASES[key] : undefined;
  if (!view) throw new UsageError(`inspect: unknown view "${name}"; expected one of ${VIEWS.join(', ')}`);
  return view;
}

export { INSPECT_HELP } from './inspect-help.js';

interface Loaded {
  dump: ZtunnelConfigDump;
  workload?: { namespace: string; name: string };
  at: string;
}

function checkOptions(opts: InspectOptions): void {
  if (!(VIEWS as readonly string[]).includes(opts.view)) throw new UsageError(`inspect: unknown view "${opts.view}"; expected one of ${VIEWS.join(', ')}`);
  if (!['table', 'json', 'yaml'].includes(opts.output)) throw new UsageError(`--output ${opts.output}: expected table, json or yaml`);
  if (opts.direction !== undefined && opts.direction !== 'inbound' && opts.direction !== 'outbound') throw new UsageError(`--direction ${opts.direction as string}: expected inbound or outbound`);
  if (opts.bundle !== undefined && opts.file !== undefined) throw new UsageError('inspect: give a BUNDLE or --file, not both');
  if (opts.bundle === undefined && opts.file === undefined) throw new UsageError('inspect: give a BUNDLE, or --file with a saved config dump (- for stdin)');
  if (opts.file !== undefined && opts.ztunnel !== undefined) throw new UsageError('--ztunnel only applies to a bundle, not to --file');
  if (opts.at !== undefined && Number.isNaN(Date.parse(opts.at))) throw new UsageError(`--at ${opts.at}: not a date/time (expected RFC 3339, e.g. 2026-11-25T09:30:00Z)`);
}

/**
 * --pod on a single dump: the pod must be among its workloads or the workloads this ztunnel
 * proxies (workloadState); a bare POD must name pods of one namespace only.
 */
function workloadInDump(dump: ZtunnelConfigDump, arg: string): { namespace: string; name: string } {
  const wanted = parsePodArg(arg);
  const known = [...dump.workloads, ...dump.workloadState];
  const matches = known.filter((w) => w.name === wanted.name && (wanted.namespace === undefined || w.namespace === wanted.namespace));
  const namespaces = [...new Set(matches.map((w) => w.namespace))];
  if (namespaces.length === 0) throw new UsageError(`--pod ${arg}: no such workload in ${dump.file}`);
  if (namespaces.length > 1) throw new UsageError(`--pod ${arg}: workloads of that name in namespaces ${namespaces.join(', ')}; use NAMESPACE/POD`);
  return { namespace: namespaces[0]!, name: wanted.name };
}

async function loadFromFile(opts: InspectOptions & { file: string }): Promise<Loaded> {
  const dump = await readDumpFile(opts.file, { stdin: opts.stdin });
  return { dump, workload: opts.pod === undefined ? undefined : workloadInDump(dump, opts.pod), at: opts.at ?? new Date().toISOString() };
}

async function loadFromBundle(opts: InspectOptions & { bundle: string }, stderr: NodeJS.WritableStream): Promise<Loaded> {
  const bundle = await openBundle(opts.bundle);
  try {
    const choice = await chooseZtunnel(bundle, { ztunnel: opts.ztunnel, node: opts.node, pod: opts.pod });
    if (choice.defaulted && choice.candidates > 1) {
      const on = choice.node ? ` on node ${choice.node}` : '';
      stderr.write(`inspect: showing ${choice.ztunnel}${on}, the first of ${choice.candidates} ztunnels; choose one with --ztunnel, --node or --pod\n`);
    }
    const file = ztunnelPaths.configDump(choice.ztunnel);
    const dump = parseConfigDump(await bundle.readText(file), file);
    let at = opts.at ?? (await collectedAt(bundle));
    if (at === undefined) {
      at = new Date().toISOString();
      stderr.write(`inspect: no readable collection time (manifest.json collectedAt); VALID CERT is judged now\n`);
    }
    return { dump, workload: choice.workload, at };
  } finally {
    await bundle.close();
  }
}

/** A dump with malformed fields still prints; stderr says what was left out, so no row is missing silently. */
function reportSkippedFields(dump: ZtunnelConfigDump, stderr: NodeJS.WritableStream): void {
  const problems = dump.warnings.filter((w) => w !== 'further warnings omitted');
  if (problems.length === 0) return;
  const more = dump.warnings.length > problems.length ? ' or more' : '';
  stderr.write(`inspect: ${dump.file}: ${problems.length}${more} malformed field(s) left out, first ${problems[0]}\n`);
}

export async function runInspect(opts: InspectOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  checkOptions(opts);
  const loaded = opts.file !== undefined ? await loadFromFile({ ...opts, file: opts.file }) : await loadFromBundle({ ...opts, bundle: opts.bundle! }, stderr);
  const filter: InspectFilter = {
    namespace: opts.namespace,
    node: opts.node,
    address: opts.address,
    workload: loaded.workload,
    direction: opts.direction,
    raw: opts.raw,
    at: loaded.at,
  };
  reportSkippedFields(loaded.dump, stderr);
  stdout.write(renderView(loaded.dump, { view: opts.view, format: opts.output, filter, withHeaders: opts.withHeaders }));
  return ExitCode.ok;
}
