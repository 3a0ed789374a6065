import type { Command } from 'commander';
import packageJson from '../../package.json';
import { UsageError } from '../errors';
import { formatVersion } from '../protocol/docker/credentials';
import { type DockerAction, handleDockerAction } from '../protocol/docker/handle-command';
import { formatKubeletConfig } from '../protocol/kubelet/format-kubelet-config';
import { handleCredentialProviderRequest } from '../protocol/kubelet/handle-request';
import type { CommandContext } from './command-context';
import type { ConfigureOptions } from './configure/plan-configure-request';
import type { DoctorCommandOptions } from './doctor/doctor-command';
import { EKS_KUBELET_BIN_DIR, EKS_KUBELET_CONFIG } from './eks-kubelet-paths';
import { formatHelpFooter } from './format-help';
import { formatReadmeAddress } from './format-readme-address';
import { getLoginPassword } from './get-login-password';
import { keychainBudgetOf } from './keychain-budget';
import { type KubeletConfigFlags, parseKubeletConfigFlags } from './kubelet-config-options';

const DESCRIPTIONS: Readonly<Record<DockerAction, string>> = {
  get: 'print the credentials for the server URL read from stdin',
  store: 'accept credentials JSON from stdin (a no-op for ECR registries)',
  erase: 'forget the credentials for the server URL read from stdin (a no-op for ECR)',
  list: 'print the registries that have a cached token, as JSON',
  version: 'print the version',
};

const USAGE =
  'Usage: docker-credential-ecr-login <get|store|erase|list|version> | get-credentials | get-login-password [HOST] | kubelet-config | configure | doctor [options]';

/** A repeatable option's values, in command-line order (commander's custom option processing). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The root program: its description, usage, help, version, and output through `ctx`. */
function createRootProgram(commander: typeof import('commander'), ctx: CommandContext): Command {
  return new commander.Command('docker-credential-ecr-login')
    .description(
      'Docker credential helper for Amazon ECR: reads the request on stdin, answers on stdout.\n' +
        'Run as ecr-credential-provider, or with get-credentials, it is a kubelet image credential provider.',
    )
    .usage(USAGE.replace('Usage: docker-credential-ecr-login ', ''))
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    .version(formatVersion(ctx.version).trimEnd(), '-v, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.output(text), writeErr: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('after', () =>
      formatHelpFooter(
        ctx.services.config,
        formatReadmeAddress((packageJson as { homepage?: string }).homepage, ctx.programFile, ctx.services.fsPlatform),
      ),
    );
}

/**
 * The docker protocol actions and `get-credentials`: run-cli answers a bare one itself; here
 * they are what `--help` lists and `get --help` or `get-credentials --help` describes.
 */
function addProtocolCommands(program: Command, ctx: CommandContext): void {
  for (const [action, description] of Object.entries(DESCRIPTIONS) as [DockerAction, string][]) {
    program
      .command(action)
      .description(description)
      .helpOption('-h, --help', `describe ${action}`)
      .action(() => handleDockerAction(action, ctx, ctx.services, ctx.version));
  }

  program
    .command('get-credentials')
    .description('answer a kubelet CredentialProviderRequest read from stdin (what kubelet runs; also the name ecr-credential-provider)')
    .helpOption('-h, --help', 'describe get-credentials')
    .action(async () => ctx.output(await handleCredentialProviderRequest(await ctx.readInput(), ctx.services)));
}

/** `get-login-password [HOST]`: the password alone, for `docker login --password-stdin` (get-login-password.ts). */
function addGetLoginPasswordCommand(program: Command, ctx: CommandContext): void {
  program
    .command('get-login-password')
    .argument('[host]', 'the registry, as get reads it (host, https://host/v2/, an alias); optional when the settings file names one')
    .description(
      'print the registry password and a newline, nothing else (as `aws ecr get-login-password` does); use: ' +
        'get-login-password HOST | docker login --username AWS --password-stdin HOST',
    )
    .helpOption('-h, --help', 'describe get-login-password')
    .action(async (host: string | undefined) => {
      ctx.output(await getLoginPassword(host, ctx.services));
    });
}

