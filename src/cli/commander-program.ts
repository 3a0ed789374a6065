import type { Command } from 'commander';
import packageJson from '../../package.json';
import { UsageError } from '../errors';
import { formatVersion } from '../protocol/docker/credentials';
import { type DockerAction, handleDockerAction } from '../protocol/docker/handle-command';
import { formatKubeletConfig, isProviderName } from '../protocol/kubelet/format-kubelet-config';
import { handleCredentialProviderRequest } from '../protocol/kubelet/handle-request';
import type { CommandContext } from './command-context';
import type { ConfigureOptions } from './configure/plan-configure-request';
import { formatHelpFooter } from './format-help';
import { formatReadmeAddress } from './format-readme-address';

const DESCRIPTIONS: Readonly<Record<DockerAction, string>> = {
  get: 'print the credentials for the server URL read from stdin',
  store: 'accept credentials JSON from stdin (a no-op for ECR registries)',
  erase: 'forget the credentials for the server URL read from stdin (a no-op for ECR)',
  list: 'print the registries that have a cached token, as JSON',
  version: 'print the version',
};

const USAGE =
  'Usage: docker-credential-ecr-login <get|store|erase|list|version> | get-credentials | kubelet-config | configure | doctor [options]';

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
    .showSuggestionAfterError(false)
    .addHelpText('after', () =>
      formatHelpFooter(ctx.services.config, formatReadmeAddress((packageJson as { homepage?: string }).homepage, ctx.programFile)),
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

/** `kubelet-config`: prints the CredentialProviderConfig for this helper and the settings' aliases. */
function addKubeletConfigCommand(program: Command, ctx: CommandContext): void {
  program
    .command('kubelet-config')
    .description('print a kubelet CredentialProviderConfig (YAML) that runs this helper as ecr-credential-provider')
    .option('--service-account', "pass pods' service account tokens, to pull as the role their service account names")
    .option('--name <name>', "the provider's file name in --image-credential-provider-bin-dir", 'ecr-credential-provider')
    .helpOption('-h, --help', 'describe kubelet-config')
    .action((options: { serviceAccount?: boolean; name: string }) => {
      if (!isProviderName(options.name)) {
        throw new UsageError(
          `--name ${JSON.stringify(options.name)} is not a file name kubelet can run: use letters, digits, ".", "_" and "-"`,
        );
      }
      const aliases = ctx.services.settings().aliases.map((a) => (a.port === undefined ? a.host : `${a.host}:${a.port}`));
      ctx.output(formatKubeletConfig({ name: options.name, serviceAccount: options.serviceAccount === true, aliases }));
    });
}

/** `configure`: its options, and run-configure loaded only when it runs. */
function addConfigureCommand(program: Command, ctx: CommandContext): void {
  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  program
    .command('configure')
    .description(
      'route registries to this helper in the docker config (or the containers auth file), and set a profile, role or alias per registry',
    )
    .option('--registry <host>', 'an ECR registry host (repeatable); with --profile/--role-arn also a glob', collect, [])
    .option('--all-ecr', 'every ECR registry the file already names (docker login), and public.ecr.aws')
    .option('--creds-store', 'set "credsStore": this helper for every registry without its own entry')
    .option('--containers-auth', 'edit the auth file of podman, skopeo and buildah instead of the docker config')
    .option('--profile <name>', 'the AWS profile for the --registry hosts (settings file)')
    .option('--role-arn <arn>', 'a role to assume for the --registry hosts (settings file)')
    .option(
      '--alias <alias=host>',
      "a DNS name of yours in front of an ECR registry (CNAME, proxy), sent that registry's token (repeatable)",
      collect,
      [],
    )
    .option('--dry-run', 'print the changes as a diff and write nothing')
    .option('--force', "with --creds-store: replace another helper's credsStore (Docker Desktop's, the OS keychain's)")
    .option('--config <path>', 'the docker config or auth file to edit')
    .helpOption('-h, --help', 'describe configure')
    .action(async (options: ConfigureOptions) => {
      const { runConfigure } = await import('./configure/run-configure');
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
    .option('--json', 'print the report as JSON: {"host","checks":[{"name","status","detail","fix"}],"ok"}')
    .option('--registry-url <url>', "send the registry check's GET /v2/ here instead of https://<host>")
    .helpOption('-h, --help', 'describe doctor')
    .action(async (host: string | undefined, options: { json?: boolean; registryUrl?: string }) => {
      const { runDoctorCommand } = await import('./doctor/doctor-command');
      await runDoctorCommand(host, options, ctx);
    });
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
  addKubeletConfigCommand(program, ctx);
  addConfigureCommand(program, ctx);
  addDoctorCommand(program, ctx);

  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof commander.CommanderError)) throw error;
    // --help and --version end commander with exit code 0 after writing their text.
    if (error.exitCode === 0) return;
    throw new UsageError(`${error.message.replace(/^error: /, '')}\n${USAGE}`);
  }
}
