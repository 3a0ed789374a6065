import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_LAYOUT,
  detectLayout,
  formatJsonDocument,
  JsonSyntaxError,
  parseJsonDocument,
} from '../../../../src/cli/configure/json-document';

const FIXTURES = path.resolve(__dirname, '../../../fixtures/configure');
const fixture = (name: string): string => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('parseJsonDocument and formatJsonDocument', () => {
  it.each([
    'docker-desktop-mac.json',
    'ci-runner-linux.json',
    'osxkeychain-two-spaces.json',
    'windows-four-spaces-crlf.json',
    'containers-auth.json',
  ])('write %s back byte for byte', (name) => {
    const text = fixture(name);
    expect(formatJsonDocument(parseJsonDocument(text), detectLayout(text))).toBe(text);
  });

  it('keeps integer-like keys in place and scalars as written (JSON.parse would not)', () => {
    const text = '{\n\t"b": 1.50,\n\t"10": "\\u003cx\\u003e",\n\t"big": 12345678901234567890\n}';
    expect(formatJsonDocument(parseJsonDocument(text), detectLayout(text))).toBe(text);
    expect(Object.keys(JSON.parse(text))).toEqual(['10', 'b', 'big']);
  });

  it('writes empty containers as {} and [], and a one-line file in docker style', () => {
    const text = '{"a":{},"b":[],"c":[1,{"d":null}]}';
    expect(formatJsonDocument(parseJsonDocument(text), detectLayout(text))).toBe(
      '{\n\t"a": {},\n\t"b": [],\n\t"c": [\n\t\t1,\n\t\t{\n\t\t\t"d": null\n\t\t}\n\t]\n}',
    );
    expect(formatJsonDocument(parseJsonDocument('{}'), DEFAULT_LAYOUT)).toBe('{}\n');
  });

  it.each([
    ['a trailing comma', '{\n\t"a": 1,\n}', 'expected a key in double quotes, found "}" at line 3, column 1'],
    ['a missing comma', '{"a": 1 "b": 2}', 'expected "," or "}", found """ at line 1, column 9'],
    ['a bare word', '{"a": yes}', 'expected a value, found "y" at line 1, column 7'],
    ['a single-quoted key', "{\n  'a': 1}", 'expected a key in double quotes, found "\'" at line 2, column 3'],
    ['an unterminated string', '{"a": "b}', 'unterminated string at line 1, column 7'],
    ['a bad escape', '{"a": "\\x"}', 'invalid escape in string at line 1, column 8'],
    ['a raw tab in a string', '{"a": "\t"}', 'character U+0009 in string (escape it) at line 1, column 8'],
    ['a comment', '{} // docker', 'unexpected "/" after the end of the JSON value at line 1, column 4'],
    ['a byte order mark', '\ufeff{}', 'expected a value, found character U+FEFF at line 1, column 1'],
    ['a truncated file', '{\n\t"auths": {', 'expected a key in double quotes, found end of file at line 2, column 12'],
    ['a leading zero', '[01]', 'expected "," or "]", found "1" at line 1, column 3'],
  ])('refuses %s, naming the line and column', (_what, text, message) => {
    expect(() => parseJsonDocument(text)).toThrow(JsonSyntaxError);
    expect(() => parseJsonDocument(text)).toThrow(message);
  });

  it('refuses nesting deep enough to exhaust the stack, as an error', () => {
    expect(() => parseJsonDocument('['.repeat(100_000))).toThrow('nested too deeply');
  });
});

describe('detectLayout', () => {
  it.each([
    ['{\n\t"a": 1\n}', { indent: '\t', newline: '\n', finalNewline: false }],
    ['{\n  "a": 1\n}\n', { indent: '  ', newline: '\n', finalNewline: true }],
    ['{\r\n    "a": 1\r\n}\r\n', { indent: '    ', newline: '\r\n', finalNewline: true }],
    ['{"a": 1}', { indent: '\t', newline: '\n', finalNewline: false }],
  ])('of %j', (text, layout) => {
    expect(detectLayout(text)).toEqual(layout);
  });
});