/** `kubelet-config`: prints the CredentialProviderConfig for this helper and the settings' aliases. */
function addKubeletConfigCommand(program: Command, ctx: CommandContext): void {
  program
    .command('kubelet-config')
    .description('print a kubelet CredentialProviderConfig (YAML or JSON) that runs this helper as ecr-credential-provider')
    .option(
      '--service-account',
      "pass pods' service account tokens, to pull as the role their service account names (kubelet 1.34 or later)",
    )
    .option('--name <name>', "the provider's file name in --image-credential-provider-bin-dir", 'ecr-credential-provider')
    .option(
      '--env <NAME=VALUE>',
      'an environment variable kubelet sets for the provider (repeatable), e.g. AWS_REGION=us-west-2',
      collect,
      [],
    )
    .option('--format <format>', 'yaml or json (EKS keeps the file as JSON; kubelet reads both)', 'yaml')
    .option('--public', 'also send images of ECR Public (public.ecr.aws, ecr-public.aws.com): higher pull rate limits than anonymous')
    .option(
      '--cache-duration <duration>',
      "defaultCacheDuration, a Go duration such as 12h or 90m (kubelet's cache when a response names none)",
    )
    .helpOption('-h, --help', 'describe kubelet-config')
    .action((flags: KubeletConfigFlags) => {
      const options = parseKubeletConfigFlags(flags);
      const aliases = ctx.services.settings().aliases.map((a) => (a.port === undefined ? a.host : `${a.host}:${a.port}`));
      ctx.output(formatKubeletConfig({ ...options, aliases }));
    });
}

/** `configure`: its options, and run-configure loaded only when it runs. */
function addConfigureCommand(program: Command, ctx: CommandContext): void {
  program
    .command('configure')
    .description(
      'route registries to this helper in the docker config (or the containers auth file), and set a profile, role or alias per registry; ' +
        'warns of a profile no AWS file defines, refuses --creds-store where no OS keychain answers; --remove undoes it (each file backed up to .bak)',
    )
    .option('--registry <host>', 'an ECR registry host (repeatable); with --profile/--role-arn also a glob', collect, [])
    .option('--all-ecr', 'every ECR registry the file already names (docker login), and public.ecr.aws')
    .option('--creds-store', 'set "credsStore": this helper for every registry without its own entry (needs an OS keychain that answers)')
    .option('--containers-auth', 'edit the auth file of podman, skopeo and buildah instead of the docker config')
    .option('--profile <name>', 'the AWS profile for the --registry hosts (settings file)')
    .option('--role-arn <arn>', 'a role to assume for the --registry hosts (settings file)')
    .option(
      '--alias <alias=host>',
      "a DNS name of yours in front of an ECR registry (CNAME, proxy), sent that registry's token (repeatable)",
      collect,
      [],
    )
    .option(
      '--remove',
      "undo configure: take out the --registry hosts' and --alias names' entries (credHelpers naming ecr-login, settings); another helper's entries stay",
    )
    .option('--all', 'with --remove: every entry of this helper (credHelpers and credsStore naming ecr-login, all settings entries)')
    .option('--dry-run', 'print the changes as a diff and write nothing')
    .option(
      '--force',
      "with --creds-store: replace another helper's credsStore (Docker Desktop's, the OS keychain's), or set it though no OS keychain answers",
    )
    .option('--config <path>', 'the docker config or auth file to edit')
    .helpOption('-h, --help', 'describe configure')
    .action(async (options: ConfigureOptions) => {
      const { runConfigure, probeKeychain } = await import('./configure/run-configure');
      const { askVersion } = await import('./helper-on-path');
      const { services } = ctx;
      await runConfigure(options, {
        config: services.config,
        output: ctx.output,
        warn: (message) => services.logger.tell(message),
        askVersion,
        programFile: ctx.programFile,
        platform: ctx.platform,
        uid: ctx.uid,
        fsPlatform: services.fsPlatform,
        lock: { locker: services.locker, logger: services.logger, now: services.now },
        now: services.now,
        // The keychain's calls get the budget main.ts gave them; the probe, half a second more.
        probeKeychain: () => probeKeychain(services.credentials, keychainBudgetOf('configure', services.config.commandTimeoutMs) + 500),
      });
    });
}

