/**
 * {@link MetadataClient}: task and workflow definitions (`/api/metadata`).
 *
 * @module
 */
import type { Configuration } from "../config.ts";
import type { CallOptions, Transport } from "../http/transport.ts";
import type { BulkResponse, TaskDef, WorkflowDef, WorkflowNameAndVersion } from "../model/mod.ts";
import { integer, nonEmptyArray, object, segment, toTransport } from "./shared.ts";

/**
 * Registers, reads, updates and removes task and workflow definitions.
 *
 * @example
 * ```ts
 * import { OrkesClients } from "@conductor-edge/sdk";
 * const metadata = new OrkesClients().getMetadataClient();
 * await metadata.registerTaskDefs([{ name: "send_email", retryCount: 2, responseTimeoutSeconds: 60 }]);
 * await metadata.registerWorkflowDef({
 *   name: "welcome",
 *   version: 1,
 *   tasks: [{ name: "send_email", taskReferenceName: "email" }],
 * }, { overwrite: true });
 * console.log((await metadata.getWorkflowDef("welcome")).version); // 1
 * ```
 */
export class MetadataClient {
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
   * Creates or replaces task definitions (an upsert: no conflict when one exists).
   *
   * @param defs One or more definitions.
   * @param options Signal and retry.
   */
  async registerTaskDefs(defs: TaskDef[], options: CallOptions = {}): Promise<void> {
    nonEmptyArray(defs, "defs").forEach((def, i) => segment(def?.name, `defs[${i}].name`));
    // An upsert: sending it twice does no harm, so it may be retried.
    await this.transport.request({
      ...options,
      method: "POST",
      path: "/metadata/taskdefs",
      body: defs,
      expect: "none",
      idempotent: true,
    });
  }

  /**
   * Updates an existing task definition. The server answers 404 when it does not exist.
   *
   * @param def The new definition.
   * @param options Signal and retry.
   */
  async updateTaskDef(def: TaskDef, options: CallOptions = {}): Promise<void> {
    segment(object(def, "def").name, "def.name");
    await this.transport.request({
      ...options,
      method: "PUT",
      path: "/metadata/taskdefs",
      body: def,
      expect: "none",
    });
  }

  /**
   * Reads a task definition.
   *
   * @param name The task type.
   * @param options Signal and retry.
   * @returns The definition.
   * @throws {HttpError} 404 when there is none.
   */
  async getTaskDef(name: string, options: CallOptions = {}): Promise<TaskDef> {
    return await this.transport.requestBody<TaskDef>({
      ...options,
      method: "GET",
      path: `/metadata/taskdefs/${segment(name, "name")}`,
    });
  }

  /**
   * Lists every task definition.
   *
   * @param options Signal and retry.
   * @returns The definitions.
   */
  async getTaskDefs(options: CallOptions = {}): Promise<TaskDef[]> {
    return (await this.transport.request<TaskDef[]>({
      ...options,
      method: "GET",
      path: "/metadata/taskdefs",
    })) ?? [];
  }

  /**
   * Removes a task definition.
   *
   * @param name The task type.
   * @param options Signal and retry.
   * @throws {HttpError} 404 when there is none.
   */
  async unregisterTaskDef(name: string, options: CallOptions = {}): Promise<void> {
    await this.transport.request({
      ...options,
      method: "DELETE",
      path: `/metadata/taskdefs/${segment(name, "name")}`,
      expect: "none",
    });
  }

  /**
   * Registers a workflow definition. Versions are never bumped for you: registering an
   * existing name and version fails with 409 unless `overwrite` is true, which replaces it.
   *
   * @param def The definition; `version` defaults to 1 on the server.
   * @param options `overwrite`, signal and retry.
   * @throws {HttpError} 409 when it exists and `overwrite` is not set; 400 when invalid.
   */
  async registerWorkflowDef(
    def: WorkflowDef,
    options: CallOptions & {
      /** Replace the same name and version when it exists. @default false */
      overwrite?: boolean;
    } = {},
  ): Promise<void> {
    segment(object(def, "def").name, "def.name");
    const { overwrite, ...call } = options;
    await this.transport.request({
      ...call,
      method: "POST",
      path: "/metadata/workflow",
      query: { overwrite },
      body: def,
      expect: "none",
      idempotent: overwrite === true,
    });
  }

  /**
   * Creates or replaces workflow definitions in bulk.
   *
   * @param defs The definitions.
   * @param options Signal and retry.
   * @returns Which names succeeded and which failed, and why.
   */
  async updateWorkflowDefs(defs: WorkflowDef[], options: CallOptions = {}): Promise<BulkResponse> {
    nonEmptyArray(defs, "defs").forEach((def, i) => segment(def?.name, `defs[${i}].name`));
    return (await this.transport.request<BulkResponse>({
      ...options,
      method: "PUT",
      path: "/metadata/workflow",
      body: defs,
    })) ?? {};
  }

  /**
   * Reads a workflow definition.
   *
   * @param name The workflow name.
   * @param options `version` (latest when left out), signal and retry.
   * @returns The definition.
   * @throws {HttpError} 404 when there is none.
   */
  async getWorkflowDef(
    name: string,
    options: CallOptions & {
      /** The version; the latest when left out. */
      version?: number;
    } = {},
  ): Promise<WorkflowDef> {
    const { version, ...call } = options;
    return await this.transport.requestBody<WorkflowDef>({
      ...call,
      method: "GET",
      path: `/metadata/workflow/${segment(name, "name")}`,
      query: { version: integer(version, "version", 0, 2 ** 31 - 1) },
    });
  }

  /**
   * Lists every version of every workflow definition.
   *
   * @param options Signal and retry.
   * @returns The definitions.
   */
  async getWorkflowDefs(options: CallOptions = {}): Promise<WorkflowDef[]> {
    return (await this.transport.request<WorkflowDef[]>({
      ...options,
      method: "GET",
      path: "/metadata/workflow",
    })) ?? [];
  }

  /**
   * Removes one version of a workflow definition.
   *
   * @param name The workflow name.
   * @param version The version to remove.
   * @param options Signal and retry.
   * @throws {HttpError} 404 when there is none.
   */
  async unregisterWorkflowDef(
    name: string,
    version: number,
    options: CallOptions = {},
  ): Promise<void> {
    integer(version ?? Number.NaN, "version", 0, 2 ** 31 - 1);
    await this.transport.request({
      ...options,
      method: "DELETE",
      path: `/metadata/workflow/${segment(name, "name")}/${version}`,
      expect: "none",
    });
  }

  /**
   * Every workflow definition's versions, without their tasks
   * (`GET /metadata/workflow/names-and-versions`): a cheap listing for pickers and tools.
   *
   * @param options Signal and retry.
   * @returns Workflow name to its versions.
   */
  async getWorkflowNamesAndVersions(
    options: CallOptions = {},
  ): Promise<Record<string, WorkflowNameAndVersion[]>> {
    return (await this.transport.request<Record<string, WorkflowNameAndVersion[]>>({
      ...options,
      method: "GET",
      path: "/metadata/workflow/names-and-versions",
    })) ?? {};
  }

  /**
   * The server's version (`GET /version`, a plain-text answer such as `3.32.3`).
   *
   * @param options Signal and retry.
   * @returns The version text.
   */
  async getServerVersion(options: CallOptions = {}): Promise<string> {
    return ((await this.transport.request<string>({
      ...options,
      method: "GET",
      path: "/version",
      expect: "text",
    })) ?? "").trim();
  }
}
