/**
 * Every conformance scenario, in the order they are reported.
 *
 * @module
 */
import type { Scenario } from "../scenario.ts";
import { simpleScenarios } from "./simple.ts";
import { doWhileScenarios, forkScenarios, switchScenarios } from "./control.ts";
import {
  httpScenarios,
  humanScenarios,
  scriptScenarios,
  subWorkflowScenarios,
  terminateScenarios,
  variableScenarios,
  waitScenarios,
} from "./tasks.ts";
import { operatorScenarios } from "./ops.ts";
import { eventHandlerScenarios, scheduleScenarios } from "./triggers.ts";

/** All scenarios. Names are unique. */
export const scenarios: Scenario[] = [
  ...simpleScenarios,
  ...switchScenarios,
  ...doWhileScenarios,
  ...forkScenarios,
  ...subWorkflowScenarios,
  ...terminateScenarios,
  ...variableScenarios,
  ...waitScenarios,
  ...humanScenarios,
  ...scriptScenarios,
  ...httpScenarios,
  ...operatorScenarios,
  ...scheduleScenarios,
  ...eventHandlerScenarios,
];
