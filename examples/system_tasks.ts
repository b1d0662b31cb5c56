/**
 * System tasks: work the server does itself, no worker needed. An order is priced in JavaScript
 * (INLINE), its items listed with jq (JSON_JQ_TRANSFORM), routed by amount (SWITCH), checked in
 * parallel (a fork from an array), remembered (SET_VARIABLE), paused (WAIT), and a flagged order
 * is stopped (TERMINATE). Prints the result and the workflow as a Mermaid chart.
 *
 * @module
 */
import {
  ConductorWorkflow,
  InlineTask,
  JsonJQTask,
  SetVariableTask,
  SwitchTask,
  TerminateTask,
  WaitTask,
} from "../mod.ts";
import { uniqueName, withWorkers } from "./_server.ts";

interface Order {
  items: { sku: string; price: number; qty: number }[];
  flagged: boolean;
}

await withWorkers([], async ({ executor }) => {
  const wf = new ConductorWorkflow<Order>({ name: uniqueName("system_tasks"), executor });
  const total = new InlineTask<number>({
    taskRefName: "total",
    script: "$.items.reduce(function (s, i) { return s + i.price * i.qty; }, 0)",
    bindings: { items: wf.input("items") },
  });
  const skus = new JsonJQTask<string[]>({
    taskRefName: "skus",
    script: "[.items[].sku]",
    bindings: { items: wf.input("items") },
  });
  const route = new SwitchTask({
    taskRefName: "route",
    javascript: "$.amount > 100 ? 'review' : 'auto'",
    inputParameters: { amount: total.output("result") },
  })
    .switchCase("review", new WaitTask({ taskRefName: "review_pause", seconds: 1 }))
    .switchCase("auto", new SetVariableTask({ taskRefName: "auto_ok", variables: { auto: true } }));
  const stop = new SwitchTask({ taskRefName: "flag_check", value: wf.input("flagged") })
    .switchCase(
      true,
      new TerminateTask({ taskRefName: "stop", status: "TERMINATED", reason: "flagged order" }),
    );
  const checks = [
    new InlineTask({ taskRefName: "stock_ok", script: "true" }),
    new InlineTask({ taskRefName: "fraud_ok", script: "true" }),
  ];
  wf.add(total, skus, route, checks, stop).outputParameters({
    total: total.output("result"),
    skus: skus.output("result"),
    route: route.output("selectedCase"),
  });

  const small = await wf.execute({ items: [{ sku: "pen", price: 2, qty: 3 }], flagged: false });
  console.log(`small order: ${small.status} ${JSON.stringify(small.output)}`);
  const big = await wf.execute({
    items: [{ sku: "desk", price: 150, qty: 1 }, { sku: "lamp", price: 20, qty: 2 }],
    flagged: false,
  });
  console.log(`big order: ${big.status} ${JSON.stringify(big.output)}`);
  const flagged = await wf.execute({ items: [{ sku: "pen", price: 2, qty: 1 }], flagged: true });
  const stopped = await executor.getWorkflow(flagged.workflowId);
  console.log(`flagged order: ${stopped.status} (${stopped.reasonForIncompletion})`);
  console.log(wf.toMermaid());
});
