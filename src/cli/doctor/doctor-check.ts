import type { AwsDiagnostics, CallerIdentity, CredentialSummary } from '../../aws/create-aws-diagnostics';
import { DiagnosticError } from '../../aws/diagnostic-error';
import type { AuthorizationToken, TokenRequestOptions } from '../../aws/token-source';
import { HelperError } from '../../errors';
import type { CredentialProvider } from '../../protocol/kubelet/parse-credential-provider-config';
import type { Registry } from '../../registry/parse-registry';
import type { RegistryCredentials } from '../../resolver/registry-credentials';
import type { HelperServices } from '../../services';
import type { Settings } from '../../settings/parse-settings';
import type { RegistryTarget } from '../../settings/select-registry-settings';
import type { RunProgram } from '../exec-provider';
import type { IsExecutableFile } from '../find-on-path';
import type { AskVersion } from '../helper-on-path';
import type { JsonFileRead, ReadJsonFile } from './check-client-config';
import type { CheckName, CheckResult } from './check-result';

/** What `doctor` gets from its command: the services, the process's facts, the real parts. */
export interface DoctorDeps {
  readonly services: HelperServices;
  readonly platform: NodeJS.Platform;
  /** The current user's uid (POSIX), for the containers auth file's default place. */
  readonly uid: number | undefined;
  /** This program's version, to recognise it on PATH. */
  readonly version: string;
  /** This program's file, to name its directory when another program shadows it on PATH. */
  readonly programFile?: string | undefined;
  /** Asks the program on PATH its version (helper-on-path.ts). */
  readonly askVersion?: AskVersion;
  /** Tests: which files count as programs (default: the file system's answer). */
  readonly isExecutable?: IsExecutableFile;
  readonly readJsonFile: ReadJsonFile;
  /** The AWS side, for the default chain or, with `profile`, that profile's chain. */
  readonly createDiagnostics: (profile: string | undefined) => AwsDiagnostics;
  /** doctor --kubelet: runs a credential provider as kubelet does (exec-provider.ts). */
  readonly runProgram?: RunProgram;
  /** doctor --kubelet: the environment kubelet's providers inherit (this process's, as kubelet passes its own). */
  readonly kubeletEnv?: Readonly<Record<string, string>>;
}

/** What `doctor --kubelet` checks: the image, kubelet's config and bin dir (given, or EKS's). */
export interface KubeletTarget {
  /** The image as given, and the name kubelet looks it up by (kubelet-image-name.ts). */
  readonly image: string;
  readonly lookupName: string;
  readonly configPath: string;
  readonly binDir: string;
  /** Whether the paths were given (else EKS's defaults). */
  readonly configGiven: boolean;
  readonly binDirGiven: boolean;
}

/** What every check may read: worked out once, before the first check runs. */
export interface DoctorContext {
  readonly deps: DoctorDeps;
  readonly services: HelperServices;
  /** The registry as given (trimmed), and as docker looks it up; undefined: none given, or not a host. */
  readonly host: string | undefined;
  readonly hostKey: string | undefined;
  /** The settings file as the helper reads it, or why it cannot (`get` then refuses every host). */
  readonly settings: { readonly value: Settings } | { readonly error: unknown };
  /** The ECR registry the host names (itself, or through an alias), and its settings. */
  readonly target: RegistryTarget | undefined;
  readonly registry: Registry | undefined;
  /** The region the AWS calls go to: the registry's, else AWS_REGION or AWS_DEFAULT_REGION, else us-east-1. */
  readonly region: string;
  /** The cache identity and the way the token is fetched, or why they cannot be worked out. */
  readonly credentials: { readonly value: RegistryCredentials } | { readonly error: unknown };
  /** How the token is fetched, with an assumed role's credentials never cached (doctor writes nothing). */
  readonly request: TokenRequestOptions;
  readonly diagnostics: AwsDiagnostics;
  /** Where the registry check sends its `GET /v2/` (`--registry-url`, else the host). */
  readonly registryUrl: string | undefined;
  /** The longest a network check may take. */
  readonly deadlineMs: number;
  /** The docker config's path and what reading it found: read once, judged by two checks. */
  readonly dockerConfig: () => { readonly file: string; readonly read: JsonFileRead };
  /** doctor --kubelet's subject; undefined for the docker checks. */
  readonly kubelet?: KubeletTarget | undefined;
}

/** What checks learn and later checks use: typed, never parsed back out of a message. */
export interface DoctorFacts {
  /** The docker config sends every registry to this helper (`credsStore`). */
  readonly dockerUsesCredsStore?: boolean;
  readonly credentials?: CredentialSummary;
  readonly identity?: CallerIdentity;
  readonly token?: AuthorizationToken;
  /** The principal ECR refused, as AWS named it. */
  readonly refusedPrincipal?: string;
  /** ECR refused the token for want of permission. */
  readonly accessDenied?: boolean;
  /** doctor --kubelet: the providers of kubelet's config, those whose matchImages match the image, the binaries found (name -> file). */
  readonly kubeletProviders?: readonly CredentialProvider[];
  readonly kubeletMatched?: readonly CredentialProvider[];
  readonly kubeletBinaries?: ReadonlyMap<string, string>;
}

/** A check's result, and the facts it learned. */
export interface CheckOutcome {
  readonly result: CheckResult;
  readonly facts?: DoctorFacts;
}

/**
 * One row of doctor's table: its name, what it needs from earlier checks (without it, SKIP with
 * the reason), and `run`. A check that waits on the network gives `onDeadline`: the runner
 * bounds `run` by the check deadline and reports that instead when it passes first (and
 * ignores what a late run learns). `afterGroup` sees the facts of the checks run beside it.
 */
export interface DoctorCheck {
  readonly name: CheckName;
  readonly needs?: { readonly fact: keyof DoctorFacts; readonly why: string };
  readonly onDeadline?: (ctx: DoctorContext) => CheckResult;
  run(ctx: DoctorContext, facts: DoctorFacts): CheckOutcome | Promise<CheckOutcome>;
  afterGroup?(result: CheckResult, facts: DoctorFacts): CheckResult;
}

/** The `needs` of the checks that ask AWS with the credentials aws-credentials found. */
export const NEEDS_CREDENTIALS = { fact: 'credentials', why: 'no AWS credentials (see aws-credentials)' } as const;

/** An error's one line for the report: a helper error's hint, else its message. */
export function messageOf(error: unknown): string {
  if (error instanceof HelperError) return error.hint ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

/** What to do about an error: a diagnostic's own fix, else `fallback`. */
export function fixOf(error: unknown, fallback: string): string {
  return error instanceof DiagnosticError ? error.fix : fallback;
}

/** `11 h 52 min`, `4 min`, `40 s`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.floor(ms / 1000))} s`;
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}
