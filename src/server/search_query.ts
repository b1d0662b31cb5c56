/**
 * A syntax check of a workflow search `query` before it is read: clauses `field OP value`
 * (`=`, `!=`, `>`, `<`, `IN (a,b)`) joined by `AND`/`OR`, grouped with parentheses, values bare
 * or quoted. A query that does not parse is a 400 saying where, instead of a filter that
 * silently matches everything.
 *
 * @module
 */
import { badRequest } from "./errors.ts";

/** Throws a 400 naming the position of the first thing that does not parse in `query`. */
export function checkQuery(query: string): void {
  let i = 0;
  const n = query.length;
  const fail = (what: string): never => {
    const near = query.slice(i, i + 20);
    throw badRequest(
      `Invalid search query at position ${i + 1}: ${what}${
        near ? ` (near '${near}')` : " (at the end)"
      }; expected clauses like status = RUNNING, workflowType IN (a,b) or startTime > 0, joined by AND/OR`,
    );
  };
  const ws = () => {
    while (i < n && /\s/.test(query[i])) i++;
  };
  const word = (): string => {
    const m = /^[A-Za-z_][\w.]*/.exec(query.slice(i, i + 200));
    if (!m) return "";
    i += m[0].length;
    return m[0];
  };
  const value = () => {
    ws();
    const q = query[i];
    if (q === '"' || q === "'") {
      const end = query.indexOf(q, i + 1);
      if (end === -1) fail("an unclosed quote");
      i = end + 1;
      return;
    }
    const m = /^[^\s(),"']+/.exec(query.slice(i, i + 10_000));
    if (!m) fail("a value expected");
    i += m![0].length;
  };
  const clause = () => {
    ws();
    if (query[i] === "(") {
      i++;
      expr();
      ws();
      if (query[i] !== ")") fail("')' expected");
      i++;
      return;
    }
    if (!word()) fail("a field name expected");
    ws();
    const rest = query.slice(i, i + 3);
    if (/^in[\s(]/i.test(rest)) {
      i += 2;
      ws();
      if (query[i] !== "(") fail("'(' expected after IN");
      i++;
      for (;;) {
        value();
        ws();
        if (query[i] === ",") {
          i++;
          continue;
        }
        if (query[i] === ")") {
          i++;
          break;
        }
        fail("',' or ')' expected in the IN list");
      }
      return;
    }
    const op = /^(!=|=|>|<)/.exec(rest);
    if (!op) fail("an operator (=, !=, >, <, IN) expected");
    i += op![0].length;
    value();
  };
  const expr = () => {
    clause();
    for (;;) {
      ws();
      const m = /^(AND|OR)\s/i.exec(query.slice(i, i + 4));
      if (!m) return;
      i += m[1].length;
      clause();
    }
  };
  ws();
  if (i >= n || query.trim() === "*") return;
  expr();
  ws();
  if (i < n) fail("AND or OR expected");
}
