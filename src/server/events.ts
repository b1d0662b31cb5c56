/**
 * Event handlers, after conductor-oss's `DefaultEventProcessor` and `SimpleActionProcessor`: a
 * handler listens to one event (for the engine's own queues `conductor:<workflow>:<queue>`, what
 * an EVENT task with sink `conductor` or `conductor:<queue>` publishes); for each message whose
 * payload meets its `condition` (a JavaScript expression over `$`, run in the engine's script
 * sandbox) it runs its actions: `start_workflow` (input resolved against the payload, plus
 * `conductor.event.messageId` and `conductor.event.name`), `complete_task` and `fail_task` (the
 * task by id, or by workflow id and ref; its output is the resolved details plus the message id
 * and event name). `expandInlineJSON` parses JSON held in string fields of the payload first; a
 * `condition` always sees the payload with them parsed.
 *
 * Handlers are documents of the engine's store (collection `event_handler`). Messages are handled
 * after the publishing task's own change is saved (a microtask later), as the server handles
 * them on its event queue poller.
 *
 * @module
 */
import type { EventHandler, EventHandlerAction, EventTaskDetails } from "../model/mod.ts";
import type { Engine } from "./engine/mod.ts";
import { badRequest, conflict, notFound } from "./errors.ts";
import { resolveParameters } from "./expressions.ts";
import { loadScriptSandbox, scriptTruthy } from "./script/mod.ts";
import { baseRef } from "./defs.ts";

const HANDLERS = "event_handler";
const ACTIONS = new Set(["start_workflow", "complete_task", "fail_task"]);

/**
 * What one action did, as the server's action processor answers it (`workflowId` of a started
 * workflow; the resolved task details; `error` when it could not act).
 *
 * @example
 * ```ts
 * import type { ActionOutcome } from "@conductor-edge/sdk/server";
 * const outcome: ActionOutcome = { workflowId: "a1b2" };
 * ```
 */
export type ActionOutcome = Record<string, unknown>;

function checkHandler(body: unknown): EventHandler {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("eventHandler must be a JSON object");
  }
  const h = body as EventHandler;
  if (typeof h.name !== "string" || h.name.trim() === "") {
    throw badRequest("eventHandler.name: Missing event handler name");
  }
  if (typeof h.event !== "string" || h.event.trim() === "") {
    throw badRequest("eventHandler.event: Missing event location");
  }
  if (!Array.isArray(h.actions) || h.actions.length === 0) {
    throw badRequest(
      "eventHandler.actions: No actions specified. Please specify at-least one action",
    );
  }
  h.actions.forEach((a, i) => {
    if (!ACTIONS.has(a?.action)) {
      throw badRequest(
        `eventHandler.actions[${i}].action must be one of start_workflow, complete_task, fail_task` +
          ` in the embedded engine, got ${JSON.stringify(a?.action)}`,
      );
    }
    if (a.action === "start_workflow" && !a.start_workflow?.name) {
      throw badRequest(`eventHandler.actions[${i}].start_workflow.name is required`);
    }
  });
  return h;
}

/** A handler as the server stores it: `active` and each action's `expandInlineJSON` filled in. */
function normalize(h: EventHandler): EventHandler {
  return {
    ...h,
    active: h.active ?? false,
    actions: h.actions.map((a) => ({ ...a, expandInlineJSON: a.expandInlineJSON ?? false })),
  };
}

/**
 * JSON held in strings parsed, as the server's `JsonUtils.expand` does it: in an object, a string
 * value that starts with `{` or `[` becomes the JSON it holds (not expanded further; left as it is
 * when it does not parse); objects and arrays inside are expanded the same way, but a string
 * directly in an array stays a string (the server's loop reassigns a local there). A string given
 * alone is parsed when it is JSON.
 */
export function expandInlineJson(value: unknown): unknown {
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const expand = (item: unknown, inArray: boolean): unknown => {
    if (typeof item === "string") {
      if (inArray) return item;
      const t = item.trim();
      return t.startsWith("{") || t.startsWith("[") ? parse(item) : item;
    }
    if (Array.isArray(item)) return item.map((x) => expand(x, true));
    if (item && typeof item === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(item)) out[k] = expand(v, false);
      return out;
    }
    return item;
  };
  return typeof value === "string" ? parse(value) : expand(value, false);
}

/**
 * The event handlers of one engine (what `/api/event` serves), acting on the messages EVENT
 * tasks publish to the `conductor` sink.
 *
 * @example
 * ```ts
 * import { createServer, eventHandlersOf } from "@conductor-edge/sdk/server";
 * const server = createServer();
 * const handlers = eventHandlersOf(server.engine);
 * handlers.add({
 *   name: "on_order",
 *   event: "conductor:orders:order_placed",
 *   active: true,
 *   actions: [{ action: "start_workflow", start_workflow: { name: "ship", input: { id: "${orderId}" } } }],
 * });
 * await handlers.idle(); // every published message handled
 * await server.close();
 * ```
 */
export class EventHandlers {
  readonly #engine: Engine;
  #pending: Promise<void> = Promise.resolve();

