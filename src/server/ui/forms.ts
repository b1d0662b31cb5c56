/**
 * What the UI's handlers read from forms and show after a failure: form fields (the last value
 * when repeated), a JSON object typed in a textarea, the search query of the executions form,
 * and an error's message safe to show (the client's errors never carry secrets).
 *
 * @module
 */
import { isConductorError, isHttpError } from "../../http/mod.ts";
import type { SearchForm } from "./executions_page.ts";
import { WORKFLOW_STATUSES } from "./view.ts";

/** The message of an error, safe to show (the client's errors never carry secrets). */
export function reason(error: unknown): string {
  if (isHttpError(error)) {
    const v = error.body?.validationErrors ?? [];
    return v.length > 0
      ? `${error.message}: ${v.map((e) => `${e.path ?? ""} ${e.message ?? ""}`.trim()).join("; ")}`
      : error.message;
  }
  if (isConductorError(error) || error instanceof Error) return error.message;
  return String(error);
}

/** One line per problem, for the editors. */
export function problems(error: unknown): string[] {
  if (isHttpError(error)) {
    const v = error.body?.validationErrors ?? [];
    if (v.length > 0) {
      return v.map((e) =>
        `${e.path ?? ""}: ${e.message ?? ""}${
          e.invalidValue === undefined ? "" : ` (got ${e.invalidValue})`
        }`
      );
    }
    return [error.body?.message ?? error.message];
  }
  return [reason(error)];
}

/** A JSON object typed in a form field; an error names `field` when it is not one. */
export function parseJsonObject(text: string, field: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.trim() === "" ? "{}" : text);
  } catch (e) {
    throw new Error(`${field}: not valid JSON (${(e as Error).message})`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${field}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** A form's text field (the last value when repeated), "" when missing. */
export function field(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof last === "string" ? last : "";
}

/** A form's repeated field (`name` or `name[]`), its text values. */
export function fields(body: Record<string, unknown>, name: string): string[] {
  const v = body[name] ?? body[`${name}[]`];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === "string",
  );
}

/** A search value stripped of what would change the query's structure. */
const clean = (s: string): string => s.replace(/["'()]/g, "").replace(/\s+AND\s+/gi, " ").trim();

/** The search query of the executions form. */
export function searchQuery(form: SearchForm): string {
  const clauses: string[] = [];
  const types = form.workflowType.split(",").map(clean).filter(Boolean);
  if (types.length > 0) clauses.push(`workflowType IN (${types.join(",")})`);
  const statuses = form.status.filter((s) => WORKFLOW_STATUSES.includes(s));
  if (statuses.length > 0) clauses.push(`status IN (${statuses.join(",")})`);
  if (clean(form.workflowId)) clauses.push(`workflowId="${clean(form.workflowId)}"`);
  if (clean(form.correlationId)) clauses.push(`correlationId="${clean(form.correlationId)}"`);
  const from = Date.parse(`${form.from}Z`);
  if (form.from && Number.isFinite(from)) clauses.push(`startTime>${from}`);
  const to = Date.parse(`${form.to}Z`);
  if (form.to && Number.isFinite(to)) clauses.push(`startTime<${to}`);
  return clauses.join(" AND ");
}
