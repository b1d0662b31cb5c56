/**
 * `${...}` parameter expressions, as conductor-oss's ParametersUtils resolves them: a string
 * that is exactly one expression yields the typed value, expressions inside text are
 * concatenated (Java `toString`, so `null` and `{a=1}`), nested `${}` resolve inside out, `$${`
 * escapes, and a missing path is `null`. Paths are a JSONPath subset: dotted keys, `[n]`
 * (negative counts from the end), `['key']`/`["key"]`, `*` and `[*]` wildcards, `..` deep scan,
 * and `.length()`.
 *
 * @module
 */

/** What a path is read against: `workflow` and task refs, resolved on demand. */
export type PathSource = (root: string) => unknown;

type Segment =
  | { kind: "key"; key: string }
  | { kind: "index"; index: number }
  | { kind: "wild" }
  | { kind: "deep"; key: string | undefined }
  | { kind: "length" };

const compiled = new Map<string, Segment[] | null>();

/**
 * Parses a JSONPath expression (without `$` or with a leading `$.`) into segments, or null when
 * it is not a path this engine understands. Results are cached.
 */
export function compilePath(path: string): Segment[] | null {
  let segs = compiled.get(path);
  if (segs !== undefined) return segs;
  segs = parsePath(path);
  if (compiled.size > 10_000) compiled.clear();
  compiled.set(path, segs);
  return segs;
}

function parsePath(source: string): Segment[] | null {
  let p = source.trim();
  if (p.startsWith("$")) p = p.slice(1);
  else p = "." + p;
  const segs: Segment[] = [];
  let i = 0;
  const ident = () => {
    const start = i;
    while (i < p.length && p[i] !== "." && p[i] !== "[") i++;
    return p.slice(start, i);
  };
  while (i < p.length) {
    const c = p[i];
    if (c === "." && p[i + 1] === ".") {
      i += 2;
      if (p[i] === "*") {
        i++;
        segs.push({ kind: "deep", key: undefined });
      } else if (p[i] === "[") {
        segs.push({ kind: "deep", key: undefined });
      } else {
        const key = ident();
        if (!key) return null;
        segs.push({ kind: "deep", key });
      }
    } else if (c === ".") {
      i++;
      const key = ident();
      if (!key) return null;
      if (key === "*") segs.push({ kind: "wild" });
      else if (key === "length()" || key === "size()") segs.push({ kind: "length" });
      else segs.push({ kind: "key", key });
    } else if (c === "[") {
      const end = p.indexOf("]", i);
      if (end < 0) return null;
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") segs.push({ kind: "wild" });
      else if (/^-?\d+$/.test(inner)) segs.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) segs.push({ kind: "key", key: inner.slice(1, -1) });
      else return null;
    } else {
      return null;
    }
  }
  return segs;
}

const MISSING = Symbol("missing");

function step(values: unknown[], seg: Segment): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (v === null || typeof v !== "object") {
      if (seg.kind === "length" && typeof v === "string") out.push(v.length);
      continue;
    }
    switch (seg.kind) {
      case "key":
        if (!Array.isArray(v) && Object.hasOwn(v, seg.key)) {
          out.push((v as Record<string, unknown>)[seg.key]);
        }
        break;
      case "index":
        if (Array.isArray(v)) {
          const i = seg.index < 0 ? v.length + seg.index : seg.index;
          if (i >= 0 && i < v.length) out.push(v[i]);
        }
        break;
      case "wild":
        out.push(...(Array.isArray(v) ? v : Object.values(v)));
        break;
      case "length":
        out.push(Array.isArray(v) ? v.length : Object.keys(v).length);
        break;
      case "deep":
        deepCollect(v, seg.key, out);
        break;
    }
  }
  return out;
}

function deepCollect(v: unknown, key: string | undefined, out: unknown[]): void {
  if (v === null || typeof v !== "object") return;
  const children = Array.isArray(v) ? v : Object.values(v);
  if (key === undefined) out.push(v);
  else if (!Array.isArray(v) && Object.hasOwn(v, key)) {
    out.push((v as Record<string, unknown>)[key]);
  }
  for (const c of children) deepCollect(c, key, out);
}

/**
 * Reads a path. A definite path (keys and indexes only) gives the value or `null`; a path with
 * a wildcard or deep scan gives the list of matches, like Jayway JsonPath.
 */
