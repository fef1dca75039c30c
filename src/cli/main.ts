/**
 * The command line: declares commands and options, lazily imports the command that runs, and
 * turns domain errors into one line on stderr and an exit code. Only bin/ exits the process.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, ToolError, errorText } from '../errors.js';
import { toolVersion } from '../util/package.js';
import { parseFormats, parseNonNegative, parsePort, parseSeverityThreshold } from './options.js';

const EXIT_CODES_HELP = `
Exit codes:
  0  no finding at or above --fail-on
  1  findings at or above --fail-on
  2  usage, rule or bundle error (one line on stderr names the file and the problem)`;

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
    .option('-r, --rules <dir>', 'extra directory of rule files (repeatable)', (dir: string, all: string[]) => [...all, dir], [] as string[])
    .option('--no-builtin-rules', 'do not load the rules shipped with the tool')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(['critical', 'error', 'warning', 'info', 'none']).default('error'))
    .option('--no-color', 'plain terminal output (NO_COLOR is honoured too)')
    .addHelpText('after', `${EXIT_CODES_HELP}

Examples:
  ztunnel-bundle analyze fixtures/broken
  ztunnel-bundle analyze bundle.tar.gz --format html,md,json --output out/
  ztunnel-bundle analyze bundle.tar.gz --format json --output - | jq '.findings[].ruleId'`)
    .action(async (bundle: string, opts: { format?: string; output?: string; rules: string[]; builtinRules: boolean; failOn: string; color: boolean }) => {
      const { runAnalyze } = await import('../commands/analyze.js');
      program.setOptionValue('exitCode', await runAnalyze({
        bundle,
        formats: parseFormats(opts.format),
        output: opts.output,
        ruleDirs: opts.rules,
        builtinRules: opts.builtinRules,
        failOn: parseSeverityThreshold(opts.failOn),
        color: opts.color && !process.env.NO_COLOR && Boolean(process.stdout.isTTY),
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
