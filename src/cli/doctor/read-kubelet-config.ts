import { readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import {
  type CredentialProvider,
  CredentialProviderConfigError,
  decodeCredentialProviderConfig,
  validateCredentialProviderConfig,
} from '../../protocol/kubelet/parse-credential-provider-config';
import type { FsPlatform } from '../../safe-fs/fs-platform';
import { readRegularFile } from '../../safe-fs/read-files';

/** Far larger than any CredentialProviderConfig. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** What reading kubelet's credential provider config found. */
export type KubeletConfigRead =
  | {
      readonly status: 'ok';
      readonly files: readonly string[];
      readonly apiVersions: readonly string[];
      readonly providers: readonly CredentialProvider[];
    }
  | { readonly status: 'missing' }
  | { readonly status: 'invalid'; readonly file: string; readonly problems: readonly string[] };

/**
 * A YAML or JSON document as kubelet's decoder reads it (sigs.k8s.io/yaml: YAML 1.1, a key
 * given twice is an error). The YAML library loads only here, when doctor --kubelet runs.
 */
async function parseYamlOrJson(text: string): Promise<unknown> {
  const YAML = await import('yaml');
  // JSON is YAML 1.2; YAML 1.1 reads `yes`/`on` as booleans, as kubelet's reader does.
  const version = text.trimStart().startsWith('{') ? '1.2' : '1.1';
  return YAML.parse(text, { version, uniqueKeys: true, prettyErrors: false });
}

/** The files kubelet reads at `path`: the file, or a directory's *.json, *.yaml and *.yml in name order. */
function configFiles(path: string, fsPlatform: FsPlatform): string[] | 'missing' {
  let isDirectory: boolean;
  try {
    isDirectory = fsPlatform.stat(path).isDirectory();
  } catch {
    return 'missing';
  }
  if (!isDirectory) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !entry.isDirectory() && ['.json', '.yaml', '.yml'].includes(extname(entry.name)))
    .map((entry) => join(path, entry.name))
    .sort();
}

/**
 * Reads kubelet's `--image-credential-provider-config` (a file, or a directory of them since
 * kubelet 1.34) as kubelet does (plugin/config.go): each file decoded strictly, the providers
 * merged (a name twice is an error), then validated.
 */
export async function readKubeletConfig(path: string, fsPlatform: FsPlatform): Promise<KubeletConfigRead> {
  const files = configFiles(path, fsPlatform);
  if (files === 'missing') return { status: 'missing' };
  if (files.length === 0)
    return { status: 'invalid', file: path, problems: ['no configuration files (*.json, *.yaml, *.yml) in the directory'] };
  const providers: CredentialProvider[] = [];
  const apiVersions: string[] = [];
  for (const file of files) {
    const read = readRegularFile(file, MAX_CONFIG_BYTES, fsPlatform);
    if (read.status !== 'ok') {
      const why = read.status === 'too-large' ? 'larger than 1 MiB' : read.status === 'unsafe' ? read.why : 'cannot be read';
      return read.status === 'missing' ? { status: 'missing' } : { status: 'invalid', file, problems: [why] };
    }
    try {
      const config = decodeCredentialProviderConfig(await parseYamlOrJson(read.text));
      const twice = config.providers.find((p) => providers.some((q) => q.name === p.name));
      if (twice)
        return {
          status: 'invalid',
          file,
          problems: [`duplicate provider name ${JSON.stringify(twice.name)} found in configuration file(s)`],
        };
      providers.push(...config.providers);
      apiVersions.push(config.apiVersion);
    } catch (error) {
      const problems =
        error instanceof CredentialProviderConfigError ? error.problems : [error instanceof Error ? error.message : String(error)];
      return { status: 'invalid', file, problems };
    }
  }
  const problems = validateCredentialProviderConfig(providers);
  if (problems.length > 0) return { status: 'invalid', file: path, problems };
  return { status: 'ok', files, apiVersions, providers };
}
