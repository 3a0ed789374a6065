import { isAbsolute, resolve } from 'node:path';
import type { Config } from '../../config';
import { ConfigError } from '../../errors';
import type { FsPlatform } from '../../safe-fs/fs-platform';
import { parseSettings } from '../../settings/parse-settings';
import { resolveContainersAuthFile, resolveDockerConfigFile } from '../client-files';
import { type LoadedFile, loadConfigFile } from './config-file';
import { editClientConfig } from './edit-client-config';
import { editSettings } from './edit-settings';
import type { ConfigureOptions, ConfigureRequest } from './plan-configure-request';
import type { FileEdit } from './plan-file-edit';
import { type RemoveRequest, removeClientEntries, removeSettingsEntries } from './remove-entries';

/** One file configure edits: how it is read, and the edit it gets. */
export interface FileJob {
  readonly load: () => LoadedFile;
  readonly edit: (file: LoadedFile) => FileEdit;
}

/** What finding and reading the files takes (run-configure's `ConfigureContext` has it). */
export interface JobContext {
  readonly config: Config;
  readonly platform: NodeJS.Platform;
  readonly uid: number | undefined;
  readonly fsPlatform: FsPlatform;
}

/** The settings file (`Config.settingsFile`: `AWS_ECR_CONFIG`, else `<cache dir>/config.json`), absolute. */
function settingsFileOf(config: Config): string {
  const location = config.settingsFile;
  if (location === undefined) {
    throw new ConfigError('no place for the settings file: set HOME, AWS_ECR_CACHE_DIR or AWS_ECR_CONFIG to an absolute path');
  }
  if (!isAbsolute(location.path)) throw new ConfigError(`AWS_ECR_CONFIG=${location.path} is not an absolute path: set it to one`);
  return location.path;
}

/** The docker config, the containers auth file (`--containers-auth`), or the file `--config` names. */
function clientConfigFileOf(options: ConfigureOptions, { config, platform, uid }: JobContext): string {
  if (options.config !== undefined) return resolve(options.config);
  return options.containersAuth
    ? resolveContainersAuthFile(config.clientEnv, config.userHomeDir, platform, uid)
    : resolveDockerConfigFile(config.clientEnv, config.userHomeDir);
}

/** The settings file's job: read as the helper reads it, and never written in a form its reader refuses. */
function settingsJob(ctx: JobContext, edit: (text: string | undefined, file: string) => FileEdit): FileJob {
  const path = settingsFileOf(ctx.config);
  return {
    load: () => loadConfigFile(path, { followLink: false, notWritableByOthers: true, fsPlatform: ctx.fsPlatform }),
    edit: (file) => {
      const result = edit(file.text, file.path);
      // The helper's own reader judges the result (unknown fields, a glob and a host that differ
      // only in case, …): a file it would refuse is never written.
      if (result.changes.length > 0) parseSettings(result.text, file.path);
      return result;
    },
  };
}

function clientConfigJob(options: ConfigureOptions, ctx: JobContext, edit: (text: string | undefined, file: string) => FileEdit): FileJob {
  const path = clientConfigFileOf(options, ctx);
  return { load: () => loadConfigFile(path, { followLink: true, fsPlatform: ctx.fsPlatform }), edit: (file) => edit(file.text, file.path) };
}

/** The files the request changes, each with how it is read and the edit it gets: the settings file first, then the client's config. */
export function fileJobsOf(options: ConfigureOptions, { hosts, settings }: ConfigureRequest, ctx: JobContext): FileJob[] {
  const jobs: FileJob[] = [];
  if (settings.registries.length > 0 || settings.aliases.length > 0) {
    jobs.push(settingsJob(ctx, (text, file) => ({ ...editSettings(text, settings, file), warnings: [] })));
  }
  if (hosts.length > 0 || options.allEcr || options.credsStore) {
    const request = { hosts, allEcr: options.allEcr === true, credsStore: options.credsStore === true, force: options.force === true };
    jobs.push(clientConfigJob(options, ctx, (text, file) => editClientConfig(text, request, file)));
  }
  return jobs;
}

/** `--remove`: the settings file (when entries of it are named, or `--all`), then the client's config. */
export function removeJobsOf(options: ConfigureOptions, request: RemoveRequest, ctx: JobContext): FileJob[] {
  const jobs: FileJob[] = [];
  if (request.all || request.patterns.length > 0 || request.aliases.length > 0) {
    jobs.push(settingsJob(ctx, (text, file) => removeSettingsEntries(text, request, file)));
  }
  jobs.push(clientConfigJob(options, ctx, (text, file) => removeClientEntries(text, request, file)));
  return jobs;
}
