/**
 * Spring's `CronExpression`, as Conductor's scheduler reads a schedule: six fields, seconds
 * first (`sec min hour day-of-month month day-of-week`), with `*`, `?`, ranges, steps, lists,
 * month and day names, `L` (last day of the month, `L-n`), `nW` and `LW` (nearest weekday),
 * `dL` and `d#n` in the day of week, and the macros `@yearly`, `@annually`, `@monthly`,
 * `@weekly`, `@daily`, `@midnight`, `@hourly`. Day of month and day of week must both match
 * (Spring ANDs them). Times are read in an IANA zone through `Intl.DateTimeFormat`.
 *
 * @module
 */

const MACROS: Record<string, string> = {
  "@yearly": "0 0 0 1 1 *",
  "@annually": "0 0 0 1 1 *",
  "@monthly": "0 0 0 1 * *",
  "@weekly": "0 0 0 * * 0",
  "@daily": "0 0 0 * * *",
  "@midnight": "0 0 0 * * *",
  "@hourly": "0 0 * * * *",
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** A parsed cron expression. */
export interface Cron {
  /** The text it was parsed from. */
  readonly source: string;
  /** Whether a wall-clock time (fields of a UTC-based Date standing for local time) matches. */
  matchesDay(year: number, month: number, day: number): boolean;
  seconds: boolean[];
  minutes: boolean[];
  hours: boolean[];
  months: boolean[];
}

/** An invalid cron expression (the message names what is wrong). */
export class CronError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CronError";
  }
}

function bits(size: number): boolean[] {
  return new Array(size).fill(false);
}

function num(text: string, names: string[] | undefined, offset: number, what: string): number {
  const upper = text.toUpperCase();
  if (names) {
    const i = names.indexOf(upper);
    if (i >= 0) return i + offset;
  }
  if (!/^\d+$/.test(text)) throw new CronError(`Invalid ${what} value '${text}'`);
  return Number(text);
}

/** Parses one plain field (`*`, `?`, lists of `a`, `a-b`, with `/step`) into a bit set. */
function field(
  text: string,
  min: number,
  max: number,
  what: string,
  names?: string[],
  nameOffset = 0,
): boolean[] {
  const out = bits(max + 1);
  for (const part of text.split(",")) {
    if (part === "") throw new CronError(`Empty ${what} list element`);
    const [range, stepText, extra] = part.split("/");
    if (extra !== undefined) throw new CronError(`Invalid ${what} '${part}'`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new CronError(`Invalid ${what} step '${stepText}'`);
      }
      step = Number(stepText);
    }
    let lo: number, hi: number;
    if (range === "*" || range === "?") {
      lo = min;
      hi = max;
    } else {
      const dash = range.indexOf("-", 1);
      if (dash > 0) {
        lo = num(range.slice(0, dash), names, nameOffset, what);
        hi = num(range.slice(dash + 1), names, nameOffset, what);
      } else {
        lo = num(range, names, nameOffset, what);
        hi = stepText === undefined ? lo : max;
      }
    }
    if (lo < min || hi > max || lo > hi) {
      throw new CronError(`${what} range ${lo}-${hi} is outside ${min}-${max}`);
    }
    for (let v = lo; v <= hi; v += step) out[v] = true;
  }
  return out;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate(); // m 1-based
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay();

type DayTest = (y: number, m: number, d: number) => boolean;

function domTest(text: string): DayTest {
  if (text === "?" || text === "*") return () => true;
  const up = text.toUpperCase();
  if (up === "L" || /^L-\d+$/.test(up)) {
    const back = up === "L" ? 0 : Number(up.slice(2));
    if (back > 30) throw new CronError(`Invalid day-of-month offset '${text}'`);
    return (y, m, d) => d === daysIn(y, m) - back;
  }
  if (up === "LW") {
    return (y, m, d) => d === nearestWeekday(y, m, daysIn(y, m));
  }
  const w = /^(\d+)W$/.exec(up);
  if (w) {
    const target = Number(w[1]);
    if (target < 1 || target > 31) throw new CronError(`Invalid day-of-month '${text}'`);
    return (y, m, d) => target <= daysIn(y, m) && d === nearestWeekday(y, m, target);
  }
  const set = field(text, 1, 31, "day-of-month");
  return (_y, _m, d) => set[d];
}

function nearestWeekday(y: number, m: number, d: number): number {
  const wd = weekday(y, m, d);
  if (wd === 6) return d === 1 ? 3 : d - 1;
  if (wd === 0) return d === daysIn(y, m) ? d - 2 : d + 1;
  return d;
}

