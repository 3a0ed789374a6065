import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInProcess } from '../../helpers/run-in-process';
import { makeTempDir } from '../../helpers/temp-dir';

async function help(args: string[], env: Record<string, string> = {}, programName = 'docker-credential-ecr-login') {
  const home = makeTempDir();
  return { ...(await runInProcess(args, { env, programName, homeDir: home })), home };
}

const COMMANDS = [
  'get',
  'store',
  'erase',
  'list',
  'version',
  'get-credentials',
  'get-login-password',
  'kubelet-config',
  'configure',
  'doctor',
];

describe('--help', () => {
  it('lists every command', async () => {
    const out = await help(['--help']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const commands = out.stdout.slice(out.stdout.indexOf('Commands:'), out.stdout.indexOf('Environment:'));
    for (const command of COMMANDS) expect(commands).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'));
  });

  it('lists the environment variables the helper reads', async () => {
    const { stdout } = await help(['--help']);
    for (const variable of [
      'AWS_ECR_CACHE_DIR',
      'AWS_ECR_DISABLE_CACHE',
      'AWS_ECR_CACHE_BACKEND',
      'AWS_ECR_LOG_LEVEL',
      'AWS_ECR_IGNORE_CREDS_STORAGE',
      'AWS_ECR_COMMAND_TIMEOUT',
      'AWS_ECR_ROLE_ARN',
      'AWS_ECR_CONFIG',
      'AWS_PROFILE',
      'AWS_ENDPOINT_URL_ECR',
      'AWS_USE_DUALSTACK_ENDPOINT',
      'HTTPS_PROXY',
      'NO_PROXY',
      'DOCKER_CONFIG',
      'REGISTRY_AUTH_FILE',
      'NO_COLOR',
    ]) {
      expect(stdout).toMatch(new RegExp(`^ {2}(\\S+, )*${variable}\\b`, 'm'));
    }
  });

  it('lists exactly the variables src/config.ts (with src/retry-settings.ts) reads, each by its full name', async () => {
    const { stdout } = await help(['--help']);
    const section = stdout.slice(stdout.indexOf('Environment:'), stdout.indexOf('Files (for this user'));
    const listed = new Set(
      section.split('\n').flatMap((line) => /^ {2}([A-Z][A-Z0-9_]*(?:, [A-Z][A-Z0-9_]*)*),?(?: {2,}|$)/.exec(line)?.[1]?.split(', ') ?? []),
    );
    const source = ['config.ts', 'retry-settings.ts']
      .map((file) => fs.readFileSync(path.join(__dirname, '../../../src', file), 'utf8'))
      .join('\n');
    // Quoted names (the variable lists) and `env.NAME` reads; the lower-case proxy names go with the upper-case ones.
    const read = new Set([...source.matchAll(/'([A-Z][A-Z0-9_]*)'|env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1] ?? m[2] ?? ''));
    expect([...listed].sort()).toEqual([...read].sort());
  });

  it('shows the cache, log, settings and docker config paths as they resolve for this user', async () => {
    const { stdout, home } = await help(['--help']);
    expect(stdout).toContain(`  token cache    ${path.join(home, '.ecr', 'tokens.json')}\n`);
    expect(stdout).toContain(`  log            ${path.join(home, '.ecr', 'log', 'ecr-login.log')}\n`);
    expect(stdout).toContain(`  settings       ${path.join(home, '.ecr', 'config.json')}\n`);
    expect(stdout).toContain(`  docker config  ${path.join(home, '.docker', 'config.json')}\n`);
  });

  it('follows the environment: AWS_ECR_CACHE_DIR, DOCKER_CONFIG, the keychain backend', async () => {
    const dir = makeTempDir();
    const { stdout } = await help(['--help'], {
      AWS_ECR_CACHE_DIR: dir,
      DOCKER_CONFIG: '/etc/docker-ci',
      AWS_ECR_CACHE_BACKEND: 'keychain',
    });
    expect(stdout).toContain('  token cache    the OS keychain (AWS_ECR_CACHE_BACKEND=keychain)\n');
    expect(stdout).toContain(`  log            ${path.join(dir, 'log', 'ecr-login.log')}\n`);
    expect(stdout).toContain(`  docker config  ${path.join(path.resolve('/etc/docker-ci'), 'config.json')}\n`);
    // The file configure edits is that one, not ~/.docker/config.json.
    expect(stdout).not.toContain('~/.docker/config.json');
  });

  it.each<[Record<string, string>, string]>([
    [{}, "  attempts  the profile's max_attempts, else 3\n  mode      the profile's retry_mode, else standard\n"],
    [{ AWS_MAX_ATTEMPTS: '6', AWS_RETRY_MODE: 'adaptive' }, '  attempts  6 (AWS_MAX_ATTEMPTS)\n  mode      adaptive (AWS_RETRY_MODE)\n'],
  ])('shows the AWS retries the environment sets: %j', async (env, lines) => {
    const { stdout } = await help(['--help'], env);
    expect(stdout).toContain(`AWS retries (for this environment; doctor shows what applies):\n${lines}`);
  });

  it('says how to configure, how to diagnose, and where to read more', async () => {
    const { stdout } = await help(['--help']);
    expect(stdout).toContain('docker-credential-ecr-login configure --registry <account>.dkr.ecr.<region>.amazonaws.com');
    expect(stdout).toContain('docker-credential-ecr-login doctor <registry host>');
    expect(stdout).toMatch(/^Each command has its own --help\. More: .*README/m);
  });

  it('as ecr-credential-provider, the same help', async () => {
    const { stdout, code } = await help(['--help'], {}, 'ecr-credential-provider');
    expect(code).toBe(0);
    expect(stdout).toContain('Environment:');
  });
});

describe('each command has its own --help', () => {
  it.each(COMMANDS.map((c) => [c]))('%s --help', async (command) => {
    const out = await help([command, '--help']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(new RegExp(`^Usage: docker-credential-ecr-login ${command}\\b`));
    expect(out.stdout).not.toContain('Environment:');
  });

  it('doctor --help names its argument and options', async () => {
    const { stdout } = await help(['doctor', '--help']);
    expect(stdout).toContain('Usage: docker-credential-ecr-login doctor [options] [host]');
    expect(stdout).toContain('--json');
    expect(stdout).toContain('--registry-url <url>');
  });

  it('get-credentials -h as ecr-credential-provider is help, not a kubelet request', async () => {
    const out = await help(['get-credentials', '-h'], {}, 'ecr-credential-provider');
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^Usage: docker-credential-ecr-login get-credentials/);
  });
});

describe('repeatable options keep every value, in order', () => {
  it('kubelet-config --env A=1 --env B=2', async () => {
    const result = await help(['kubelet-config', '--format', 'json', '--env', 'A=1', '--env', 'B=2']);
    expect(result.code).toBe(0);
    const env = JSON.parse(result.stdout).providers[0].env;
    expect(env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
  });

  it('configure --registry X --registry Y --alias … (a dry run)', async () => {
    const x = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
    const y = '210987654321.dkr.ecr.eu-west-1.amazonaws.com';
    const result = await help(['configure', '--dry-run', '--registry', x, '--registry', y, '--alias', `r.example.com=${x}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`+\t\t"${x}": "ecr-login",\n+\t\t"${y}": "ecr-login",\n+\t\t"r.example.com": "ecr-login"\n`);
  });
});
