/**
 * What every page of the UI shares: the {@link View} (base path and form token), the links to
 * executions and definitions, the statuses a search filters by, and the page
 * shown when the data could not be fetched. The pages themselves are one file per view
 * (`*_page.ts`, `*_pages.ts`), functions of the data the client fetched with no I/O, so a page's render time
 * is measured on its own (bench/ui.ts).
 *
 * @module
 */
import { type Html, html } from "./html.ts";

/** What every page needs: where the UI lives and the form token. */
export interface View {
  /** The UI's base path ("" at the root). */
  base: string;
  /** The hidden form field that carries the CSRF token. */
  csrf: Html;
}

/** `encodeURIComponent`, for path segments and query values. */
export const enc: (value: string) => string = encodeURIComponent;

/** The execution's link. */
export const executionPath = (v: View, id: string, ref?: string): string =>
  `${v.base}/execution/${enc(id)}${ref === undefined ? "" : `/${enc(ref)}`}`;

/** A workflow definition's link (its latest version without `version`). */
export const defPath = (v: View, name: string, version?: number): string =>
  `${v.base}/workflowDef/${enc(name)}${version === undefined ? "" : `/${version}`}`;

/** The statuses a search can filter by. */
export const WORKFLOW_STATUSES: readonly string[] = [
  "RUNNING",
  "PAUSED",
  "COMPLETED",
  "FAILED",
  "TIMED_OUT",
  "TERMINATED",
];

/** A page for what went wrong fetching the data. */
export function errorPage(message: string): Html {
  return html`
    <h1>Could not load this page</h1>
    <div class="msg err" role="alert">${message}</div>
  `;
}
