/**
 * The default `fetch` of a configuration, and a way for the transport to recognise it: when a
 * configuration was given no fetch of its own, the transport calls the global fetch with the URL
 * and init directly instead of building a `Request` first (the global fetch builds one itself,
 * so the same request goes out, built once instead of twice). Internal; not exported from the
 * package.
 *
 * @module
 */

/** A fetch that takes a URL and an init. */
export type UrlFetch = (url: string, init: RequestInit) => Promise<Response>;

const ambientOf = new WeakMap<object, UrlFetch>();

/**
 * The fetch a configuration uses when given none: `globalThis.fetch` as it is now, taking one
 * `Request`.
 */
export function defaultFetch(): (request: Request) => Promise<Response> {
  const ambient = globalThis.fetch;
  const wrapper = (request: Request) => ambient(request);
  ambientOf.set(wrapper, (url, init) => ambient(url, init));
  return wrapper;
}

/** The global fetch behind a {@link defaultFetch} wrapper; undefined for any other fetch. */
export function directFetch(fetch: object): UrlFetch | undefined {
  return ambientOf.get(fetch);
}
