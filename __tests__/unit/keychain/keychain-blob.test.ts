import { escapeItemText, formatBlob, parseBlob, unescapeItemText } from '../../../src/keychain/keychain-blob';

describe('escapeItemText / unescapeItemText: UTF-8, printable ASCII kept as it is', () => {
  it.each<[string, string, string]>([
    ['token JSON (printable ASCII) is kept as it is', '{"host":"a","password":"eyJ+/="}', '{"host":"a","password":"eyJ+/="}'],
    ['a hex salt', '0123456789abcdef', '0123456789abcdef'],
    ['% is escaped, so an escape is always one', '100%', '100%25'],
    ['a newline (the padding byte) never appears raw', 'a\nb', 'a%0Ab'],
    ['other control characters', '\t\u0000\u007f', '%09%00%7F'],
    ['non-ASCII as its UTF-8 bytes', 'é€', '%C3%A9%E2%82%AC'],
    ['Arabic (UTF-8 lead bytes 0xD8–0xDF, UTF-16 surrogates at an odd offset)', 'ضا', '%D8%B6%D8%A7'],
    ['a character beyond the BMP', '😀', '%F0%9F%98%80'],
    ['empty', '', ''],
  ])('%s', (_what, value, escaped) => {
    expect(escapeItemText(value)).toBe(escaped);
    expect(unescapeItemText(escaped)).toBe(value);
  });

  it.each([
    ['a % with one digit', 'ab%4'],
    ['a % at the end', 'ab%'],
    ['lower-case hex (never written)', '%c3%a9'],
    ['not hex', '%G0'],
    ['bytes that are not UTF-8', '%C3%28'],
  ])('%s: not one this helper wrote', (_what, text) => {
    expect(unescapeItemText(text)).toBeUndefined();
  });
});

describe('formatBlob / parseBlob', () => {
  it.each<[string, Parameters<typeof formatBlob>, string]>([
    ['a value, padded to an even length', ['value', 'ab'], '~1=ab\n'],
    ['a value already even', ['value', 'abc'], '~1=abc'],
    ['a part, even already', ['part', '%C3'], '~1+%C3'],
    ['a header', ['header', `2:${'a'.repeat(64)}`], `~1#2:${'a'.repeat(64)}\n`],
  ])('%s', (_what, [kind, text], bytes) => {
    const blob = formatBlob(kind, text);
    expect(blob.toString('latin1')).toBe(bytes);
    expect(blob.length % 2).toBe(0);
  });

  it('reads back what it writes', () => {
    expect(parseBlob(formatBlob('value', escapeItemText('é 100%')), 'utf8')).toEqual({ kind: 'value', value: 'é 100%' });
    expect(parseBlob(formatBlob('part', '%C3%A'), 'utf8')).toEqual({ kind: 'part', text: '%C3%A' });
    expect(parseBlob(formatBlob('header', `12:${'0'.repeat(64)}`), 'utf8')).toEqual({ kind: 'header', parts: 12, sha256: '0'.repeat(64) });
  });

  it('an item of an earlier version (setPassword): UTF-16LE on Windows, UTF-8 elsewhere, read whole', () => {
    const json = '{"host":"h","password":"pé"}';
    expect(parseBlob(Buffer.from(json, 'utf16le'), 'utf16le')).toEqual({ kind: 'value', value: json });
    expect(parseBlob(Buffer.from(json, 'utf8'), 'utf8')).toEqual({ kind: 'value', value: json });
    expect(parseBlob(Buffer.from('0123456789abcdef', 'utf16le'), 'utf16le')).toEqual({ kind: 'value', value: '0123456789abcdef' });
  });

  it.each<[string, Buffer]>([
    ['a byte that is not printable ASCII', Buffer.from([0x7e, 0x31, 0x3d, 0xc3, 0xa9, 0x0a])],
    ['a raw newline inside', Buffer.from('~1=a\nb\n', 'latin1')],
    ['a header without a checksum', Buffer.from('~1#2:', 'latin1')],
    ['a header with no parts', Buffer.from(`~1#0:${'a'.repeat(64)}\n`, 'latin1')],
    ['a value whose escape is broken', Buffer.from('~1=%Z\n', 'latin1')],
  ])('marked but not as written here (%s): unreadable', (_what, blob) => {
    expect(parseBlob(blob, 'utf8')).toEqual({ kind: 'unreadable' });
  });
});
