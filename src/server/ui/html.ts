/**
 * The UI's markup helpers: an escaping tagged template (Hono's `html`, typed as synchronous: no
 * value here is ever a promise), the page frame with its inline CSS and script, JSON views and
 * formatting. Every interpolated value is escaped (`&<>'"`), so text from an execution can sit
 * in element content and in quoted attributes alike.
 *
 * @module
 */
import { html as honoHtml, raw } from "hono/html";

/** A string already escaped for HTML. */
export type Html = ReturnType<typeof raw>;

// The templates' own indentation (deno fmt lays them out as HTML) is not sent: each newline and
// the indentation after it become one newline, once per template.
const compact = new WeakMap<TemplateStringsArray, TemplateStringsArray>();

/** Escaping template: strings, numbers and arrays of {@link Html} are allowed as values. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let tight = compact.get(strings);
  if (!tight) {
    tight = strings.map((s) => s.replace(/\n\s+/g, "\n")) as unknown as TemplateStringsArray;
    compact.set(strings, tight);
  }
  return honoHtml(tight, ...values) as Html;
}

/** Trusted markup as it is (only for constants of this module). */
export const trusted: (value: string) => Html = (value) => raw(value);

/** An epoch-millisecond time (or an ISO string) as `YYYY-MM-DD hh:mm:ss.mmm` UTC, or "–". */
export function time(value: number | string | undefined): string {
  if (value === undefined || value === "" || value === 0) return "–";
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms) || ms <= 0) return "–";
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** A duration in ms as `1.2 s`, `340 ms`, `2 min 3 s`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/**
 * A value as indented JSON in a `<pre>` (escaped: a `<script>` in the data shows as text).
 * `attrs` is markup of this UI's own (a `data-testid`), never data.
 */
export function json(value: unknown, attrs = ""): Html {
  let text: string;
  try {
    text = JSON.stringify(value ?? null, null, 2) ?? "null";
  } catch {
    text = String(value);
  }
  // Element content needs only &, < and > escaped (quotes stay as they are: smaller pages).
  const escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return html`<pre class="json" ${trusted(attrs)}>${trusted(escaped)}</pre>`;
}

