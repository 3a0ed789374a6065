import * as fs from 'node:fs';
import * as path from 'node:path';
import { editClientConfig } from '../../../../src/cli/configure/edit-client-config';
import { DOCKER_LAYOUT, detectLayout, editJsonText } from '../../../../src/cli/configure/edit-json-text';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/configure');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

describe('editJsonText: only what is set changes', () => {
  it('a hand-spaced file keeps its blank lines and spacing; the entries set are the only new bytes', () => {
    const before = fixture('hand-spaced.json');
    const after = editClientConfig(before, { hosts: [ECR, 'public.ecr.aws'], allEcr: false, credsStore: true, force: true }, 'f').text;
    // public.ecr.aws switched in place, the ECR host added after it, credsStore added at the end.
    expect(after).toBe(
      before
        .replace('"public.ecr.aws"  :  "desktop"   }', `"public.ecr.aws"  :  "ecr-login",\n    "${ECR}": "ecr-login"   }`)
        .replace('"numbers": [1, 2.50,   3]\n}', '"numbers": [1, 2.50,   3],\n  "credsStore": "ecr-login"\n}'),
    );
    expect(JSON.parse(after)).toMatchObject({ credsStore: 'ecr-login', credHelpers: { 'gcr.io': 'gcloud', [ECR]: 'ecr-login' } });
  });

  it.each([
    [undefined, `{\n\t"a": {\n\t\t"b": "c"\n\t}\n}\n`],
    ['', `{\n\t"a": {\n\t\t"b": "c"\n\t}\n}\n`],
    ['{}', `{\n\t"a": {\n\t\t"b": "c"\n\t}\n}`],
    ['{\n  "a": null\n}\n', '{\n  "a": {\n    "b": "c"\n  }\n}\n'],
    ['{\n  "a": {  }\n}\n', '{\n  "a": {\n    "b": "c"\n  }\n}\n'],
    ['{"x":1}', '{\n\t"x":1,\n\t"a": {\n\t\t"b": "c"\n\t}\n}'],
  ])('%j, setting a.b: %j', (text, expected) => {
    expect(editJsonText(text, [{ path: ['a', 'b'], value: 'c' }], detectLayout(text))).toBe(expected);
  });

  it('detectLayout: indentation, line breaks and final newline as the file has them; docker’s for none', () => {
    expect(detectLayout('{\n\t"a": 1\n}')).toEqual({ indent: '\t', newline: '\n', finalNewline: false });
    expect(detectLayout('{\n  "a": 1\n}\n')).toEqual({ indent: '  ', newline: '\n', finalNewline: true });
    expect(detectLayout('{\r\n    "a": 1\r\n}\r\n')).toEqual({ indent: '    ', newline: '\r\n', finalNewline: true });
    expect(detectLayout('{"a": 1}')).toEqual({ indent: '\t', newline: '\n', finalNewline: false });
    expect(detectLayout(undefined)).toEqual(DOCKER_LAYOUT);
  });
});
