/**
 * Workflow search as the real server's default SQLite index answers it: `query` clauses joined
 * by `AND`, each `field=value`, `field>value`, `field<value` or `field IN (a,b)` over the
 * indexed fields (`*` in a value matches anything), `freeText` as a case-insensitive substring
 * of the execution's JSON, `sort` as `field:ASC|field:DESC`, and `start`/`size` paging. Hits
 * are `WorkflowSummary` objects with the server's string-typed times and maps.
 *
 * @module
 */
import type { SearchResult, Workflow, WorkflowSummary } from "../model/mod.ts";
import { javaString } from "./expressions.ts";

/** What a search takes (the query string of `GET /workflow/search`). */
export interface SearchOptions {
  /** `field=value AND field IN (a,b) AND ...` over the indexed fields. */
  query?: string;
  /** A case-insensitive substring of the summary's JSON; `*` matches all. */
  freeText?: string;
  /** Index of the first hit to answer. @default 0 */
  start?: number;
  /** Most hits to answer. @default 100 */
  size?: number;
  /** `field:ASC|field:DESC`, several joined by `|`. */
  sort?: string;
}

type Clause = (s: IndexedFields) => boolean;

interface IndexedFields {
  workflowId: string;
  correlationId: string;
  workflowType: string;
  startTime: number;
  endTime: number;
  updateTime: number;
  status: string;
  parentWorkflowId: string;
  classifier: string;
}

const FIELDS = new Set([
  "workflowId",
  "correlationId",
  "workflowType",
  "startTime",
  "endTime",
  "status",
  "updateTime",
  "parentWorkflowId",
  "classifier",
]);
const NUMERIC = new Set(["startTime", "endTime", "updateTime"]);

function fields(wf: Workflow): IndexedFields {
  return {
    workflowId: wf.workflowId ?? "",
    correlationId: wf.correlationId ?? "",
    workflowType: wf.workflowName ?? "",
    startTime: wf.startTime ?? 0,
    endTime: wf.endTime ?? 0,
    updateTime: wf.updateTime ?? 0,
    status: wf.status ?? "",
    parentWorkflowId: wf.parentWorkflowId ?? "",
    classifier: "workflow",
  };
}

function like(pattern: string): (v: string) => boolean {
  if (!pattern.includes("*")) return (v) => v === pattern;
  const re = new RegExp(
    "^" + pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$",
  );
  return (v) => re.test(v);
}

function toNumber(v: string): number {
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? NaN : t;
}

/** Parses a `query` into a predicate; clauses over unknown fields are ignored, like the server. */
export function parseQuery(query: string | undefined): Clause {
  if (!query || query.trim() === "" || query.trim() === "*") return () => true;
  const clauses: Clause[] = [];
  for (const raw of query.split(" AND ")) {
    const text = raw.replace(/["'()]/g, "").trim();
    const m = /^(\w+)\s*(=|>|<|\sIN\s)\s*(.*)$/i.exec(text);
    if (!m) continue;
    const field = m[1] as keyof IndexedFields;
    if (!FIELDS.has(field)) continue;
    const op = m[2].trim().toUpperCase();
    const value = m[3].trim();
    if (op === "IN") {
      const values = value.split(",").map((v) => v.trim()).filter(Boolean).map(like);
      clauses.push((s) => values.some((f) => f(String(s[field]))));
    } else if (op === "=") {
      const f = like(value);
      clauses.push((s) => f(String(s[field])));
    } else {
      const n = NUMERIC.has(field) ? toNumber(value) : NaN;
      const sign = op === ">" ? 1 : -1;
      clauses.push((s) => {
        const v = s[field];
        if (typeof v === "number" && !Number.isNaN(n)) return sign * (v - n) > 0;
        return sign * String(v).localeCompare(value) > 0;
      });
    }
  }
  return (s) => clauses.every((c) => c(s));
}

const iso = (ms: number | undefined): string | undefined =>
  ms && ms > 0 ? new Date(ms).toISOString() : undefined;

/** The summary the index keeps for an execution. */
export function summarize(wf: Workflow): WorkflowSummary {
  const input = javaString(wf.input ?? {});
  const output = javaString(wf.output ?? {});
  const s: WorkflowSummary & Record<string, unknown> = {
    workflowType: wf.workflowName,
    version: wf.workflowVersion,
    workflowId: wf.workflowId,
    correlationId: wf.correlationId,
    startTime: iso(wf.startTime),
    updateTime: iso(wf.updateTime),
    endTime: iso(wf.endTime),
    status: wf.status,
    input,
    output,
    reasonForIncompletion: wf.reasonForIncompletion,
    executionTime: wf.endTime && wf.endTime > 0 ? wf.endTime - (wf.startTime ?? 0) : 0,
    failedReferenceTaskNames: (wf.failedReferenceTaskNames ?? []).join(","),
    priority: wf.priority ?? 0,
    failedTaskNames: wf.failedTaskNames ?? [],
    taskToDomain: wf.taskToDomain ?? {},
    parentWorkflowId: wf.parentWorkflowId ?? "",
    classifier: "workflow",
    createdBy: wf.createdBy,
    idempotencyKey: wf.idempotencyKey,
    inputSize: input.length,
    outputSize: output.length,
  };
  return s;
}

/** Runs a search over executions. */
export function searchWorkflows(
  workflows: Iterable<Workflow>,
  options: SearchOptions,
): SearchResult<WorkflowSummary> {
  const match = parseQuery(options.query);
  const free = options.freeText && options.freeText.trim() !== "*"
    ? options.freeText.trim().toLowerCase()
    : undefined;
  let hits: Workflow[] = [];
  for (const wf of workflows) {
    if (!match(fields(wf))) continue;
    // the index keeps the summary's JSON, so that is what free text matches
    if (free && !JSON.stringify(summarize(wf)).toLowerCase().includes(free)) continue;
    hits.push(wf);
  }
  if (options.sort) {
    const keys = options.sort.split("|").map((k) => {
      const [field, dir] = k.split(":");
      return {
        field: field.trim() as keyof IndexedFields,
        desc: dir?.trim().toUpperCase() === "DESC",
      };
    }).filter((k) => FIELDS.has(k.field));
    if (keys.length) {
      const cached = new Map(hits.map((w) => [w, fields(w)]));
      hits = hits.sort((a, b) => {
        for (const k of keys) {
          const x = cached.get(a)![k.field], y = cached.get(b)![k.field];
          const c = typeof x === "number" && typeof y === "number"
            ? x - y
            : String(x).localeCompare(String(y));
          if (c !== 0) return k.desc ? -c : c;
        }
        return 0;
      });
    }
  }
  const start = Math.max(0, options.start ?? 0);
  const size = Math.max(0, options.size ?? 100);
  return { totalHits: hits.length, results: hits.slice(start, start + size).map(summarize) };
}
