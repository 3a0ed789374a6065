import { KeychainUnavailableError } from '../errors';
import { sha256Hex } from '../hash';
import { blobLength, escapeItemText, formatBlob, type LegacyEncoding, parseBlob, unescapeItemText } from './keychain-blob';
import type { Keychain, KeychainBlobs, KeychainItem } from './os-keychain';

/**
 * The most items one value may take. A corrupt header cannot send a read after more, and with
 * Windows' 2,560 bytes an item, it is room for 250 KB: four times what `store` accepts.
 */
export const MAX_PARTS = 100;

export interface SplitKeychainOptions {
  /** Its keychain's limit for one item, in bytes (keychain-item-limit.ts); undefined: none. */
  readonly maxItemBytes: number | undefined;
  /** The platform whose encoding items of earlier versions are in (keychain-blob.ts). */
  readonly platform: NodeJS.Platform;
}

/** The account of the `n`th part (from 1) of the value kept under `account`. */
export function formatPartAccount(account: string, n: number): string {
  return `${account}#${n}`;
}

/** The account whose value `account` is a part of, if its name is one of a part's. */
function ownerOf(account: string): string | undefined {
  const at = account.lastIndexOf('#');
  const digits = account.slice(at + 1);
  if (at < 1 || digits === '' || digits.length > 3) return undefined;
  for (const c of digits) if (c < '0' || c > '9') return undefined;
  return account.slice(0, at);
}

/** The items a value's escaped text takes: one whole, or a header and its parts (each at most `maxItemBytes`). */
function planItems(text: string, maxItemBytes: number | undefined): { head: Buffer; parts: Buffer[] } {
  if (maxItemBytes === undefined || blobLength(text.length) <= maxItemBytes) return { head: formatBlob('value', text), parts: [] };
  // The most text one part holds: its mark and the text, at an even length within the limit.
  const share = maxItemBytes - (maxItemBytes % 2) - blobLength(0);
  const count = Math.ceil(text.length / share);
  if (share < 1 || count > MAX_PARTS) {
    const message = `a secret of ${text.length} bytes does not fit in ${MAX_PARTS} keychain items of at most ${maxItemBytes} bytes`;
    throw new KeychainUnavailableError(message, message);
  }
  const parts = Array.from({ length: count }, (_, i) => formatBlob('part', text.slice(i * share, (i + 1) * share)));
  return { head: formatBlob('header', `${count}:${sha256Hex(text)}`), parts };
}

/** How many OS keychain items `value` takes with this limit (for `doctor`). */
export function countKeychainItems(value: string, maxItemBytes: number | undefined): number {
  const { parts } = planItems(escapeItemText(value), maxItemBytes);
  return parts.length + 1;
}

/** Reads one part of a split value, by its number (from 1); undefined when it is not there. */
type ReadPart = (n: number) => Promise<Buffer | undefined>;

/**
 * The escaped text of a split value, from its header and a way to read its parts; undefined
 * unless whole (every part there, and their text matching the header's SHA-256).
 */
async function assemble(header: { parts: number; sha256: string }, part: ReadPart, legacy: LegacyEncoding): Promise<string | undefined> {
  if (header.parts > MAX_PARTS) return undefined;
  let text = '';
  for (let n = 1; n <= header.parts; n += 1) {
    const blob = await part(n);
    const parsed = blob && parseBlob(blob, legacy);
    if (parsed?.kind !== 'part') return undefined;
    text += parsed.text;
  }
  return sha256Hex(text) === header.sha256 ? text : undefined;
}

/** The value the item `blob` holds: its own, or its parts' reassembled; undefined unless whole. */
async function readValue(blob: Buffer, part: ReadPart, legacy: LegacyEncoding): Promise<string | undefined> {
  const parsed = parseBlob(blob, legacy);
  if (parsed.kind === 'value') return parsed.value;
  if (parsed.kind !== 'header') return undefined;
  const text = await assemble(parsed, part, legacy);
  return text === undefined ? undefined : unescapeItemText(text);
}

/** How many parts the item `blob` names: its count if it is a header, else none. */
function partsNamed(blob: Buffer | undefined, legacy: LegacyEncoding): number {
  const parsed = blob && parseBlob(blob, legacy);
  return parsed?.kind === 'header' ? Math.min(parsed.parts, MAX_PARTS) : 0;
}