/** The status as a coloured badge. */
export function badge(status: string | undefined): Html {
  const s = status ?? "UNKNOWN";
  return html`<span class="badge s-${s.toLowerCase()}">${s}</span>`;
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f5f6f8}
a{color:#1f5bd8;text-decoration:none}a:hover{text-decoration:underline}
header.top{display:flex;gap:18px;align-items:center;background:#1d2330;color:#fff;padding:8px 16px}
header.top a{color:#dfe6f5}header.top b{font-size:15px;margin-right:12px}
header.top a.on{color:#fff;border-bottom:2px solid #6ea0ff}
header.top .srv{margin-left:auto;color:#9aa5b8;font-size:12px}
main{padding:16px;max-width:1400px;margin:0 auto}
h1{font-size:20px;margin:4px 0 12px}h2{font-size:16px;margin:18px 0 8px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px;margin-bottom:12px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e6e9ef;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600;font-size:12px}
pre.json{background:#f7f8fa;border:1px solid #e1e4ea;padding:8px;margin:0;max-height:420px;overflow:auto;font-size:12px;white-space:pre-wrap;word-break:break-word}
textarea{width:100%;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}
input,select,button,textarea{font-size:13px}
input[type=text],input:not([type]),select{padding:4px 6px;border:1px solid #c5cbd5;border-radius:4px}
button{padding:4px 10px;border:1px solid #9aa5b8;border-radius:4px;background:#fff;cursor:pointer}
button.primary{background:#1f5bd8;color:#fff;border-color:#1f5bd8}
button.danger{color:#b3261e;border-color:#e0a49f}
form.inline{display:inline-flex;gap:4px;align-items:center;margin:2px 6px 2px 0}
.row{display:flex;gap:12px;flex-wrap:wrap}.grow{flex:1;min-width:300px}
.kv{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:3px 12px}.kv dt{color:#5a6475}.kv dd{margin:0}
.msg{padding:8px 12px;border-radius:4px;margin-bottom:12px}
.msg.ok{background:#e6f4ea;border:1px solid #a8d5b5}.msg.err{background:#fdecea;border:1px solid #f1b0aa}
.errors li{color:#b3261e;overflow-wrap:anywhere}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:11px;font-weight:600;background:#e1e4ea;color:#333}
.s-completed,.s-completed_with_errors{background:#d4f1dc;color:#17632e}
.s-running,.s-in_progress,.s-scheduled{background:#dbe8ff;color:#1f4fb0}
.s-failed,.s-failed_with_terminal_error,.s-timed_out{background:#fbd9d5;color:#a4231a}
.s-terminated,.s-canceled{background:#f3e2c7;color:#7a4b06}
.s-paused{background:#efe0ff;color:#5b2d99}.s-skipped{background:#eceff3;color:#555}
.tabs nav{display:flex;flex-wrap:wrap;gap:2px;border-bottom:1px solid #cfd5de;margin-bottom:8px}
.tabs nav button{border:0;border-bottom:2px solid transparent;border-radius:0;background:none;padding:6px 10px}
.tabs nav button.on,.tabs nav a.on{border-bottom-color:#1f5bd8;color:#1f5bd8;font-weight:600}
.tabs nav a{padding:6px 10px;border-bottom:2px solid transparent;color:#1d2330}
.dg{overflow:auto;padding:8px;background:#fff;border:1px solid #dde1e8;border-radius:6px}
.dg .seq{display:flex;flex-direction:column;align-items:center;gap:0}
.dg .seq>*+*{margin-top:14px;position:relative}
.dg .seq>*+*::before{content:"";position:absolute;top:-14px;left:50%;height:14px;border-left:2px solid #9aa5b8}
.dg .node{display:block;min-width:140px;max-width:220px;padding:5px 9px;border:2px solid #b6bfcc;border-radius:6px;background:#fff;text-align:center;color:#1d2330;font-size:12px;word-break:break-word}
.dg a.node:hover{text-decoration:none;box-shadow:0 0 0 3px #b9cdf7}
.dg .node small{display:block;color:#5a6475;font-size:10px}
.dg .node.sel{box-shadow:0 0 0 3px #1f5bd8}
.dg .node.s-completed{border-color:#2f9e52;background:#eefaf1}.dg .node.s-failed,.dg .node.s-failed_with_terminal_error,.dg .node.s-timed_out{border-color:#d93025;background:#fdeeec}
.dg .node.s-in_progress,.dg .node.s-scheduled{border-color:#1f5bd8;background:#eaf1ff}
.dg .node.s-canceled{border-color:#c98a1b;background:#fdf5e6}.dg .node.s-skipped{border-style:dashed}
.dg .node.term{min-width:60px;border-radius:14px;background:#eef1f5}
.dg .par{display:flex;gap:12px;align-items:flex-start;border:1px dashed #b6bfcc;border-radius:6px;padding:10px 8px 8px}
.dg .par>.branch{display:flex;flex-direction:column;align-items:center}
.dg .par>.branch>.lbl{font-size:10px;color:#5a6475;margin-bottom:4px;max-width:160px;overflow:hidden;text-overflow:ellipsis}
.dg .loop{border:2px dotted #8a63c9;border-radius:8px;padding:8px}
.tl{position:relative;height:14px;background:#eef1f5;border-radius:3px;min-width:120px}
.tl i{position:absolute;top:0;bottom:0;background:#6ea0ff;border-radius:3px;min-width:2px}
.muted{color:#6b7585}.nowrap{white-space:nowrap}.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.pager{margin:8px 0;display:flex;gap:10px;align-items:center}
`;

/** The page script, served at `<base>/_ui/app.js` (the CSP allows no inline script). */
export const SCRIPT: string = `
(function(){
function show(root,name){var b=root.querySelectorAll(':scope>nav>button');var p=root.querySelectorAll(':scope>[data-panel]');
for(var i=0;i<b.length;i++)b[i].classList.toggle('on',b[i].dataset.tab===name);
for(var j=0;j<p.length;j++)p[j].hidden=p[j].dataset.panel!==name;}
var roots=document.querySelectorAll('[data-tabs]');
for(var k=0;k<roots.length;k++){(function(root){var key=root.dataset.tabs;
var m=new RegExp('[#&]'+key+'=([\\\\w-]+)').exec(location.hash);var first=root.querySelector(':scope>nav>button');
show(root,m?m[1]:(root.dataset.initial||(first&&first.dataset.tab)));
root.querySelector(':scope>nav').addEventListener('click',function(e){var t=e.target.closest('button[data-tab]');if(!t)return;e.preventDefault();
show(root,t.dataset.tab);var h=location.hash.replace(new RegExp('[#&]?'+key+'=[\\\\w-]+'),'').replace(/^#&?/,'');
history.replaceState(null,'','#'+(h?h+'&':'')+key+'='+t.dataset.tab);});})(roots[k]);}
document.addEventListener('submit',function(e){var f=e.target;var q=f.dataset.confirm;if(q&&!confirm(q))e.preventDefault();});
var all=document.querySelector('[data-check-all]');if(all)all.addEventListener('change',function(){
var c=document.querySelectorAll('input[name=ids]');for(var i=0;i<c.length;i++)c[i].checked=all.checked;});
var dirty=false;document.addEventListener('input',function(){dirty=true;});
var r=document.body.dataset.refresh;if(r)setInterval(function(){var a=document.activeElement;
if(dirty||(a&&/^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName)))return;location.reload();},Number(r));
})();`;

/** The navigation entries: label, path, and the section they light up. */
const NAV: [string, string][] = [
  ["Executions", "/executions"],
  ["Workflow defs", "/workflowDefs"],
  ["Task defs", "/taskDefs"],
  ["Task queues", "/taskQueue"],
  ["Workbench", "/workbench"],
];

/** What {@link page} needs beyond the body. */
export interface PageOptions {
  /** The `<title>`. */
  title: string;
  /** The UI's base path ("" at the root). */
  base: string;
  /** The path of the section to highlight. */
  section?: string;
  /** Where the data comes from, shown in the header (a URL with no credentials). */
  server: string;
  /** Reload the page every this many ms (a running execution). */
  refreshMs?: number;
  /** A success message. */
  ok?: string;
  /** An error message. */
  error?: string;
}

/** The whole document around a page's body. */
export function page(options: PageOptions, body: Html): Html {
  const { base } = options;
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width,initial-scale=1">
        <title>${options.title} · Conductor</title>
        <style>${trusted(CSS)}</style>
      </head>
      <body${options.refreshMs
        ? html`
          data-refresh="${options.refreshMs}"
        `
        : ""}>
        <header class="top"><b>Conductor</b>${NAV.map(([label, path]) =>
          html`<a href="${base}${path}" class="${
            options.section === path ? "on" : ""
          }">${label}</a>`
        )}<span class="srv">${options.server}</span></header>
        <main>${options.ok
          ? html`<div class="msg ok" role="status">${options.ok}</div>`
          : ""}${options.error
          ? html`<div class="msg err" role="alert">${options.error}</div>`
          : ""}${body}</main>
        <script src="${base}/_ui/app.js" defer></script>
        </body>
        </html>
  `;
}