function dowTest(text: string): DayTest {
  if (text === "?" || text === "*") return () => true;
  const up = text.toUpperCase();
  const dayNum = (s: string) => num(s, DAYS, 0, "day-of-week") % 7;
  const last = /^([A-Z0-7]+)L$/.exec(up);
  if (last) {
    const wd = dayNum(last[1]);
    return (y, m, d) => weekday(y, m, d) === wd && d + 7 > daysIn(y, m);
  }
  const nth = /^([A-Z0-7]+)#([1-5])$/.exec(up);
  if (nth) {
    const wd = dayNum(nth[1]);
    const n = Number(nth[2]);
    return (y, m, d) => weekday(y, m, d) === wd && Math.ceil(d / 7) === n;
  }
  const set = field(up, 0, 7, "day-of-week", DAYS, 0);
  if (set[7]) set[0] = true;
  return (y, m, d) => set[weekday(y, m, d)];
}

/**
 * Parses a Spring cron expression.
 *
 * @throws {CronError} when it is not one (a five-field Unix cron included).
 */
export function parseCron(expression: string): Cron {
  const text = expression.trim();
  const expanded = MACROS[text.toLowerCase()] ?? text;
  const parts = expanded.split(/\s+/);
  if (parts.length !== 6) {
    throw new CronError(
      `Cron expression must consist of 6 fields (found ${parts.length} in "${expression}")`,
    );
  }
  const [s, mi, h, dom, mo, dow] = parts;
  const dayOfMonth = domTest(dom);
  const dayOfWeek = dowTest(dow);
  return {
    source: expression,
    seconds: field(s, 0, 59, "second"),
    minutes: field(mi, 0, 59, "minute"),
    hours: field(h, 0, 23, "hour"),
    months: field(mo, 1, 12, "month", MONTHS, 1),
    matchesDay: (y, m, d) => dayOfMonth(y, m, d) && dayOfWeek(y, m, d),
  };
}

// ---------------------------------------------------------------- zones

const formats = new Map<string, Intl.DateTimeFormat>();

/** Whether `zone` is a time zone `Intl` knows (IANA name or `UTC`). */
export function isValidZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formats.set(zone, f);
  }
  return f;
}

/** The wall-clock time of `instant` in `zone`, as epoch ms of the same fields in UTC. */
function wallOf(instant: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour % 24, p.minute, p.second);
  return wall + (((instant % 1000) + 1000) % 1000);
}

/**
 * The instant whose wall-clock time in `zone` is `wall`: the earlier one in a repeated hour
 * (DST end), and in a gap (DST start) the time moved forward by the gap, like Java's `ZonedDateTime`.
 */
function instantOf(wall: number, zone: string): number {
  const before = wallOf(wall - 43_200_000, zone) - (wall - 43_200_000);
  const after = wallOf(wall + 43_200_000, zone) - (wall + 43_200_000);
  const candidates = [wall - before, wall - after].filter((t) => wallOf(t, zone) === wall);
  return candidates.length > 0 ? Math.min(...candidates) : wall - before;
}

const SECOND = 1000, MINUTE = 60_000, HOUR = 3_600_000, DAY = 86_400_000;

/** The next wall-clock time strictly after `wall` that the cron matches (undefined past ~10 years). */
function nextWall(cron: Cron, wall: number): number | undefined {
  let t = Math.floor(wall / SECOND) * SECOND + SECOND;
  const limit = t + 10 * 366 * DAY;
  while (t < limit) {
    const d = new Date(t);
    const y = d.getUTCFullYear(), mo = d.getUTCMonth() + 1, day = d.getUTCDate();
    if (!cron.months[mo]) {
      t = Date.UTC(y, mo, 1); // first day of the next month
      continue;
    }
    if (!cron.matchesDay(y, mo, day)) {
      t = Date.UTC(y, mo - 1, day + 1);
      continue;
    }
    const h = d.getUTCHours();
    if (!cron.hours[h]) {
      t = Math.floor(t / HOUR) * HOUR + HOUR;
      continue;
    }
    const mi = d.getUTCMinutes();
    if (!cron.minutes[mi]) {
      t = Math.floor(t / MINUTE) * MINUTE + MINUTE;
      continue;
    }
    if (!cron.seconds[d.getUTCSeconds()]) {
      t += SECOND;
      continue;
    }
    return t;
  }
  return undefined;
}

/**
 * The first fire time strictly after `after` (epoch ms) of `cron` read in `zone`, or undefined
 * when there is none within about ten years.
 */
export function nextFireTime(cron: Cron, after: number, zone = "UTC"): number | undefined {
  let wall = wallOf(after, zone);
  for (let i = 0; i < 4; i++) {
    const next = nextWall(cron, wall);
    if (next === undefined) return undefined;
    const at = instantOf(next, zone);
    if (at > after) return at;
    wall = next; // a repeated hour (DST end) maps back: look further
  }
  return undefined;
}
