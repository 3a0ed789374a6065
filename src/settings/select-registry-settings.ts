import { parseRegistry, type Registry } from '../registry/parse-registry';
import { parseServerUrl, type ServerUrl } from '../registry/parse-server-url';
import type { Alias, HostPattern, RegistrySettings, Settings } from './parse-settings';

/** Where a request is sent: a host name and the port given (undefined: the scheme's default). */
export type HostAndPort = Pick<ServerUrl, 'hostname' | 'port'>;

/**
 * One label against one glob label: `*` stands for any run of characters, as in Go's
 * path.Match (a label holds no `.`). Matched by hand, not through a RegExp built from the glob:
 * its first piece starts the label, its last ends it, and the pieces between are found in
 * order, each as early as it can be (which is enough when `*` is the only wildcard). The
 * label is the request's, up to 64 KiB; the glob is at most 63 characters.
 */
function matchesLabel(glob: string, label: string): boolean {
  if (!glob.includes('*')) return glob === label;
  const pieces = glob.split('*');
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  if (label.length < first.length + last.length || !label.startsWith(first) || !label.endsWith(last)) return false;
  const end = label.length - last.length;
  let at = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = label.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/**
 * Whether a host matches a `registries` key, by kubelet's `matchImages` rule: the same number of
 * labels, each matched as a glob (so `*.dkr.ecr.*.amazonaws.com` never matches
 * `a.b.dkr.ecr.us-east-1.amazonaws.com`), and the same port (a key without one matches only
 * requests without one).
 */
export function matchesHostPattern(pattern: HostPattern, target: HostAndPort): boolean {
  const labels = target.hostname.toLowerCase().split('.');
  if (pattern.port !== target.port || labels.length !== pattern.labels.length) return false;
  return pattern.labels.every((glob, i) => matchesLabel(glob, labels[i] ?? ''));
}

/**
 * The settings for a registry host: the key without `*` that names the host (letter case
 * ignored) first; otherwise the first glob key that matches, in file order. Undefined: no
 * entry, so the default credential chain as without a settings file.
 */
export function selectRegistrySettings(settings: Settings, target: HostAndPort): RegistrySettings | undefined {
  const rules = settings.registries;
  const exact = rules.find((rule) => !rule.pattern.isGlob && matchesHostPattern(rule.pattern, target));
  return (exact ?? rules.find((rule) => rule.pattern.isGlob && matchesHostPattern(rule.pattern, target)))?.settings;
}

/** The alias a request's host and port name, if any (host names compared in lower case, ports exactly). */
export function selectAlias(settings: Settings, target: HostAndPort): Alias | undefined {
  const host = target.hostname.toLowerCase();
  return settings.aliases.find((alias) => alias.host === host && alias.port === target.port);
}

/** The ECR registry a request is for, the alias it came through, and the settings that apply. */
export interface RegistryTarget {
  readonly registry: Registry;
  /** Set when the request named an alias (its host, not ECR's, is what the client asked for). */
  readonly alias: Alias | undefined;
  /** The registry's entry in `registries`; undefined: the default credential chain. */
  readonly settings: RegistrySettings | undefined;
  /** The host and port the request named (the alias's, for an alias): they select this target again. */
  readonly requested: HostAndPort;
}

/**
 * What a server URL or image reference names: an ECR registry directly, or an alias of one
 * (any spelling `parseServerUrl` reads; never over plain `http://`, as for ECR hosts). An
 * alias takes the settings of its target registry. Undefined: neither, so not ours to answer
 * with a token.
 */
export function selectRegistryTarget(input: string, settings: Settings): RegistryTarget | undefined {
  const url = parseServerUrl(input);
  if (!url || url.scheme === 'http') return undefined;
  const registry = parseRegistry(input);
  const requested = { hostname: url.hostname, port: url.port };
  if (registry) return { registry, alias: undefined, settings: selectRegistrySettings(settings, url), requested };
  const alias = selectAlias(settings, url);
  const target = alias && parseRegistry(alias.target);
  if (!alias || !target) return undefined;
  return { registry: target, alias, settings: selectRegistrySettings(settings, { hostname: target.host, port: undefined }), requested };
}
