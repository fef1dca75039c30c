/**
 * The command line: declares commands and options, lazily imports the command that runs, and
 * turns domain errors into one line on stderr and an exit code. Only bin/ exits the process.
 */
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, ToolError, errorText } from '../errors.js';
import { toolVersion } from '../util/package.js';
import { parseFormats, parseSeverityThreshold } from './options.js';

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
    .option('-o, --output <path>', 'file (one format) or directory (report.html, report.md, report.json) to write reports to')
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