export function readPath(path: string, source: PathSource): unknown {
  const segs = compilePath(path);
  if (!segs || segs.length === 0) return null;
  const first = segs[0];
  if (first.kind !== "key") {
    // "..x" or "*" at the root: scan every root the source can name is not possible; give up.
    return null;
  }
  const root = source(first.key);
  if (root === MISSING || root === undefined) return definite(segs) ? null : [];
  let values: unknown[] = [root];
  let isDefinite = true;
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i];
    if (seg.kind === "wild" || seg.kind === "deep") isDefinite = false;
    values = step(values, seg);
    if (values.length === 0 && isDefinite) return null;
  }
  if (isDefinite) return values.length > 0 ? (values[0] ?? null) : null;
  return values;
}

function definite(segs: Segment[]): boolean {
  return segs.every((s) => s.kind !== "wild" && s.kind !== "deep");
}

/** Java's `Objects.toString` for JSON values, as the server concatenates them. */
export function javaString(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return `[${value.map(javaString).join(", ")}]`;
  if (typeof value === "object") {
    return `{${
      Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${javaString(v)}`)
        .join(", ")
    }}`;
  }
  return String(value);
}

/** A special name the server substitutes itself (`CPEWF_TASK_ID`). */
const TASK_ID_PARAM = "CPEWF_TASK_ID";

/**
 * Replaces the `${...}` spans of one string. `taskId` is what `${CPEWF_TASK_ID}` becomes.
 */
export function resolveString(
  text: string,
  source: PathSource,
  taskId?: string,
  depth = 0,
): unknown {
  if (!text.includes("${")) return text;
  const parts: { start: number; end: number; value: unknown }[] = [];
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf("${", i);
    if (at < 0) break;
    if (at > 0 && text[at - 1] === "$") {
      i = at + 2;
      continue;
    }
    // find the matching "}" counting nested "{"
    let level = 0;
    let end = -1;
    for (let j = at + 1; j < text.length; j++) {
      const c = text[j];
      if (c === "{") level++;
      else if (c === "}") {
        level--;
        if (level === 0) {
          end = j;
          break;
        }
      }
    }
    if (end < 0) break;
    const inner = String(resolveString(text.slice(at + 2, end), source, taskId, depth + 1));
    let value: unknown;
    if (inner.trim() === "") value = "";
    else if (inner === TASK_ID_PARAM) value = taskId ?? null;
    else if (inner.startsWith("workflow.secrets.")) value = text.slice(at, end + 1);
    else value = readPath(inner, source);
    parts.push({ start: at, end: end + 1, value });
    i = end + 1;
  }
  if (parts.length === 1 && parts[0].start === 0 && parts[0].end === text.length && depth === 0) {
    return parts[0].value;
  }
  let out = "";
  let last = 0;
  for (const part of parts) {
    out += text.slice(last, part.start) + javaString(part.value);
    last = part.end;
  }
  out += text.slice(last);
  return out.replaceAll("$${", "${");
}

/** Resolves every string inside a JSON value (maps and lists recursively) into a new value. */
export function resolveValue(value: unknown, source: PathSource, taskId?: string): unknown {
  if (typeof value === "string") return resolveString(value, source, taskId);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, source, taskId));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k in value) {
      out[k] = resolveValue((value as Record<string, unknown>)[k], source, taskId);
    }
    return out;
  }
  return value;
}

/**
 * Resolves a map of input parameters the way a task's input is built: the task definition's
 * `inputTemplate` fills absent keys before resolution and null results after it.
 *
 * @example
 * ```ts
 * import { resolveParameters } from "@conductor-edge/sdk/server";
 * const doc = { workflow: { input: { n: 2 } } } as Record<string, unknown>;
 * resolveParameters({ n: "${workflow.input.n}", s: "n=${workflow.input.n}" }, (r) => doc[r]);
 * // { n: 2, s: "n=2" }
 * ```
 */
export function resolveParameters(
  params: Record<string, unknown> | undefined,
  source: PathSource,
  options: { taskId?: string; template?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const template = options.template;
  const input: Record<string, unknown> = {};
  if (params) {
    for (const k in params) input[k] = resolveValue(params[k], source, options.taskId);
  }
  if (template) {
    for (const k in template) {
      if (!(k in input)) {
        input[k] = resolveValue(structuredClone(template[k]), source, options.taskId);
      } else if (input[k] === null) input[k] = structuredClone(template[k]);
    }
  }
  return input;
}

/** Every `${...}` expression of a string at the top level (for validation), with its path. */
export function expressionsIn(text: string): string[] {
  const found: string[] = [];
  // The server splits before every unescaped "${" and after every "}".
  const pieces = text.split(/(?=(?<!\$)\$\{)|(?<=\})/);
  for (const s of pieces) {
    if (s.startsWith("${") && s.endsWith("}")) found.push(s.slice(2, -1));
  }
  return found;
}
