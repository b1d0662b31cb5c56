/**
 * {@link EventClient}: event handlers (`/api/event`) and the event queues' sizes (`/api/queue`).
 *
 * @module
 */
import * as v from "valibot";
import type { Configuration } from "../config.ts";
import type { CallOptions, Transport } from "../http/transport.ts";
import type { EventHandler } from "../model/mod.ts";
import { check, objectMessage, segment, toTransport } from "./shared.ts";

const nonEmpty = v.pipe(
  v.string("a non-empty string"),
  v.check((s) => s.trim() !== "", "a non-empty string"),
);
const ACTIONS = [
  "start_workflow",
  "complete_task",
  "fail_task",
  "terminate_workflow",
  "update_workflow_variables",
] as const;
const actionSchema = v.pipe(
  v.looseObject({
    action: v.picklist(ACTIONS, `one of ${ACTIONS.join(", ")}`),
    expandInlineJSON: v.optional(v.boolean("a boolean")),
  }, objectMessage("an object")),
  v.check(
    (a) => typeof (a as Record<string, unknown>)[a.action] === "object",
    "an action with its parameters under the field its `action` names (e.g. start_workflow: { name })",
  ),
);
const handlerSchema = v.looseObject({
  name: nonEmpty,
  event: v.pipe(
    nonEmpty,
    v.check(
      (s) => s.includes(":"),
      "an event `<queue type>:<queue name>` (e.g. conductor:wf:sink)",
    ),
  ),
  condition: v.optional(v.string("a string")),
  active: v.optional(v.boolean("a boolean")),
  actions: v.pipe(
    v.array(actionSchema, "a non-empty array of actions"),
    v.minLength(1, "a non-empty array of actions"),
  ),
}, objectMessage("an object"));

/**
 * Adds, updates, lists and removes event handlers: what the server does when an event arrives,
 * e.g. one an EVENT task published to the `conductor` sink (`conductor:<workflow>:<sink>`).
 *
 * conductor-python keeps these calls in its generated `EventResourceApi` (its `EventClient`
 * only configures queues) and the Java SDK has an `EventClient` for them: this SDK has one
 * {@link EventClient} for handlers and event queues, from `OrkesClients.getEventClient()`, since
 * handlers are neither task nor workflow definitions.
 *
 * @example
 * ```ts
 * import { OrkesClients } from "@conductor-edge/sdk";
 * const events = new OrkesClients().getEventClient();
 * await events.addEventHandler({
 *   name: "start_on_order",
 *   event: "conductor:checkout:order_placed",
 *   active: true,
 *   actions: [{ action: "start_workflow", start_workflow: { name: "fulfil", input: { id: "${orderId}" } } }],
 * });
 * console.log((await events.getEventHandlersForEvent("conductor:checkout:order_placed")).length); // 1
 * await events.removeEventHandler("start_on_order");
 * ```
 */
export class EventClient {
  /** The transport the requests go through. */
  readonly transport: Transport;

  /**
   * Creates the client.
   *
   * @param source A configuration or a shared transport. Default: a `new Configuration()`.
   */
  constructor(source?: Configuration | Transport) {
    this.transport = toTransport(source);
  }

  /**
   * Adds an event handler.
   *
   * @param handler The handler; its name must be new.
   * @param options Signal and retry.
   * @throws {ConductorError} `INVALID_ARGUMENT` naming the field (name, event, actions).
   * @throws {HttpError} when the name is taken (Conductor OSS answers 500 "... already exists!").
   */
  async addEventHandler(handler: EventHandler, options: CallOptions = {}): Promise<void> {
    check(handlerSchema, handler, "handler");
    await this.transport.request({
      ...options,
      method: "POST",
      path: "/event",
      body: handler,
      expect: "none",
    });
  }

  /**
   * Replaces an existing event handler (found by name).
   *
   * @param handler The new handler.
   * @param options Signal and retry.
   * @throws {HttpError} when there is no handler by that name (Conductor OSS answers 500
   *   "... not found!").
   */
  async updateEventHandler(handler: EventHandler, options: CallOptions = {}): Promise<void> {
    check(handlerSchema, handler, "handler");
    await this.transport.request({
      ...options,
      method: "PUT",
      path: "/event",
      body: handler,
      expect: "none",
    });
  }

  /**
   * Lists every event handler, active or not.
   *
   * @param options Signal and retry.
   * @returns The handlers.
   */
  async getEventHandlers(options: CallOptions = {}): Promise<EventHandler[]> {
    return (await this.transport.request<EventHandler[]>({
      ...options,
      method: "GET",
      path: "/event",
    })) ?? [];
  }

  /**
   * Lists the handlers of one event.
   *
   * @param event The event (`<queue type>:<queue name>`).
   * @param activeOnly Only the active ones. @default true (as the server)
   * @param options Signal and retry.
   * @returns The handlers.
   */
  async getEventHandlersForEvent(
    event: string,
    activeOnly = true,
    options: CallOptions = {},
  ): Promise<EventHandler[]> {
    return (await this.transport.request<EventHandler[]>({
      ...options,
      method: "GET",
      path: `/event/${segment(event, "event")}`,
      query: { activeOnly },
    })) ?? [];
  }

  /**
   * Removes an event handler.
   *
   * @param name The handler's name.
   * @param options Signal and retry.
   * @throws {HttpError} when there is none (Conductor OSS answers 500 "... not found!").
   */
  async removeEventHandler(name: string, options: CallOptions = {}): Promise<void> {
    await this.transport.request({
      ...options,
      method: "DELETE",
      path: `/event/${segment(name, "name")}`,
      expect: "none",
    });
  }

  /**
   * How many messages wait in the server's own event queues (`GET /api/queue/size`: the queues
   * that complete WAIT and HUMAN tasks from outside, per task status). Conductor OSS answers
   * `{}` until one was used.
   *
   * @param options Signal and retry.
   * @returns The size per queue.
   */
  async getEventQueueSizes(options: CallOptions = {}): Promise<Record<string, number>> {
    return (await this.transport.request<Record<string, number>>({
      ...options,
      method: "GET",
      path: "/queue/size",
    })) ?? {};
  }
}