/** `doctor`: its options, and the doctor loaded only when it runs. */
function addDoctorCommand(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .argument('[host]', 'the registry to check, e.g. 123456789012.dkr.ecr.us-west-2.amazonaws.com')
    .description(
      'check the set-up for a registry, step by step (PATH, docker config, AWS credentials, IAM, registry, cache, proxy), and say how to fix what fails',
    )
    .option('--json', 'print the report as JSON: {"host","checks":[{"name","status","detail","fix"}],"ok"} (with --kubelet also "image")')
    .option('--registry-url <url>', "send the registry check's GET /v2/ here instead of https://<host>")
    .option(
      '--kubelet <image>',
      "instead: check kubelet's credential providers for an image (config, matchImages, binary) and run them as kubelet does",
    )
    .option('--config <file>', `with --kubelet: kubelet's --image-credential-provider-config (default ${EKS_KUBELET_CONFIG})`)
    .option('--bin-dir <dir>', `with --kubelet: kubelet's --image-credential-provider-bin-dir (default ${EKS_KUBELET_BIN_DIR})`)
    .helpOption('-h, --help', 'describe doctor')
    .action(async (host: string | undefined, options: DoctorCommandOptions) => {
      const { runDoctorCommand } = await import('./doctor/doctor-command');
      await runDoctorCommand(host, options, ctx);
    });
}

/**
 * A commander error as the user sees it. Its message (stdout in the docker protocol, where
 * clients read the failure: unchanged by a suggestion) is the mistake and the usage; commander's
 * "(Did you mean get?)" or "(Did you mean one of a, b?)" for a mistyped command or option
 * becomes the hint, one line on stderr (and the one line a command's failure shows), so that
 * `gett` or `configure --regsitry` names what was meant.
 */
export function usageErrorOf(commanderMessage: string): UsageError {
  const [mistake = '', ...rest] = commanderMessage.replace(/^error: /, '').split('\n');
  // `(Did you mean one of a, b?)` when several are as close (commander's suggestSimilar.js).
  const meant = rest.map((line) => /^\(Did you mean (one of [^?]+|\S+)\?\)$/.exec(line.trim())?.[1]).find((x) => x !== undefined);
  const others = rest.filter((line) => !/^\(Did you mean /.test(line.trim()));
  const message = [mistake, ...others, USAGE].join('\n');
  return new UsageError(message, meant === undefined ? undefined : `${mistake}: did you mean ${meant}?`);
}

/**
 * Everything beyond a bare protocol action — `--help`, `--version`, mistakes — goes through
 * commander (loaded now, from its own chunk; this module is in dist/cli-commands.js). It never exits the process or writes anywhere
 * itself: help and version become ordinary output, argument mistakes a `UsageError`.
 */
export async function runCommanderProgram(argv: readonly string[], ctx: CommandContext): Promise<void> {
  if (argv.length === 0) throw new UsageError(USAGE);
  const commander = await import('commander');
  const program = createRootProgram(commander, ctx);
  addProtocolCommands(program, ctx);
  addGetLoginPasswordCommand(program, ctx);
  addKubeletConfigCommand(program, ctx);
  addConfigureCommand(program, ctx);
  addDoctorCommand(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof commander.CommanderError)) throw error;
    // --help and --version end commander with exit code 0 after writing their text.
    if (error.exitCode === 0) return;
    throw usageErrorOf(error.message);
  }
}