  /** Attaches to `engine`'s published events (use {@link eventHandlersOf}: one per engine). */
  constructor(engine: Engine) {
    this.#engine = engine;
    engine.onEvent((event, payload, messageId) => {
      if (!this.#store.listDocuments<EventHandler>(HANDLERS).some((h) => h.event === event)) {
        return;
      }
      const body = structuredClone(payload);
      this.#pending = this.#pending.then(() => this.handle(event, body, messageId)).then(
        () => {},
        () => {},
      );
    });
  }

  get #store() {
    return this.#engine.store;
  }

  /** Resolves once every message published so far is handled. */
  idle(): Promise<void> {
    return this.#pending;
  }

  /** Adds a handler (409 when the name exists). */
  add(body: unknown): void {
    const h = checkHandler(body);
    if (this.#store.getDocument(HANDLERS, h.name)) {
      throw conflict(`EventHandler with name ${h.name} already exists!`);
    }
    this.#store.putDocument(HANDLERS, h.name, normalize(h));
  }

  /** Replaces a handler (404 when there is none by that name). */
  update(body: unknown): void {
    const h = checkHandler(body);
    if (!this.#store.getDocument(HANDLERS, h.name)) {
      throw notFound(`EventHandler with name ${h.name} not found!`);
    }
    this.#store.putDocument(HANDLERS, h.name, normalize(h));
  }

  /** Removes a handler (404 when there is none). */
  remove(name: string): void {
    if (!this.#store.removeDocument(HANDLERS, name)) {
      throw notFound(`EventHandler with name ${name} not found!`);
    }
  }

  /** Every handler. */
  list(): EventHandler[] {
    return this.#store.listDocuments<EventHandler>(HANDLERS);
  }

  /** The handlers of one event, active ones only unless `activeOnly` is false. */
  forEvent(event: string, activeOnly = true): EventHandler[] {
    return this.list().filter((h) => h.event === event && (!activeOnly || h.active));
  }

  /** Handles one message: every active handler of the event whose condition holds acts. */
  async handle(
    event: string,
    payload: Record<string, unknown>,
    messageId: string,
  ): Promise<ActionOutcome[]> {
    const out: ActionOutcome[] = [];
    for (const h of this.forEvent(event, true)) {
      if (h.condition && h.condition.trim() !== "") {
        // The server evaluates a condition on the payload with its JSON strings expanded,
        // whatever the actions' expandInlineJSON says.
        const sandbox = await loadScriptSandbox();
        const r = sandbox.evaluate(h.condition, expandInlineJson(payload));
        if (!r.ok || !scriptTruthy(r.value)) continue;
      }
      for (const action of h.actions) {
        try {
          out.push(this.#act(action, payload, event, messageId));
        } catch (e) {
          out.push({ error: (e as Error).message });
        }
      }
    }
    return out;
  }

  #act(
    action: EventHandlerAction,
    payload: Record<string, unknown>,
    event: string,
    messageId: string,
  ): ActionOutcome {
    const doc = (action.expandInlineJSON ? expandInlineJson(payload) : payload) as Record<
      string,
      unknown
    >;
    const source = (root: string) => (root === "$" ? doc : doc[root]);
    if (action.action === "start_workflow") {
      const p = action.start_workflow!;
      const input = resolveParameters(p.input ?? {}, source);
      input["conductor.event.messageId"] = messageId;
      input["conductor.event.name"] = event;
      const correlation = p.correlationId === undefined
        ? undefined
        : resolveParameters({ c: p.correlationId }, source).c;
      const workflowId = this.#engine.startWorkflow({
        name: p.name!,
        version: p.version,
        correlationId: correlation == null ? undefined : String(correlation),
        input,
        taskToDomain: p.taskToDomain,
      });
      return { workflowId };
    }
    const details: EventTaskDetails =
      (action.action === "complete_task" ? action.complete_task : action.fail_task) ?? {};
    // what the server's action processor resolves: the four fields (null when not given, and so
    // kept in the task's output, as 3.32.3 shows them) and then the output
    const replaced = resolveParameters({
      workflowId: details.workflowId ?? null,
      taskId: details.taskId ?? null,
      taskRefName: details.taskRefName ?? null,
      reasonForIncompletion: details.reasonForIncompletion ?? null,
      ...(details.output ?? {}),
    }, source);
    const text = (v: unknown) => (v == null || v === "" ? undefined : String(v));
    const workflowId = text(replaced.workflowId);
    const taskId = text(replaced.taskId);
    const ref = text(replaced.taskRefName);
    const reason = text(replaced.reasonForIncompletion);
    let task = taskId ? this.#engine.findTask(taskId) : undefined;
    if (!taskId && workflowId && ref) {
      const wf = this.#engine.findWorkflow(workflowId);
      if (!wf) return { ...replaced, error: `No workflow found with ID: ${workflowId}` };
      const matches = wf.tasks.filter((t) => baseRef(t.referenceTaskName) === ref);
      task = matches.sort((a, b) => (b.iteration ?? 0) - (a.iteration ?? 0))[0];
    }
    if (!task) {
      return {
        ...replaced,
        error: `No task found with taskId: ${replaced.taskId ?? null}, reference name: ${
          replaced.taskRefName ?? null
        }, workflowId: ${replaced.workflowId ?? null}`,
      };
    }
    this.#engine.updateTask({
      workflowInstanceId: task.workflowInstanceId,
      taskId: task.taskId,
      status: action.action === "complete_task" ? "COMPLETED" : "FAILED",
      outputData: {
        ...replaced,
        "conductor.event.messageId": messageId,
        "conductor.event.name": event,
      },
      reasonForIncompletion: action.action === "fail_task" ? reason : undefined,
    });
    return replaced;
  }
}

const attached = new WeakMap<Engine, EventHandlers>();

/**
 * The event handlers of an engine, attached on first use (the engine's routes attach them when
 * the server is created).
 *
 * @example
 * ```ts
 * import { createServer, eventHandlersOf } from "@conductor-edge/sdk/server";
 * const server = createServer();
 * console.log(eventHandlersOf(server.engine).list()); // []
 * await server.close();
 * ```
 */
export function eventHandlersOf(engine: Engine): EventHandlers {
  let h = attached.get(engine);
  if (!h) attached.set(engine, h = new EventHandlers(engine));
  return h;
}
