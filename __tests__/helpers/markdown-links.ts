import * as path from 'node:path';

/**
 * The relative links of Markdown files, checked as GitHub renders them: a link's file must
 * exist inside the repository, and a `#anchor` must be the slug of a heading (or an explicit
 * `<a id>`/`<a name>`) in the file it points to. Links to other sites are not followed.
 */

/** One link that does not resolve: where it is, what it says, and why. */
export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  problem: string;
}

/** The files a check reads: repository-relative paths (with `/`) and a way to read them. */
export interface MarkdownTree {
  files: readonly string[];
  exists(relativePath: string): boolean;
  read(relativePath: string): string;
}

/** GitHub's heading slug: lower case, punctuation dropped, each space a hyphen. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/`/g, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M} _-]/gu, '').replace(/ /g, '-');
}

/** The lines of a Markdown file that are prose: fenced code blocks blanked, line numbers kept. */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split('\n').map((line) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) {
      fence = marker;
      return '';
    }
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
      return '';
    }
    return line;
  });
}

/** Every anchor a file offers: its headings' slugs (repeats numbered as GitHub does) and explicit ids. */
export function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(text)) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading !== undefined) {
      const slug = githubSlug(heading);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) if (match[1] !== undefined) anchors.add(match[1]);
  }
  return anchors;
}

/** The link targets of a file, with their line numbers: inline links and reference definitions, not code. */
export function linksOf(text: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  proseLines(text).forEach((raw, index) => {
    const line = raw.replace(/(`+)[^`]*?\1/g, '');
    for (const match of line.matchAll(/\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (match[1] !== undefined) links.push({ line: index + 1, target: match[1] });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s+<?([^\s>]+)>?/.exec(line)?.[1];
    if (definition !== undefined) links.push({ line: index + 1, target: definition });
  });
  return links;
}

/** Every relative link and anchor of the tree's Markdown files that does not resolve. */
export function brokenLinks(tree: MarkdownTree): BrokenLink[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchors = (file: string) => {
    const cached = anchorCache.get(file);
    if (cached !== undefined) return cached;
    const set = anchorsOf(tree.read(file));
    anchorCache.set(file, set);
    return set;
  };
  const broken: BrokenLink[] = [];
  for (const file of tree.files) {
    for (const { line, target } of linksOf(tree.read(file))) {
      if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      const hashAt = target.indexOf('#');
      const filePart = decodeURIComponent(hashAt < 0 ? target : target.slice(0, hashAt));
      const anchor = hashAt < 0 ? undefined : decodeURIComponent(target.slice(hashAt + 1));
      const resolved = filePart === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), filePart));
      const report = (problem: string) => broken.push({ file, line, target, problem });
      if (resolved.startsWith('../') || resolved === '..' || path.posix.isAbsolute(filePart)) report('points outside the repository');
      else if (!tree.exists(resolved.replace(/\/$/, '') || '.')) report(`${resolved} does not exist`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) {
        report(`no heading in ${resolved} has the anchor #${anchor}`);
      }
    }
  }
  return broken;
}
