/**
 * JSON Patch (RFC 6902), the part a built model's link needs: `add`, `remove` and `replace`,
 * made by a diff of two JSON documents and applied to a copy of a built-in model. A patch from a
 * link is hostile input: applying it never walks a prototype (no segment may name a member every
 * object has), never nests deeper than a model may, and stops at a fixed number of operations.
 */
import { namesObjectMember } from '../../params/registry.ts';
import { MAX_MODEL_DEPTH } from '../../engine/load-model.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type PatchOp = { op: 'add' | 'replace'; path: string; value: Json } | { op: 'remove'; path: string };

/** Most operations read from one patch: a model a person builds in the page needs a few hundred. */
export const MAX_PATCH_OPS = 5000;

const isObject = (x: unknown): x is Record<string, Json> => x !== null && typeof x === 'object' && !Array.isArray(x);

/** "/a~1b/c~0d" from ["a/b", "c~d"] (RFC 6901). */
export function pointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

function segmentsOf(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`"${path.slice(0, 40)}" is not a JSON pointer`);
  return path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * The operations that turn `a` into `b`: objects key by key, arrays element by element (what is
 * past the shorter one added or removed at the end), anything else replaced whole.
 */
export function diff(a: Json, b: Json, at: (string | number)[] = [], out: PatchOp[] = []): PatchOp[] {
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) if (!Object.hasOwn(b, k)) out.push({ op: 'remove', path: pointer([...at, k]) });
    for (const k of Object.keys(b)) {
      if (!Object.hasOwn(a, k)) out.push({ op: 'add', path: pointer([...at, k]), value: b[k] });
      else diff(a[k], b[k], [...at, k], out);
    }
  } else if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) diff(a[i], b[i], [...at, i], out);
    // Removed from the end backwards, so that each index is still there when it is removed.
    for (let i = a.length - 1; i >= common; i--) out.push({ op: 'remove', path: pointer([...at, i]) });
    for (let i = common; i < b.length; i++) out.push({ op: 'add', path: pointer([...at, i]), value: b[i] });
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push({ op: 'replace', path: pointer(at), value: b });
  }
  return out;
}

/**
 * `doc` with `ops` applied, as a new document (`doc` is not changed). Throws, naming the
 * operation, on anything RFC 6902 refuses or this lab does not take (another `op`, a prototype
 * member, a path deeper than a model may nest).
 */
export function applyPatch(doc: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new Error('a patch is a list of operations');
  if (ops.length > MAX_PATCH_OPS) throw new Error(`a patch of ${ops.length} operations; at most ${MAX_PATCH_OPS}`);
  let root = structuredClone(doc);
  ops.forEach((op: unknown, n) => {
    const where = `operation ${n}`;
    if (!isObject(op) || typeof op.path !== 'string' || op.path.length > 400) throw new Error(`${where}: not an operation with a path`);
    const kind = op.op;
    if (kind !== 'add' && kind !== 'remove' && kind !== 'replace') throw new Error(`${where}: "${String(kind).slice(0, 20)}" is not add, remove or replace`);
    if (kind !== 'remove' && !Object.hasOwn(op, 'value')) throw new Error(`${where}: ${kind} needs a value`);
    const segs = segmentsOf(op.path);
    if (segs.length > MAX_MODEL_DEPTH) throw new Error(`${where}: a path deeper than ${MAX_MODEL_DEPTH} levels`);
    for (const s of segs) if (namesObjectMember(s)) throw new Error(`${where}: "${s}" names a member every object has`);
    const value = (op as { value?: Json }).value;
    if (segs.length === 0) {
      if (kind === 'remove') throw new Error(`${where}: the whole document cannot be removed`);
      root = structuredClone(value!);
      return;
    }
    let parent: Json = root;
    for (const s of segs.slice(0, -1)) parent = step(parent, s, where);
    const last = segs[segs.length - 1];
    if (Array.isArray(parent)) {
      const i = last === '-' && kind === 'add' ? parent.length : index(last, where);
      if (kind === 'add') {
        if (i > parent.length) throw new Error(`${where}: index ${i} is past the end`);
        parent.splice(i, 0, structuredClone(value!));
      } else {
        if (i >= parent.length) throw new Error(`${where}: no element ${i}`);
        if (kind === 'remove') parent.splice(i, 1);
        else parent[i] = structuredClone(value!);
      }
    } else if (isObject(parent)) {
      if (kind !== 'add' && !Object.hasOwn(parent, last)) throw new Error(`${where}: no member "${last.slice(0, 40)}"`);
      if (kind === 'remove') delete parent[last];
      else parent[last] = structuredClone(value!);
    } else throw new Error(`${where}: the path goes through a value that is neither an object nor a list`);
  });
  return root;
}

function index(s: string, where: string): number {
  if (!/^(0|[1-9]\d{0,5})$/.test(s)) throw new Error(`${where}: "${s.slice(0, 20)}" is not an index`);
  return Number(s);
}

function step(x: Json, s: string, where: string): Json {
  if (Array.isArray(x)) {
    const i = index(s, where);
    if (i >= x.length) throw new Error(`${where}: no element ${i}`);
    return x[i];
  }
  if (isObject(x) && Object.hasOwn(x, s)) return x[s];
  throw new Error(`${where}: no member "${s.slice(0, 40)}"`);
}