/**
 * Removes the parts of `account` from the `from`th up: through the `named`th (what the header
 * it had named, gaps and all) and on while there are more (what a write cut short left, from
 * `#1` up), the highest first, so that a removal cut short leaves `#from…#k` for the next.
 */
async function removeParts(blobs: KeychainBlobs, service: string, account: string, from: number, named: number): Promise<boolean> {
  let end = Math.max(from, named + 1);
  while (end <= MAX_PARTS && (await blobs.get(service, formatPartAccount(account, end))) !== undefined) end += 1;
  let removed = false;
  for (let n = end - 1; n >= from; n -= 1) removed = (await blobs.delete(service, formatPartAccount(account, n))) || removed;
  return removed;
}

/**
 * Every value under `service` once, reassembled, and never a part; a value that cannot be read
 * whole, or parts left with no header, once under their account with no secret.
 */
async function listValues(blobs: KeychainBlobs, service: string, legacy: LegacyEncoding): Promise<KeychainItem[]> {
  const found = await blobs.list(service);
  const byAccount = new Map(found.map((item) => [item.account, item.blob]));
  const items: KeychainItem[] = [];
  // Parts with no item under their owner's account: what a write or delete cut short left.
  const orphaned = new Set<string>();
  for (const { account, blob } of found) {
    if (parseBlob(blob, legacy).kind === 'part') {
      const owner = ownerOf(account);
      if (owner !== undefined && !byAccount.has(owner)) orphaned.add(owner);
      continue;
    }
    items.push({ account, secret: await readValue(blob, async (n) => byAccount.get(formatPartAccount(account, n)), legacy) });
  }
  for (const account of orphaned) items.push({ account, secret: undefined });
  return items;
}

/**
 * The text port (`Keychain`) over the OS keychain's items, whatever their size limit: a value
 * is written as UTF-8 bytes (`setSecret`), in one item when it fits, else as numbered parts
 * (`<account>#1`, `#2`, …) and a header under `account` naming their count and the SHA-256 of
 * the whole. Windows Credential Manager holds 2,560 bytes an item: a cached ECR token is 1.9–3.1
 * KB, so the longer ones fit no single item even as UTF-8, and `setPassword`'s UTF-16 (what
 * earlier versions used) doubled every one past the limit.
 *
 * Why split rather than encrypt into a file under a key in the keychain: the keychain stays the
 * only place the secret is, as the user chose it for (no ciphertext on disk for backups to
 * copy, no key and file to keep in step), and every platform's keychain keeps many small items.
 *
 * A value is read whole or not at all: a missing part, one of another write (the checksum), or
 * a header out of shape reads as missing. Writes go parts first and header last, then the parts
 * the value no longer needs are removed: those the old header named, and any above (highest
 * first, so what a removal cut short leaves is `#k…#m` from where it began, which the next
 * write or delete finds). So a write killed halfway leaves the old value or a mix, which reads
 * as missing and is cleaned up by the next write. Two processes writing one account at once
 * can leave a mix as well (read as missing): token writes are serialised by the cache write
 * lock; two `docker login`s to one registry at the same instant leave it to log in again. `list` shows each value once, reassembled, and never a part; a value that cannot be
 * read whole, or parts left with no header, it shows once under their account with no secret,
 * so that the token cache's pruning deletes them (a `delete` removes every part).
 */
export function createSplitKeychain(blobs: KeychainBlobs, options: SplitKeychainOptions): Keychain {
  const { maxItemBytes } = options;
  const legacy: LegacyEncoding = options.platform === 'win32' ? 'utf16le' : 'utf8';

  return {
    maxItemBytes,

    async get(service, account) {
      const blob = await blobs.get(service, account);
      return blob && readValue(blob, (n) => blobs.get(service, formatPartAccount(account, n)), legacy);
    },

    async set(service, account, secret) {
      const { head, parts } = planItems(escapeItemText(secret), maxItemBytes);
      const named = partsNamed(await blobs.get(service, account), legacy);
      for (const [i, part] of parts.entries()) await blobs.set(service, formatPartAccount(account, i + 1), part);
      await blobs.set(service, account, head);
      await removeParts(blobs, service, account, parts.length + 1, named);
    },

    async delete(service, account) {
      // The header first: from then on the value reads as missing, whatever is left of its parts.
      const named = partsNamed(await blobs.get(service, account), legacy);
      const deleted = await blobs.delete(service, account);
      return (await removeParts(blobs, service, account, 1, named)) || deleted;
    },

    list: (service) => listValues(blobs, service, legacy),
  };
}
