import { JsonSyntaxError, parseJsonDocument } from '../../../../src/cli/configure/json-document';

describe('parseJsonDocument', () => {
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
