/**
 * Reading a webhook body safely: the content type must be JSON, the size is capped before and
 * while the body streams in (a lying or absent `Content-Length` cannot get past the cap), and
 * the bytes must be UTF-8 JSON. Called by the adapter for every delivery.
 *
 * @module
 */
import { drainBody, readCappedBody } from "../capped_body.ts";
import { WebhookError } from "./errors.ts";

/**
 * Refuses anything but `application/json` or `application/*+json` (415), with no charset or
 * `charset=utf-8`.
 *
 * @param contentType The request's `Content-Type` header.
 * @throws {WebhookError} 415 `unsupported_media_type`.
 */
export function checkContentType(contentType: string | null): void {
  const [type = "", ...params] = (contentType ?? "").toLowerCase().split(";");
  const json = /^application\/([a-z0-9.+-]+\+)?json$/.test(type.trim());
  const utf8 = params.every((param) => {
    const [name, value] = param.split("=").map((part) => part.trim().replace(/^"|"$/g, ""));
    return name !== "charset" || value === "utf-8" || value === "utf8";
  });
  if (!json || !utf8) {
    throw new WebhookError(
      415,
      "unsupported_media_type",
      "the body must be JSON: send Content-Type: application/json",
    );
  }
}

/**
 * How much of a refused body is still read (and dropped) before answering 413, so the sender
 * reliably receives it (see `drainBody`).
 */
const DISCARD_BUDGET = 1024 * 1024;

/**
 * Reads the body, refusing it (413) as soon as it passes `maxBytes`: from `Content-Length` when
 * the sender gives one, else while streaming. A refused body is drained (up to 1 MiB, never
 * kept) so the sender reliably receives the 413.
 *
 * @param request The incoming request.
 * @param maxBytes The largest body accepted.
 * @returns The raw body.
 * @throws {WebhookError} 413 `payload_too_large`.
 */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    new WebhookError(413, "payload_too_large", `the body must be at most ${maxBytes} bytes`);
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    if (request.body) await drainBody(request.body.getReader(), DISCARD_BUDGET);
    throw tooLarge();
  }
  if (!request.body) return new Uint8Array(0);
  const body = await readCappedBody(request.body, maxBytes, { drainBytes: DISCARD_BUDGET });
  if (body === undefined) throw tooLarge();
  return body;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * Decodes UTF-8 and parses JSON, refusing (400) bytes that are neither.
 *
 * @param body The raw body.
 * @returns The decoded text and the parsed value.
 * @throws {WebhookError} 400 `malformed_json`.
 */
export function parseJsonBody(body: Uint8Array): { text: string; json: unknown } {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new WebhookError(400, "malformed_json", "the body is not valid UTF-8");
  }
  try {
    return { text, json: JSON.parse(text) };
  } catch {
    throw new WebhookError(400, "malformed_json", "the body is not valid JSON");
  }
}
