/**
 * The web UI in headless Chromium, walking the seed's journey: the quickstart runs against a
 * server with the UI, its printed `Execution:` URL opens the run, the greet task's Output tab
 * shows `Hello Conductor`, Definitions list `greet` and `greetings`. Also: pause and resume from
 * the page, a bulk terminate, an XSS attempt shown as text, a cross-site POST refused.
 *
 * With `CONDUCTOR_TEST_SERVER=real` and `CONDUCTOR_SERVER_URL` the same pages run with the UI on
 * its own against that server; otherwise the embedded engine serves the UI and `/api` on one
 * port. Screenshots go to test-results/ui/.
 *
 * @module
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { Configuration, OrkesClients, type WorkflowDef } from "../../mod.ts";
import { createServer, createUi, type EmbeddedServer } from "../../src/server/mod.ts";
import { launch, SHOTS } from "./_browser.ts";

const real = process.env.CONDUCTOR_TEST_SERVER === "real";
let browser: Browser;
let embedded: EmbeddedServer | undefined;
let uiUrl: string;
let apiUrl: string;
let close: () => Promise<void>;
let clients: OrkesClients;
const tag = crypto.randomUUID().slice(0, 8);
const waitWf = `ui_wait_${tag}`;

function runQuickstart(): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = fileURLToPath(new URL("../../examples/quickstart.ts", import.meta.url));
  const env = { ...process.env, NO_COLOR: "1", CONDUCTOR_SERVER_URL: apiUrl };
  const args = "Bun" in globalThis ? [file] : ["run", "-A", file];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({
        code: error ? (typeof error.code === "number" ? error.code : 1) : 0,
        stdout,
        stderr,
      });
    });
  });
}

async function startWaiting(input: Record<string, unknown> = {}, correlationId?: string) {
  return await clients.getWorkflowClient().startWorkflow({
    name: waitWf,
    version: 1,
    input,
    correlationId,
  });
}

async function status(id: string): Promise<string | undefined> {
  return (await clients.getWorkflowClient().getWorkflow(id, { includeTasks: false })).status;
}

async function shownStatus(page: Page): Promise<string> {
  return (await page.locator('[data-testid="wf-status"]').textContent())?.trim() ?? "";
}

before(async () => {
  if (real) {
    const given = process.env.CONDUCTOR_SERVER_URL;
    if (!given) throw new Error("CONDUCTOR_TEST_SERVER=real needs CONDUCTOR_SERVER_URL");
    apiUrl = given.replace(/\/+$/, "");
    const ui = createUi({ configuration: new Configuration({ serverUrl: apiUrl }) });
    ({ url: uiUrl, close } = await ui.listen({ port: 0 }));
  } else {
    embedded = createServer();
    const ui = createUi({ server: embedded, refreshMs: 1000 });
    ({ url: uiUrl, close } = await ui.listen({ port: 0 }));
    apiUrl = `${uiUrl}/api`;
  }
  clients = new OrkesClients(new Configuration({ serverUrl: apiUrl }));
  const def: WorkflowDef = {
    name: waitWf,
    version: 1,
    tasks: [{ name: "approval", taskReferenceName: "approval", type: "WAIT" }],
    outputParameters: { approved: "${approval.output.approved}" },
    ownerEmail: "ui@example.com",
    schemaVersion: 2,
    timeoutSeconds: 0,
  };
  await clients.getMetadataClient().registerWorkflowDef(def, { overwrite: true });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await close?.();
  await embedded?.close();
});

describe("the web UI in Chromium", () => {
  it("walks the quickstart: execution URL → greet task → Output → Definitions", async () => {
    const run = await runQuickstart();
    assert.equal(run.code, 0, run.stderr);
    const line = run.stdout.split("\n").find((l) => l.startsWith("Execution: "));
    assert.ok(line, `no Execution: line in ${run.stdout}`);
    let url = line.slice("Execution: ".length).trim();
    assert.match(url, /^http:\/\/\S+\/execution\/[0-9a-f-]{36}$/);
    // On the embedded engine the printed URL is this UI's; a real server's points at its own UI.
    if (real) url = `${uiUrl}${new URL(url).pathname}`;
    else assert.ok(url.startsWith(`${uiUrl}/execution/`), `${url} is not on ${uiUrl}`);

    const page = await browser.newPage();
    const res = await page.goto(url);
    assert.equal(res?.status(), 200);
    assert.equal(await shownStatus(page), "COMPLETED");
    await page.locator('[data-testid="diagram"] a.node[data-ref="greet_ref"]').click();
    await page.waitForURL(/\/greet_ref$/);
    const panel = page.locator('[data-testid="task-panel"]');
    await panel.locator('button[data-tab="output"]').click();
    const output = panel.locator('[data-testid="task-output"]');
    assert.ok(await output.isVisible(), "the Output tab shows the task's output");
    assert.match((await output.textContent()) ?? "", /"result": "Hello Conductor"/);
    await page.screenshot({ path: `${SHOTS}execution-output.png` });

    await page.getByRole("link", { name: "Task defs" }).click();
    await page.waitForURL(/\/taskDefs$/);
    assert.ok(
      await page.locator('[data-testid="task-defs"] a', { hasText: /^greet$/ }).count() === 1,
      "Task defs lists greet",
    );
    await page.getByRole("link", { name: "Workflow defs" }).click();
    await page.waitForURL(/\/workflowDefs$/);
    const greetings = page.locator('[data-testid="workflow-defs"] td > a', {
      hasText: /^greetings$/,
    });
    assert.equal(await greetings.count(), 1, "Workflow defs lists greetings");
    await greetings.click();
    await page.waitForURL(/\/workflowDef\/greetings\/1$/);
    assert.ok(await page.locator('[data-testid="diagram"] [data-ref="greet_ref"]').isVisible());
    await page.screenshot({ path: `${SHOTS}workflow-def.png` });
    await page.close();
  });

  it("pauses and resumes from the page; the status shown follows", async () => {
    const id = await startWaiting();
    const page = await browser.newPage();
    page.on("dialog", (d) => void d.accept());
    await page.goto(`${uiUrl}/execution/${id}`);
    assert.equal(await shownStatus(page), "RUNNING");
    await page.locator('[data-testid="wf-actions"] button[value="pause"]').click();
    await page.waitForURL(/ok=Paused/);
    assert.equal(await shownStatus(page), "PAUSED");
    assert.equal(await status(id), "PAUSED");
    await page.locator('[data-testid="wf-actions"] button[value="resume"]').click();
    await page.waitForURL(/ok=Resumed/);
    assert.equal(await shownStatus(page), "RUNNING");
    assert.equal(await status(id), "RUNNING");

    // Complete the WAIT task from its panel with an output.
    await page.goto(`${uiUrl}/execution/${id}/approval`);
    await page.locator('[data-testid="task-panel"] textarea[name="output"]').fill(
      '{"approved": true}',
    );
    await page.locator('[data-testid="task-panel"] button[value="complete"]').click();
    await page.waitForURL(/ok=Completed/);
    for (let i = 0; i < 50 && (await status(id)) !== "COMPLETED"; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await status(id), "COMPLETED");
    const wf = await clients.getWorkflowClient().getWorkflow(id);
    assert.deepEqual(wf.output, { approved: true });
    await page.close();
  });

  it("refreshes a running execution by itself until it ends", async () => {
    const id = await startWaiting();
    const page = await browser.newPage();
    await page.goto(`${uiUrl}/execution/${id}`);
    assert.equal(await shownStatus(page), "RUNNING");
    await clients.getTaskClient().updateTaskByRefName(id, "approval", "COMPLETED", {
      approved: "later",
    });
    await page.locator('[data-testid="wf-status"]', { hasText: "COMPLETED" }).waitFor({
      timeout: 20_000,
    });
    await page.close();
  });

  it("starts a run from the workbench and lists it among the recent runs", async () => {
    const page = await browser.newPage();
    await page.goto(`${uiUrl}/workbench`);
    const form = page.locator('[data-testid="workbench"]');
    await form.locator('input[name="name"]').fill(waitWf);
    await form.locator('input[name="version"]').fill("1");
    await form.locator('input[name="correlationId"]').fill(`wb_${tag}`);
    await form.locator('textarea[name="input"]').fill('{"a": 1');
    await form.locator("button.primary").click();
    // Bad JSON: the page says which field, and keeps what was typed.
    assert.match(
      (await page.locator('[data-testid="validation"]').textContent()) ?? "",
      /input: not valid JSON/,
    );
    assert.equal(await form.locator('textarea[name="input"]').inputValue(), '{"a": 1');
    await form.locator('textarea[name="input"]').fill('{"a": 1}');
    await form.locator("button.primary").click();
    await page.waitForURL(/\/execution\/[0-9a-f-]{36}\?ok=Started/);
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    assert.equal(await shownStatus(page), "RUNNING");
    const wf = await clients.getWorkflowClient().getWorkflow(id);
    assert.deepEqual(wf.input, { a: 1 });
    assert.equal(wf.correlationId, `wb_${tag}`);
    for (let i = 0; i < 50; i++) {
      await page.goto(`${uiUrl}/workbench`);
      if (await page.locator(`[data-testid="recent"] a[href$="${id}"]`).count() === 1) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await page.locator(`[data-testid="recent"] a[href$="${id}"]`).count(), 1);
    await clients.getWorkflowClient().terminateWorkflow(id);
    await page.close();
  });

  it("edits a workflow definition: the server's validation errors show next to the JSON", async () => {
    const page = await browser.newPage();
    await page.goto(`${uiUrl}/workflowDef/${waitWf}/1?view=json`);
    const text = page.locator('[data-testid="editor"] textarea[name="json"]');
    const def = JSON.parse(await text.inputValue()) as WorkflowDef;
    assert.equal(def.name, waitWf);
    const broken = JSON.stringify(
      { ...def, tasks: [{ name: "approval", type: "WAIT" }] },
      null,
      2,
    );
    await text.fill(broken);
    await page.locator('[data-testid="editor"] button.primary').click();
    const errors = (await page.locator('[data-testid="validation"]').textContent()) ?? "";
    assert.match(errors, /taskReferenceName/i, errors);
    assert.equal(await text.inputValue(), broken, "the text sent is kept");
    await page.screenshot({ path: `${SHOTS}definition-validation.png` });
    await text.fill(JSON.stringify({ ...def, description: "edited in the UI" }, null, 2));
    await page.locator('[data-testid="editor"] button.primary').click();
    await page.waitForURL(/ok=Saved/);
    const saved = await clients.getMetadataClient().getWorkflowDef(waitWf, { version: 1 });
    assert.equal(saved.description, "edited in the UI");
    await page.close();
  });

  it("terminates several executions at once from the search page", async () => {
    const correlationId = `bulk_${tag}`;
    const ids = [
      await startWaiting({}, correlationId),
      await startWaiting({}, correlationId),
      await startWaiting({}, correlationId),
    ];
    const page = await browser.newPage();
    page.on("dialog", (d) => void d.accept());
    const search = `${uiUrl}/executions?workflowType=${waitWf}&correlationId=${correlationId}`;
    // The real server indexes asynchronously: reload until all three are listed.
    for (let i = 0; i < 50; i++) {
      await page.goto(search);
      if ((await page.locator('input[name="ids"]').count()) === 3) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(await page.locator('input[name="ids"]').count(), 3);
    await page.locator("input[data-check-all]").check();
    await page.locator('button[name="op"][value="terminate"]').click();
    await page.waitForURL(/ok=terminate/);
    assert.match((await page.locator('[role="status"]').textContent()) ?? "", /terminate: 3 done/);
    for (const id of ids) assert.equal(await status(id), "TERMINATED");
    await page.screenshot({ path: `${SHOTS}bulk-terminate.png` });
    await page.close();
  });

  it("shows an XSS attempt as text", async () => {
    const attack = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2">`;
    const id = await startWaiting({ name: attack, "<b>key</b>": attack }, `"><script>x</script>`);
    const page = await browser.newPage();
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto(`${uiUrl}/execution/${id}`);
    await page.locator('[data-testid="views"] a', { hasText: "Input" }).click();
    await page.waitForURL(/view=input/);
    const input = (await page.locator('[data-testid="wf-input"]').textContent()) ?? "";
    assert.ok(input.includes(attack.replaceAll('"', '\\"')), `input shown as text: ${input}`);
    assert.equal(await page.evaluate(() => (globalThis as { __xss?: number }).__xss), undefined);
    assert.equal(await page.locator("main img").count(), 0, "no <img> element made from input");
    await page.goto(`${uiUrl}/executions?workflowType=${waitWf}`);
    assert.equal(await page.evaluate(() => (globalThis as { __xss?: number }).__xss), undefined);
    assert.equal(dialogs, 0);
    await clients.getWorkflowClient().terminateWorkflow(id);
    await page.close();
  });

  it("refuses a cross-site POST with 403 and changes nothing", async () => {
    const id = await startWaiting();
    const page = await browser.newPage();
    // Even with the page's real token, a form posted from another site is refused.
    await page.goto(`${uiUrl}/execution/${id}`);
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    await page.route("http://attacker.test/**", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<form method="post" action="${uiUrl}/execution/${id}/action">
<input name="_csrf" value="${token}"><input name="op" value="pause"></form>
<script>document.forms[0].submit()</script>`,
      }));
    const refused = page.waitForResponse((r) => r.url().endsWith(`/execution/${id}/action`));
    await page.goto("http://attacker.test/");
    assert.equal((await refused).status(), 403);
    // Without the token, from the same origin: refused too.
    const noToken = await page.request.post(`${uiUrl}/execution/${id}/action`, {
      form: { op: "pause" },
      headers: { origin: uiUrl },
    });
    assert.equal(noToken.status(), 403);
    assert.equal(await status(id), "RUNNING");
    await clients.getWorkflowClient().terminateWorkflow(id);
    await page.close();
  });
});
