import fc from 'fast-check';
import { editClientConfig } from '../../src/cli/configure/edit-client-config';
import { HELPER_NAME } from '../../src/cli/helper-names';
import { ConfigError } from '../../src/errors';
import { parseSettings } from '../../src/settings/parse-settings';
import { ECR_HOST, FUZZ, urlish } from '../helpers/fuzz';

/*
 * The files people edit by hand, over arbitrary content: invariants, not outputs.
 * - configure's edit of a docker config: refused with a ConfigError, or valid JSON that keeps
 *   every other key exactly and routes the hosts asked for;
 * - the settings file: read, or refused with a ConfigError (one line), never anything else.
 */

/** JSON values like those of docker configs: nested objects, strings with escapes and Unicode. */
const value = fc.jsonValue({ maxDepth: 3 });
/** A docker config's top level: well-known keys with any value, and others. */
const config = fc.dictionary(
  fc.oneof(
    fc.constantFrom('auths', 'credHelpers', 'credsStore', 'proxies', 'experimental', 'HttpHeaders', 'psFormat'),
    fc.string({ maxLength: 12 }),
  ),
  value,
  { maxKeys: 6 },
);
/** How people and tools lay JSON out. */
const layout = fc.constantFrom<(v: unknown) => string>(
  (v) => JSON.stringify(v),
  (v) => JSON.stringify(v, null, 2),
  (v) => JSON.stringify(v, null, '\t'),
  (v) => `${JSON.stringify(v, null, 4).replace(/\n/g, '\r\n')}\r\n`,
);

describe('configure’s edit of a docker config', () => {
  it('refuses with a ConfigError, or writes valid JSON with every other key intact and the hosts routed', () => {
    fc.assert(
      fc.property(
        config,
        layout,
        fc.subarray([ECR_HOST, 'public.ecr.aws', '111122223333.dkr.ecr.eu-west-1.amazonaws.com']),
        fc.boolean(),
        fc.boolean(),
        (generated, format, hosts, allEcr, credsStore) => {
          const text = format(generated);
          // As JSON reads it (-0 is written 0).
          const before = JSON.parse(text) as Record<string, unknown>;
          let edited: string;
          try {
            edited = editClientConfig(text, { hosts, allEcr, credsStore }, 'config.json').text;
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
            expect((error as Error).message).not.toContain('\n');
            return;
          }
          const after = JSON.parse(edited) as Record<string, unknown>;
          for (const [key, was] of Object.entries(before)) {
            if (key === 'credHelpers' || (key === 'credsStore' && credsStore)) continue;
            expect(after[key]).toEqual(was);
          }
          expect(Object.keys(after).filter((key) => !(key in before) && key !== 'credHelpers' && key !== 'credsStore')).toEqual([]);
          if (credsStore) expect(after.credsStore).toBe(HELPER_NAME);
          const helpers = (after.credHelpers ?? {}) as Record<string, unknown>;
          for (const host of hosts) expect(helpers[host]).toBe(HELPER_NAME);
          // Entries for other hosts in credHelpers are kept as they were.
          const old = before.credHelpers;
          if (typeof old === 'object' && old !== null && !Array.isArray(old)) {
            for (const [host, helper] of Object.entries(old)) if (!hosts.includes(host) && !allEcr) expect(helpers[host]).toEqual(helper);
          }
        },
      ),
      FUZZ,
    );
  });

  it('an edit of its own output changes nothing (a second run is a no-op)', () => {
    fc.assert(
      fc.property(config, layout, (before, format) => {
        let once: string;
        try {
          once = editClientConfig(format(before), { hosts: [ECR_HOST], allEcr: false, credsStore: false }, 'config.json').text;
        } catch {
          return;
        }
        const twice = editClientConfig(once, { hosts: [ECR_HOST], allEcr: false, credsStore: false }, 'config.json');
        expect(twice).toEqual({ text: once, changes: [], warnings: expect.any(Array), setsCredsStore: false });
      }),
      FUZZ,
    );
  });
});

describe('the settings file', () => {
  const section = fc.dictionary(
    fc.oneof(urlish, fc.constantFrom('*.dkr.ecr.*.amazonaws.com', ECR_HOST, 'registry.example.com')),
    fc.oneof(
      fc.record(
        { profile: fc.string({ maxLength: 10 }), roleArn: fc.oneof(fc.string(), fc.constant('arn:aws:iam::111122223333:role/x')) },
        { requiredKeys: [] },
      ),
      fc.constantFrom(ECR_HOST, 'public.ecr.aws', 'registry.example.com'),
      value,
    ),
    { maxKeys: 3 },
  );
  const settings = fc.oneof(
    fc.record({ registries: section, aliases: section }, { requiredKeys: [] }).map((v) => JSON.stringify(v)),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 60 }),
  );

  it('is read, or refused with one line naming the file; never another error', () => {
    fc.assert(
      fc.property(settings, (text) => {
        try {
          parseSettings(text, '/home/u/.ecr/config.json');
        } catch (error) {
          expect(error).toBeInstanceOf(ConfigError);
          const { message } = error as Error;
          expect(message).toMatch(/^invalid settings file \/home\/u\/\.ecr\/config\.json/);
          expect(message).not.toContain('\n');
        }
      }),
      FUZZ,
    );
  });
});
