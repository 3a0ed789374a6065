/**
 * The bytes of one OS keychain item as this helper writes them, and how it reads them back,
 * those written by earlier versions included. split-keychain.ts decides which items a value
 * takes; this file only frames and unframes one.
 *
 * An item written since items may be split starts with `~1` and a kind: `=` a whole value,
 * `#` the header of a split value (`<parts>:<sha256 of the whole>`), `+` one part of one.
 * Earlier versions stored the value's text with `setPassword`: UTF-16LE on Windows
 * (windows-native-keyring-store's `validate_password`), UTF-8 elsewhere, with no mark. Their
 * values were token JSON (`{…`), credential JSON (`{…`) or a hex salt: none starts with `~1`
 * in either encoding (`~1` in UTF-16LE would be the character U+317E), so the mark tells the
 * two apart, and an unmarked item is read in the platform's encoding of old.
 *
 * What follows the mark is the value's UTF-8, with every byte that is not printable ASCII,
 * and `%`, written as `%XX` (the JSON the stores keep is printable ASCII, so it is stored as
 * it is). Then an item is valid text in UTF-8 and, with one `\n` of padding to an even length,
 * in UTF-16LE: Windows' enumeration (`findCredentials`) decodes every blob as UTF-16 and fails
 * the whole search on one that is not, so a secret with, say, Arabic letters in it would
 * otherwise have broken `list` for every registry. The padding is unambiguous: a raw `\n` is
 * never part of the text.
 */

/** What an item holds, read. */
export type ParsedBlob =
  | { readonly kind: 'value'; readonly value: string }
  | { readonly kind: 'header'; readonly parts: number; readonly sha256: string }
  | { readonly kind: 'part'; readonly text: string }
  | { readonly kind: 'unreadable' };

/** How earlier versions encoded an item's text on this platform (see the file comment). */
export type LegacyEncoding = 'utf8' | 'utf16le';

export type BlobKind = 'value' | 'header' | 'part';

const KIND_MARKS: Readonly<Record<BlobKind, number>> = { value: 0x3d, header: 0x23, part: 0x2b };
const KINDS: readonly BlobKind[] = ['value', 'header', 'part'];
/** `~1` and the kind. */
export const BLOB_MARK_BYTES = 3;
const PAD = 0x0a;
/** A header's text: the part count, `:`, the SHA-256 of the escaped whole. */
const HEADER_TEXT = /^([1-9]\d{0,3}):([0-9a-f]{64})$/;

function isPrintable(byte: number): boolean {
  return byte >= 0x20 && byte <= 0x7e;
}

/** The value as the printable ASCII an item keeps (see the file comment). */
export function escapeItemText(value: string): string {
  let plain = true;
  for (let i = 0; i < value.length && plain; i += 1) {
    const code = value.charCodeAt(i);
    plain = isPrintable(code) && code !== 0x25;
  }
  if (plain) return value;
  let text = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    text += isPrintable(byte) && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return text;
}

const HEX_DIGITS = '0123456789ABCDEF';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The value an item's text stands for; undefined when it is not one this file wrote. */
export function unescapeItemText(text: string): string | undefined {
  if (!text.includes('%')) return text;
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code !== 0x25) {
      bytes.push(code);
      continue;
    }
    if (i + 2 >= text.length) return undefined;
    const high = HEX_DIGITS.indexOf(text.charAt(i + 1));
    const low = HEX_DIGITS.indexOf(text.charAt(i + 2));
    if (high < 0 || low < 0) return undefined;
    bytes.push(high * 16 + low);
    i += 2;
  }
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}

/** The bytes of an item: the mark of `kind`, then `text` (printable ASCII), padded to an even length. */
export function formatBlob(kind: BlobKind, text: string): Buffer {
  const length = BLOB_MARK_BYTES + text.length;
  const blob = Buffer.alloc(length + (length % 2));
  blob[0] = 0x7e;
  blob[1] = 0x31;
  blob[2] = KIND_MARKS[kind];
  blob.write(text, BLOB_MARK_BYTES, 'latin1');
  if (length % 2 === 1) blob[length] = PAD;
  return blob;
}

/** How many bytes an item holding `textLength` bytes of text takes. */
export function blobLength(textLength: number): number {
  const length = BLOB_MARK_BYTES + textLength;
  return length + (length % 2);
}

/**
 * Reads one item's bytes. Unmarked: an item of an earlier version, its whole text in
 * `legacy`. Marked but not as this file writes them (a byte that is not printable ASCII, a
 * header out of shape, an escape that is not one): unreadable. A value comes back as the
 * value; a part as its share of the escaped text, which only the whole can be unescaped from.
 */
export function parseBlob(blob: Uint8Array, legacy: LegacyEncoding): ParsedBlob {
  const bytes = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const kind = bytes[0] === 0x7e && bytes[1] === 0x31 ? KINDS.find((k) => KIND_MARKS[k] === bytes[2]) : undefined;
  if (kind === undefined) return { kind: 'value', value: bytes.toString(legacy) };
  const end = bytes[bytes.length - 1] === PAD ? bytes.length - 1 : bytes.length;
  for (let i = BLOB_MARK_BYTES; i < end; i += 1) if (!isPrintable(bytes[i] ?? 0)) return { kind: 'unreadable' };
  const text = bytes.toString('latin1', BLOB_MARK_BYTES, end);
  switch (kind) {
    case 'value': {
      const value = unescapeItemText(text);
      return value === undefined ? { kind: 'unreadable' } : { kind, value };
    }
    case 'part':
      return { kind, text };
    case 'header': {
      const header = HEADER_TEXT.exec(text);
      return header ? { kind, parts: Number(header[1]), sha256: header[2] ?? '' } : { kind: 'unreadable' };
    }
  }
}
