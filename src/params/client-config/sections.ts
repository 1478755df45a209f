/**
 * appsettings.json sections, for the .NET formats (Polly, Azure.Core): every object in the file
 * with its configuration path ("Resilience:Retry"), and the grouping of option objects into the
 * sections a user names with `--name`: the options that sit side by side under one parent.
 */
import { ConfigError, isObject, type Tree } from './read.ts';

const MAX_DEPTH = 64;

export interface Section {
  obj: Tree;
  /** Keys from the root, as the file writes them. */
  path: string[];
}

/** Every object of the file (the root first), depth-first in file order. */
export function sectionsOf(doc: Tree): Section[] {
  const out: Section[] = [];
  const walk = (node: unknown, path: string[]) => {
    if (path.length > MAX_DEPTH) throw new ConfigError(`nested deeper than ${MAX_DEPTH} levels`);
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, [...path, String(i)]));
    if (!isObject(node)) return;
    out.push({ obj: node, path });
    for (const k of Object.keys(node)) walk(node[k], [...path, k]);
  };
  walk(doc, []);
  return out;
}

/** A configuration path as .NET writes it, or "(top level)". */
export const pathName = (path: readonly string[]) => (path.length ? path.join(':') : '(top level)');

/**
 * Groups option objects of several kinds into sections: those under one parent form one section
 * (named by the parent's path), unless that parent holds two of a kind, when each is its own.
 */
export function groupSections<K extends string>(found: { section: Section; kind: K }[]): { name: string; parts: { section: Section; kind: K }[] }[] {
  const byParent = new Map<string, { section: Section; kind: K }[]>();
  for (const f of found) {
    const parent = pathName(f.section.path.slice(0, -1));
    if (!byParent.has(parent)) byParent.set(parent, []);
    byParent.get(parent)!.push(f);
  }
  const groups: { name: string; parts: { section: Section; kind: K }[] }[] = [];
  for (const [parent, parts] of byParent) {
    const kinds = parts.map((p) => p.kind);
    if (new Set(kinds).size === kinds.length && parts.every((p) => p.section.path.length > 0)) groups.push({ name: parent, parts });
    else for (const p of parts) groups.push({ name: pathName(p.section.path), parts: [p] });
  }
  return groups;
}
