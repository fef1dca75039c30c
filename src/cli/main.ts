/**
 * The command line: declares commands and options, lazily imports the command that runs, and
 * turns domain errors into one line on stderr and an exit code. Only bin/ exits the process.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, ToolError, UsageError, errorText } from '../errors.js';
import { INSPECT_HELP as INSPECT_HELP_TEXT } from '../commands/inspect-help.js';
import { toolVersion } from '../util/package.js';
import { parseByteSize, parseDurationMs, parseFormats, parseNonNegative, parsePort, parsePositive, parseSeverityThreshold } from './options.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage, rule or bundle error (one line on stderr names the file and the problem)`;

/** Accumulates a repeatable option's values. */
const collectValues = (value: string, all: string[]) => [...all, value];

function buildProgram(): Command {
  const program = new Command('ztunnel-bundle')
    .description('Collect and analyze troubleshooting bundles for Istio ambient mode (ztunnel L4 connectivity).')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('analyze')
    .description('Analyze a bundle offline: run the rules and write findings with evidence and remediation.')
    .argument('<bundle>', 'bundle: a .tar.gz/.tgz, a .zip or a directory (a partial, hand-assembled one is fine)')
    .option('-f, --format <formats>', 'report formats, comma-separated: html, md, json (default: a summary on the terminal only)')
    .option('-o, --output <path>', 'where reports go: a directory (report.html, report.md, report.json; created if missing), a file whose extension matches the one format, or - for stdout (one format)')
    .option('-r, --rules <dir>', 'extra directory of rule files (repeatable)', collectValues, [] as string[])
    .option('--no-builtin-rules', 'do not load the rules shipped with the tool')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['critical', 'error', 'warning', 'info', 'none']).default('error'))
    .option('--suppress <rule[=subject]>', 'accept the findings of a rule, optionally only for subjects matching a glob on name or namespace/name (repeatable); counted, never dropped silently', collectValues, [] as string[])
    .option('--suppressions <file>', 'YAML list of accepted findings: {rule, subject?, reason, expires?}')
    .option('--no-color', 'plain terminal output (NO_COLOR is honoured too)')
    .addHelpText('after', `${EXIT_CODES_HELP}

Examples:
  ztunnel-bundle analyze fixtures/broken
  ztunnel-bundle analyze bundle.tar.gz --format html,md,json --output out/
  ztunnel-bundle analyze bundle.tar.gz --format json --output - | jq '.findings[].ruleId'`)
    .action(async (bundle: string, opts: { format?: string; output?: string; rules: string[]; builtinRules: boolean; failOn: string; suppress: string[]; suppressions?: string; color: boolean }) => {
      const { runAnalyze } = await import('../commands/analyze.js');
      program.setOptionValue('exitCode', await runAnalyze({
        bundle,
        formats: parseFormats(opts.format),
        output: opts.output,
        ruleDirs: opts.rules,
        builtinRules: opts.builtinRules,
        failOn: parseSeverityThreshold(opts.failOn),
        suppress: opts.suppress,
        suppressionsFile: opts.suppressions,
        color: opts.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY),
      }));
    });


  const rulesCommand = program.command('rules').description('Rule authoring: list the rules, validate rule directories, run their test cases.');
  rulesCommand
    .command('list')
    .description('List the rules that would run: id, severity, category, built-in or user, title.')
    .option('-r, --rules <dir>', 'extra directory of rule files (repeatable)', collectValues, [] as string[])
    .option('--no-builtin-rules', 'do not list the rules shipped with the tool')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { rules: string[]; builtinRules: boolean; output: 'table' | 'json' }) => {
      const { runRules } = await import('../commands/rules.js');
      program.setOptionValue('exitCode', await runRules({ action: 'list', dirs: opts.rules, builtin: opts.builtinRules, format: opts.output }));
    });
  rulesCommand
    .command('validate')
    .description('Check rule directories and their test files; prints every problem at once.')
    .argument('[dirs...]', 'rule directories (default: the built-in rules)')
    .option('--builtin', 'also validate the built-in rules')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExit codes:\n  0  valid, every rule has test cases\n  2  problems (each as: file [rule-id] field: reason)')
    .action(async (dirs: string[], opts: { builtin?: boolean; output: 'table' | 'json' }) => {
      const { runRules } = await import('../commands/rules.js');
      program.setOptionValue('exitCode', await runRules({ action: 'validate', dirs, builtin: Boolean(opts.builtin), format: opts.output }));
    });
  rulesCommand
    .command('test')
    .description('Run each rule against its test cases (<id>.test.yaml beside it) and print PASS/FAIL per rule.')
    .argument('[dirs...]', 'rule directories (default: the built-in rules)')
    .option('--builtin', 'also test the built-in rules')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
    .addHelpText('after', '\nExit codes:\n  0  every case passed\n  1  a case failed\n  2  the rules do not load')
    .action(async (dirs: string[], opts: { builtin?: boolean; output: 'table' | 'json' }) => {
      const { runRules } = await import('../commands/rules.js');
      program.setOptionValue('exitCode', await runRules({ action: 'test', dirs, builtin: Boolean(opts.builtin), format: opts.output }));
    });

  program
    .command('diff')
    .description('Compare the findings of two bundles (before and after a change): new, resolved, unchanged.')
    .argument('<before>', 'the baseline bundle: a .tar.gz/.tgz, a .zip or a directory')
    .argument('<after>', 'the bundle after the change')
    .option('-f, --format <formats>', 'diff formats, comma-separated: html, md, json (default: a summary on the terminal only)')
    .option('-o, --output <path>', 'a directory (diff.html, diff.md, diff.json; created if missing), a file whose extension matches the one format, or - for stdout')
    .option('-r, --rules <dir>', 'extra directory of rule files (repeatable)', collectValues, [] as string[])
    .option('--no-builtin-rules', 'do not load the rules shipped with the tool')
    .option('--suppress <rule[=subject]>', 'accept the findings of a rule, optionally only for subjects matching a glob on name or namespace/name (repeatable)', collectValues, [] as string[])
    .option('--suppressions <file>', 'YAML list of accepted findings: {rule, subject?, reason, expires?}')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a NEW finding is at or above this severity').choices(['critical', 'error', 'warning', 'info', 'none']).default('error'))
    .option('--no-color', 'plain terminal output (NO_COLOR is honoured too)')
    .addHelpText('after', '\nExit codes:\n  0  no new finding at or above --fail-on\n  1  new findings at or above --fail-on\n  2  usage, rule or bundle error\n\nExample:\n  ztunnel-bundle diff before.tar.gz after.tar.gz --format html,md,json --output diff/')
    .action(async (before: string, after: string, opts: { format?: string; output?: string; rules: string[]; builtinRules: boolean; suppress: string[]; suppressions?: string; failOn: string; color: boolean }) => {
      const { runDiff } = await import('../commands/diff.js');
      program.setOptionValue('exitCode', await runDiff({
        before,
        after,
        formats: parseFormats(opts.format),
        output: opts.output,
        ruleDirs: opts.rules,
        builtinRules: opts.builtinRules,
        suppress: opts.suppress,
        suppressionsFile: opts.suppressions,
        failOn: parseSeverityThreshold(opts.failOn),
        color: opts.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY),
      }));
    });

  program
    .command('inspect')
    .description('istioctl ztunnel-config views of a bundle or a saved config_dump, offline; plus traffic and load balancing from the access logs.')
    .argument('<view>', 'workloads|services|policies|certificates|connections|all (istioctl aliases work), traffic, or lb SERVICE')
    .argument('[args...]', 'the bundle (a directory, .tar.gz or .zip); for lb: SERVICE then the bundle')
    .option('-f, --file <dump>', 'a saved ztunnel config_dump.json instead of a bundle (- for stdin)')
    .option('--ztunnel <pod>', 'show this ztunnel')
    .option('--node <node>', 'the ztunnel on this node; workloads on this node only')
    .option('--pod <[ns/]pod>', 'a workload pod: the ztunnel on its node, output narrowed to the pod (or a ztunnel pod)')
    .option('-n, --namespace <ns>', 'only this namespace')
    .option('--address <ip>', 'workloads: only the one with this IP')
    .addOption(new Option('--direction <dir>', 'connections: inbound or outbound').choices(['inbound', 'outbound']))
    .option('--raw', 'connections: addresses as dumped, no names')
    .option('--with-headers', 'all: a "------ X INFO ------" banner before each table')
    .option('--at <time>', "judge VALID CERT at this RFC 3339 time (default: the bundle's collection time; now for --file)")
    .addOption(new Option('-o, --output <format>', 'output format (short = table, as in istioctl)').choices(['table', 'short', 'json', 'yaml']).default('table'))
    .addHelpText('after', () => `${INSPECT_HELP_TEXT}
Traffic and load balancing (from the ztunnel access logs):
  traffic            ZTUNNEL DIRECTION SOURCE DESTINATION SERVICE CONNECTIONS FAILURES ... P95 MS
  lb SERVICE         per source, connections per endpoint of SERVICE (short name, name.namespace or
                     FQDN) with a chi-square verdict on how evenly they spread

  ztunnel-bundle inspect traffic bundle.tar.gz --namespace default
  ztunnel-bundle inspect lb reviews bundle.tar.gz
`)
    .action(async (viewName: string, args: string[], o: { file?: string; ztunnel?: string; node?: string; pod?: string; namespace?: string; address?: string; direction?: 'inbound' | 'outbound'; raw?: boolean; withHeaders?: boolean; at?: string; output: string }) => {
      const output = (o.output === 'short' ? 'table' : o.output) as 'table' | 'json' | 'yaml';
      if (viewName === 'traffic' || viewName === 'lb') {
        const [first, second, ...rest] = args;
        const bundle = viewName === 'lb' ? second : first;
        if (!bundle || rest.length > 0 || (viewName === 'traffic' && second)) throw new UsageError(viewName === 'lb' ? 'inspect lb: usage: inspect lb SERVICE BUNDLE' : 'inspect traffic: usage: inspect traffic BUNDLE');
        const { runInspectTraffic } = await import('../commands/inspect-traffic.js');
        program.setOptionValue('exitCode', await runInspectTraffic({ view: viewName, bundle, ...(viewName === 'lb' ? { service: first } : {}), ...(o.namespace ? { namespace: o.namespace } : {}), output }));
        return;
      }
      if (args.length > 1) throw new UsageError(`inspect ${viewName}: one bundle at most (got ${args.length})`);
      const { runInspect, parseInspectView } = await import('../commands/inspect.js');
      program.setOptionValue('exitCode', await runInspect({ ...o, view: parseInspectView(viewName), ...(args[0] ? { bundle: args[0] } : {}), output }));
    });

  program
    .command('demo')
    .description('Run the whole pipeline with no cluster: replay the demo cluster shipped with the tool, collect it, analyze it.')
    .option('-o, --output <dir>', 'directory for bundle.tar.gz and report.html, report.md, report.json', 'ztunnel-bundle-demo')
    .option('--bundle <bundle>', 'replay this bundle instead of the shipped demo cluster (fixtures/broken)')
    .option('--no-color', 'plain terminal output')
    .action(async (opts: { output: string; bundle?: string; color: boolean }) => {
      const { runDemo } = await import('../commands/demo.js');
      program.setOptionValue('exitCode', await runDemo({ output: opts.output, ...(opts.bundle ? { bundle: opts.bundle } : {}), color: opts.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY) }));
    });

  program
    .command('collect')
    .description('Snapshot a live ambient cluster (ztunnel, istiod, istio-cni, Kubernetes objects) into one bundle, secrets redacted.')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use (default: the current one)')
    .option('--istio-namespace <ns>', 'namespace of istiod, ztunnel and istio-cni', 'istio-system')
    .option('-o, --output <file>', 'bundle to write: .tar.gz (default ztunnel-bundle-<UTC time>.tar.gz) or .zip')
    .option('--since <duration>', 'only logs newer than this, e.g. 30m, 2h, 1d (default: all, up to --max-log-bytes)')
    .option('--focus <ns/pod>', 'collect only the ztunnels (and istio-cni) on the nodes of these pods, e.g. the failing client and server (repeatable)', collectValues, [] as string[])
    .option('--concurrency <n>', 'cluster calls in flight at once', parsePositive('--concurrency'), 16)
    .option('--timeout <duration>', 'per-request timeout, e.g. 30s, 2m', parseDurationMs('--timeout'), 30_000)
    .option('--max-log-bytes <size>', 'keep at most this much of each log (its tail), e.g. 50Mi, 1Gi', parseByteSize('--max-log-bytes'), 50 * 1024 ** 2)
    .option('--no-redact', 'do not redact secrets (the bundle is then NOT safe to share)')
    .option('--check', 'only check, with SelfSubjectAccessReviews, that you have the permissions collect needs')
    .addHelpText('after', `
Read-only: lists and gets objects, reads pod logs and port-forwards to the ztunnel admin (15000),
stats (15020) and readiness (15021) ports and istiod's debug port (15014). Secret data is never fetched.
The minimal ClusterRole is in docs/rbac.yaml.

Exit codes:
  0    complete bundle
  2    could not start (no cluster, bad options, output not writable)
  3    partial bundle: some artifacts failed (each is named in manifest.json); --check: permissions missing
  130  interrupted (Ctrl-C): a partial bundle marked interrupted, or nothing after a second Ctrl-C

Examples:
  ztunnel-bundle collect
  ztunnel-bundle collect --focus default/curl-7656cf8794-r7zb9 --focus default/productpage-v1-87d54dd59-fn6vw --since 1h
  ztunnel-bundle collect --check`)
    .action(async (opts: { kubeconfig?: string; context?: string; istioNamespace: string; output?: string; since?: string; focus: string[]; concurrency: number; timeout: number; maxLogBytes: number; redact: boolean; check?: boolean }) => {
      const { runCollect } = await import('../commands/collect.js');
      program.setOptionValue('exitCode', await runCollect({
        kubeconfig: opts.kubeconfig, context: opts.context, istioNamespace: opts.istioNamespace, output: opts.output, since: opts.since,
        focus: opts.focus, concurrency: opts.concurrency, timeoutMs: opts.timeout, maxLogBytes: opts.maxLogBytes, redact: opts.redact, check: opts.check === true,
      }));
    });

  program
    .command('serve')
    .description('Replay a bundle as a read-only Kubernetes API on loopback, so kubectl and collect can browse it offline.')
    .argument('<bundle>', 'bundle: a .tar.gz/.tgz, a .zip or a directory')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', parsePort, 0)
    .option('--kubeconfig-out <file>', 'write a kubeconfig for the replay here once it is listening')
    .option('--latency <ms>', 'add this much latency to every request (to rehearse slow clusters)', parseNonNegative('--latency'), 0)
    .option('--faults <file>', 'JSON file of faults to inject (403/500/resets/hangs per path, pod or port)')
    .addHelpText('after', `
Serves until interrupted (Ctrl-C). Answers list/get with label and field selectors, pod logs
(previous, sinceSeconds, sinceTime, tailLines, limitBytes) and port-forward (v4.channel.k8s.io) to
the recorded ztunnel (15000, 15020, 15021) and istiod (15014) endpoints.

Example:
  ztunnel-bundle serve fixtures/broken --kubeconfig-out replay.kubeconfig &
  kubectl --kubeconfig replay.kubeconfig get pods -n istio-system -l app=ztunnel`)
    .action(async (bundle: string, opts: { port: number; kubeconfigOut?: string; latency: number; faults?: string }) => {
      const { runServe } = await import('../commands/serve.js');
      program.setOptionValue('exitCode', await runServe({ bundle, port: opts.port, kubeconfigOut: opts.kubeconfigOut, latencyMs: opts.latency, faults: opts.faults }));
    });

  program
    .command('scan')
    .description('Check a bundle for secrets before you attach it anywhere public (private keys, JWTs, tokens, passwords).')
    .argument('<bundle>', 'bundle: a .tar.gz/.tgz, a .zip or a directory')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', `
Exit codes:
  0  nothing found
  1  possible secrets found (each listed as file:line kind excerpt)
  2  the bundle cannot be read`)
    .action(async (bundle: string, opts: { format: 'text' | 'json' }) => {
      const { runScan } = await import('../commands/scan.js');
      program.setOptionValue('exitCode', await runScan({ bundle, format: opts.format }));
    });

  return program;
}

/** Runs the CLI with argv (as process.argv) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return (program.getOptionValue('exitCode') as number | undefined) ?? ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed the message (or the help/version text).
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (err instanceof ToolError) {
      process.stderr.write(`ztunnel-bundle: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`ztunnel-bundle: internal error: ${errorText(err)}\n${err instanceof Error ? err.stack ?? '' : ''}\n`);
    return ExitCode.usage;
  }
}
