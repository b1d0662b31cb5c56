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
  | { kind: "length" }
  | { kind: "filter"; test: (item: unknown) => boolean }
  | { kind: "slice"; start: number | undefined; end: number | undefined }
  | { kind: "union"; items: (number | string)[] };

/** Segments after which a path answers a list (Jayway's "indefinite" paths). */
const INDEFINITE = new Set(["wild", "deep", "filter", "slice", "union"]);

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
      const end = closingBracket(p, i);
      if (end < 0) return null;
      const inner = p.slice(i + 1, end).trim();
      i = end + 1;
      const seg = bracketSegment(inner);
      if (!seg) return null;
      segs.push(seg);
    } else {
      return null;
    }
  }
  return segs;
}

/** Index of the `]` closing the `[` at `open`, skipping quoted text and parentheses. */
function closingBracket(p: string, open: number): number {
  let depth = 0;
  let quote = "";
  for (let j = open + 1; j < p.length; j++) {
    const c = p[j];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "]" && depth === 0) return j;
  }
  return -1;
}

const QUOTED = /^'(.*)'$|^"(.*)"$/s;

function bracketSegment(inner: string): Segment | null {
  if (inner === "*") return { kind: "wild" };
  if (/^-?\d+$/.test(inner)) return { kind: "index", index: Number(inner) };
  const q = QUOTED.exec(inner);
  if (q && !splitTop(inner, ",").slice(1).length) return { kind: "key", key: q[1] ?? q[2] };
  if (inner.startsWith("?(") && inner.endsWith(")")) {
    const test = compileFilter(inner.slice(2, -1));
    return test ? { kind: "filter", test } : null;
  }
  const slice = /^(-?\d*)\s*:\s*(-?\d*)$/.exec(inner);
  if (slice) {
    const n = (v: string) => (v === "" ? undefined : Number(v));
    return { kind: "slice", start: n(slice[1]), end: n(slice[2]) };
  }
  const parts = splitTop(inner, ",").map((x) => x.trim());
  if (parts.length > 1) {
    const items: (number | string)[] = [];
    for (const part of parts) {
      const pq = QUOTED.exec(part);
      if (pq) items.push(pq[1] ?? pq[2]);
      else if (/^-?\d+$/.test(part)) items.push(Number(part));
      else return null;
    }
    return { kind: "union", items };
  }
  return null;
}

/** Splits on `token` where it is outside quotes and parentheses. */
function splitTop(text: string, token: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let last = 0;
  for (let j = 0; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = "";
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && text.startsWith(token, j)) {
      out.push(text.slice(last, j));
      last = j + token.length;
      j += token.length - 1;
    }
  }
  out.push(text.slice(last));
  return out;
}

const NOTHING = Symbol("nothing");

/** Compiles a filter body (`@.k == 'b' && @.n > 1`) into a predicate, or null. */
function compileFilter(source: string): ((item: unknown) => boolean) | null {
  const ors = splitTop(source, "||");
  if (ors.length > 1) {
    const tests = ors.map(compileFilter);
    if (tests.some((t) => !t)) return null;
    return (x) => tests.some((t) => t!(x));
  }
  const ands = splitTop(source, "&&");
  if (ands.length > 1) {
    const tests = ands.map(compileFilter);
    if (tests.some((t) => !t)) return null;
    return (x) => tests.every((t) => t!(x));
  }
  let text = source.trim();
  if (text.startsWith("(") && text.endsWith(")") && splitTop(text.slice(1, -1), ")").length === 1) {
    return compileFilter(text.slice(1, -1));
  }
  if (text.startsWith("!")) {
    const inner = compileFilter(text.slice(1));
    return inner ? (x) => !inner(x) : null;
  }
  for (const op of ["==", "!=", "<=", ">=", "=~", "<", ">"]) {
    const sides = splitTop(text, op);
    if (sides.length !== 2) continue;
    const left = operand(sides[0].trim());
    const right = operand(sides[1].trim());
    if (!left || !right) return null;
    return (x) => compare(op, left(x), right(x));
  }
  text = text.trim();
  const exists = operand(text);
  return exists ? (x) => exists(x) !== NOTHING : null;
}

function operand(text: string): ((item: unknown) => unknown) | null {
  if (text.startsWith("@")) {
    const segs = parsePath("$" + text.slice(1));
    if (!segs) return null;
    return (item) => {
      let values: unknown[] = [item];
      for (const seg of segs) values = step(values, seg);
      return values.length ? values[0] : NOTHING;
    };
  }
  const q = QUOTED.exec(text);
  if (q) {
    const v = q[1] ?? q[2];
    return () => v;
  }
  const re = /^\/(.*)\/([a-z]*)$/s.exec(text);
  if (re) {
    const r = new RegExp(re[1], re[2]);
    return () => r;
  }
  if (text === "true" || text === "false" || text === "null" || /^-?\d+(\.\d+)?$/.test(text)) {
    const v = JSON.parse(text);
    return () => v;
  }
  return null;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  if (a === NOTHING || b === NOTHING) return op === "!=";
  switch (op) {
    case "==":
      return a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b));
    case "!=":
      return !(a === b || (typeof a === "object" && JSON.stringify(a) === JSON.stringify(b)));
    case "=~":
      return b instanceof RegExp && typeof a === "string" && b.test(a);
  }
  if (typeof a === "number" && typeof b === "number") {
    return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
  }
  if (typeof a === "string" && typeof b === "string") {
    return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
  }
  return false;
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
      case "filter":
        for (const item of Array.isArray(v) ? v : Object.values(v)) {
          if (seg.test(item)) out.push(item);
        }
        break;
      case "slice":
        if (Array.isArray(v)) out.push(...v.slice(seg.start, seg.end));
        break;
      case "union":
        for (const k of seg.items) {
          if (typeof k === "number" && Array.isArray(v)) {
            const i = k < 0 ? v.length + k : k;
            if (i >= 0 && i < v.length) out.push(v[i]);
          } else if (typeof k === "string" && !Array.isArray(v) && Object.hasOwn(v, k)) {
            out.push((v as Record<string, unknown>)[k]);
          }
        }
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
    if (INDEFINITE.has(seg.kind)) isDefinite = false;
    values = step(values, seg);
    if (values.length === 0 && isDefinite) return null;
  }
  if (isDefinite) return values.length > 0 ? (values[0] ?? null) : null;
  return values;
}

function definite(segs: Segment[]): boolean {
  return segs.every((s) => !INDEFINITE.has(s.kind));
}

/** Java's `Objects.toString` for JSON values, as the server concatenates them. */
export function javaString(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return value;
  if (typeof value !== "object") return String(value);
  // Walked with an explicit stack, not recursion: stored values may nest arbitrarily deep.
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (v instanceof Literal) out.push(v.text);
    else if (v === null || v === undefined) out.push("null");
    else if (typeof v !== "object") out.push(String(v));
    else if (Array.isArray(v)) {
      out.push("[");
      stack.push(CLOSE_LIST);
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push(v[i]);
        if (i > 0) stack.push(COMMA);
      }
    } else {
      out.push("{");
      stack.push(CLOSE_MAP);
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push(entries[i][1]);
        stack.push(new Literal(`${i > 0 ? ", " : ""}${entries[i][0]}=`));
      }
    }
  }
  return out.join("");
}

/** Text javaString writes as it is (not a value). */
class Literal {
  constructor(readonly text: string) {}
}
const COMMA = new Literal(", ");
const CLOSE_LIST = new Literal("]");
const CLOSE_MAP = new Literal("}");

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
