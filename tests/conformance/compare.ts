/**
 * Comparing observations: the first difference as a readable path, and masking of the paths a
 * deliberate difference excuses.
 *
 * @module
 */

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
};

const label = (value: unknown, index: number): string => {
  const named = (value as { label?: unknown } | undefined)?.label;
  return typeof named === "string" ? `[${index} "${named}"]` : `[${index}]`;
};

/**
 * The first place where `actual` differs from `expected`, as `path: expected X, got Y`, or
 * undefined when they are deeply equal. Task lists are shown by ref.
 */
export function firstDifference(expected: unknown, actual: unknown, path = ""): string | undefined {
  if (Object.is(expected, actual)) return undefined;
  const bothArrays = Array.isArray(expected) && Array.isArray(actual);
  const bothObjects = expected !== null && actual !== null && typeof expected === "object" &&
    typeof actual === "object" && !Array.isArray(expected) && !Array.isArray(actual);
  if (bothArrays) {
    const e = expected as unknown[];
    const a = actual as unknown[];
    for (let i = 0; i < Math.min(e.length, a.length); i++) {
      const found = firstDifference(e[i], a[i], `${path}${label(e[i], i)}`);
      if (found) return found;
    }
    if (e.length !== a.length) {
      const refs = (list: unknown[]) =>
        list.map((item) => (item as { ref?: string })?.ref ?? show(item)).join(", ");
      return `${path}: expected ${e.length} items (${refs(e)}), got ${a.length} (${refs(a)})`;
    }
    return undefined;
  }
  if (bothObjects) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const key of new Set([...Object.keys(e), ...Object.keys(a)])) {
      const ref = (e as { ref?: string }).ref;
      const here = `${path}${ref && key !== "ref" ? `{${ref}}` : ""}.${key}`;
      if (!(key in a)) return `${here}: expected ${show(e[key])}, missing`;
      if (!(key in e)) return `${here}: not expected, got ${show(a[key])}`;
      const found = firstDifference(e[key], a[key], here);
      if (found) return found;
    }
    return undefined;
  }
  return `${path || "(root)"}: expected ${show(expected)}, got ${show(actual)}`;
}

/**
 * A copy of `value` with every dot path in `paths` (`*` = any key) replaced by `<excused>`. A
 * path whose last key is named is masked whether or not the key is there: a racy field that one
 * run holds and another leaves out (a JOIN's `reason`) compares equal.
 */
export function maskPaths<T>(value: T, paths: readonly string[]): T {
  let out: unknown = value;
  for (const path of paths) out = maskOne(out, path.split("."));
  return out as T;
}

function maskOne(value: unknown, segments: string[]): unknown {
  if (segments.length === 0) return "<excused>";
  if (value === null || typeof value !== "object") return value;
  const [head, ...rest] = segments;
  if (Array.isArray(value)) {
    return value.map((item, i) => head === "*" || head === String(i) ? maskOne(item, rest) : item);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = head === "*" || head === key ? maskOne(item, rest) : item;
  }
  if (rest.length === 0 && head !== "*" && !(head in out)) out[head] = "<excused>";
  return out;
}
