/**
 * Reading a Prometheus text exposition in tests: every sample by name and labels. Not a test
 * file: metrics*.test.ts import it.
 *
 * @module
 */

/** One sample line: its name, labels and value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the sample lines of an exposition (comments skipped); throws on a malformed line. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed sample line: ${line}`);
    const labels: Record<string, string> = {};
    const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/g;
    let rest = m[2] ?? "";
    let l: RegExpExecArray | null;
    let consumed = 0;
    while ((l = re.exec(rest)) !== null) {
      labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
      consumed = re.lastIndex;
    }
    if (consumed !== rest.length) throw new Error(`malformed labels: ${line}`);
    rest = "";
    const value = m[3] === "+Inf" ? Infinity : Number(m[3]);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

/** The value of the sample with this name and exactly these labels, or undefined. */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return parseExposition(text).find((s) =>
    s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want
  )?.value;
}

/** Every sample of `name` whose labels include `labels`. */
export function samplesOf(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): Sample[] {
  return parseExposition(text).filter((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  );
}
