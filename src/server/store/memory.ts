/**
 * The memory store: Maps, gone with the process. The default of `createServer()` and of tests.
 * It hands back its own objects (no copies), so the engine's in-place changes are already its
 * state; putting them back is cheap. Task queues keep a FIFO of visible messages per priority
 * and a time-ordered heap of delayed ones; due times sit in a heap as well.
 *
 * @module
 */
import type { PollData, TaskDef, TaskExecLog, WorkflowDef } from "../../model/mod.ts";
import type {
  ExecutionPage,
  QueueMessage,
  ScanOptions,
  Store,
  TaskRecord,
  Timer,
  WorkflowRecord,
} from "./types.ts";

interface Message {
  id: string;
  priority: number;
  visibleAt: number;
  seq: number;
}

interface Queue {
  /** Visible messages by priority, each a FIFO with a moving head. */
  ready: Map<number, { list: Message[]; head: number }>;
  delayed: Message[];
  members: Map<string, Message>;
}

/** A binary heap over `before`. */
class Heap<T> {
  readonly items: T[] = [];
  constructor(readonly before: (a: T, b: T) => boolean) {}
  push(x: T): void {
    const h = this.items;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  peek(): T | undefined {
    return this.items[0];
  }
  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
  get size(): number {
    return this.items.length;
  }
}

const earlierMessage = (a: Message, b: Message) =>
  a.visibleAt < b.visibleAt || (a.visibleAt === b.visibleAt && a.seq < b.seq);
const earlierTimer = (a: Timer, b: Timer) => a.dueAt < b.dueAt;

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Hand back structured copies instead of the store's own objects (tests use it to prove the
   * engine puts back every change, as it must for a SQL store). @default false
   */
  copies?: boolean;
}

/**
 * A store in Maps.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from "@conductor-edge/sdk/server";
 * const store = createMemoryStore();
 * store.putTaskDef({ name: "greet" });
 * console.log(store.getTaskDef("greet")?.name); // "greet"
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  return new MemoryStore(options.copies ?? false);
}

class MemoryStore implements Store {
  readonly kind = "memory";
  #copy: <T>(x: T) => T;
  #taskDefs = new Map<string, TaskDef>();
  #generation = 0;
  #workflowDefs = new Map<string, Map<number, WorkflowDef>>();
  #executions = new Map<string, WorkflowRecord>();
  #taskIdsOf = new Map<string, Set<string>>();
  #tasks = new Map<string, TaskRecord>();
  #logs = new Map<string, TaskExecLog[]>();
  #pollData = new Map<string, PollData>();
  #ended = new Map<string, number>();
  #queues = new Map<string, Queue>();
  #queueOf = new Map<string, string>();
  #seq = 0;
  #timers = new Map<string, Timer>();
  #timerHeap = new Heap<Timer>(earlierTimer);
  #timersOf = new Map<string, Set<string>>();
  #plugin = new Map<string, unknown>();
  #documents = new Map<string, Map<string, unknown>>();
  #closed = false;

  constructor(copies: boolean) {
    this.#copy = copies ? <T>(x: T): T => structuredClone(x) : <T>(x: T): T => x;
  }

  transaction<T>(fn: () => T): T {
    this.#open();
    return fn();
  }

  close(): void {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new Error("the memory store is closed");
  }

  // ------------------------------------------------------------ metadata

  getTaskDef(name: string): TaskDef | undefined {
    const d = this.#taskDefs.get(name);
    return d && this.#copy(d);
  }
  putTaskDef(def: TaskDef): void {
    this.#open();
    this.#taskDefs.set(def.name, this.#copy(def));
    this.#generation++;
  }
  removeTaskDef(name: string): boolean {
    const had = this.#taskDefs.delete(name);
    if (had) this.#generation++;
    return had;
  }
  listTaskDefs(): TaskDef[] {
    return [...this.#taskDefs.values()].map(this.#copy);
  }
  taskDefGeneration(): number {
    return this.#generation;
  }
  getWorkflowDef(name: string, version?: number): WorkflowDef | undefined {
    const versions = this.#workflowDefs.get(name);
    if (!versions) return undefined;
    if (version !== undefined) {
      const d = versions.get(version);
      return d && this.#copy(d);
    }
    let latest: WorkflowDef | undefined;
    for (const d of versions.values()) {
      if (!latest || (d.version ?? 1) > (latest.version ?? 1)) latest = d;
    }
    return latest && this.#copy(latest);
  }
  putWorkflowDef(def: WorkflowDef): void {
    this.#open();
    let versions = this.#workflowDefs.get(def.name);
    if (!versions) this.#workflowDefs.set(def.name, versions = new Map());
    versions.set(def.version ?? 1, this.#copy(def));
  }
  removeWorkflowDef(name: string, version: number): boolean {
    const versions = this.#workflowDefs.get(name);
    if (!versions?.delete(version)) return false;
    if (versions.size === 0) this.#workflowDefs.delete(name);
    return true;
  }
  listWorkflowDefs(): WorkflowDef[] {
    const out: WorkflowDef[] = [];
    for (const versions of this.#workflowDefs.values()) {
      for (const d of versions.values()) out.push(this.#copy(d));
    }
    return out;
  }

  // ------------------------------------------------------------ executions

  getExecution(workflowId: string): WorkflowRecord | undefined {
    const wf = this.#executions.get(workflowId);
    return wf && this.#copy(wf);
  }
  hasExecution(workflowId: string): boolean {
    return this.#executions.has(workflowId);
  }
  putExecution(workflow: WorkflowRecord): void {
    this.#open();
    const wf = this.#copy(workflow);
    const id = wf.workflowId;
    const before = this.#taskIdsOf.get(id);
    const now = new Set<string>();
    for (const t of wf.tasks) {
      now.add(t.taskId);
      this.#tasks.set(t.taskId, t);
    }
    if (before) {
      for (const taskId of before) if (!now.has(taskId)) this.#forgetTask(taskId);
    }
    this.#taskIdsOf.set(id, now);
    this.#executions.set(id, wf);
  }
  removeExecution(workflowId: string): boolean {
    const wf = this.#executions.get(workflowId);
    if (!wf) return false;
    for (const taskId of this.#taskIdsOf.get(workflowId) ?? []) {
      this.#forgetTask(taskId);
      const q = this.#queueOf.get(taskId);
      if (q !== undefined) this.removeMessage(q, taskId);
    }
    this.#taskIdsOf.delete(workflowId);
    for (const key of [...(this.#timersOf.get(workflowId) ?? [])]) this.removeTimer(key);
    this.#ended.delete(workflowId);
    this.#executions.delete(workflowId);
    return true;
  }
  countExecutions(): number {
    return this.#executions.size;
  }
  countExecutionsByStatus(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const wf of this.#executions.values()) counts[wf.status] = (counts[wf.status] ?? 0) + 1;
    return counts;
  }
  scanExecutions(options: ScanOptions = {}): ExecutionPage {
    const limit = Math.max(1, options.limit ?? 1000);
    const from = options.cursor ? Number(options.cursor) : 0;
    const items: WorkflowRecord[] = [];
    let i = 0;
    for (const wf of this.#executions.values()) {
      if (i++ < from) continue;
      if (items.length === limit) return { items, cursor: String(from + limit) };
      items.push(this.#copy(wf));
    }
    return { items };
  }

  #forgetTask(taskId: string): void {
    this.#tasks.delete(taskId);
    this.#logs.delete(taskId);
    this.#plugin.delete(taskId);
  }

  getTask(taskId: string): TaskRecord | undefined {
    const t = this.#tasks.get(taskId);
    return t && this.#copy(t);
  }
  putTask(task: TaskRecord): void {
    this.#open();
    const wf = this.#executions.get(task.workflowInstanceId);
    if (!wf) throw new Error(`no execution ${task.workflowInstanceId} for task ${task.taskId}`);
    const t = this.#copy(task);
    const old = this.#tasks.get(t.taskId);
    if (old !== t) {
      const i = old ? wf.tasks.indexOf(old) : -1;
      if (i >= 0) wf.tasks[i] = t;
      else wf.tasks.push(t);
    }
    this.#tasks.set(t.taskId, t);
    this.#taskIdsOf.get(wf.workflowId)?.add(t.taskId);
  }
  removeTask(taskId: string): boolean {
    const t = this.#tasks.get(taskId);
    if (!t) return false;
    const wf = this.#executions.get(t.workflowInstanceId);
    if (wf) {
      const i = wf.tasks.indexOf(t);
      if (i >= 0) wf.tasks.splice(i, 1);
      this.#taskIdsOf.get(wf.workflowId)?.delete(taskId);
    }
    this.#forgetTask(taskId);
    return true;
  }

  addTaskLogs(taskId: string, logs: TaskExecLog[]): void {
    this.#open();
    let list = this.#logs.get(taskId);
    if (!list) this.#logs.set(taskId, list = []);
    for (const l of logs) list.push(this.#copy(l));
  }
  getTaskLogs(taskId: string): TaskExecLog[] {
    return (this.#logs.get(taskId) ?? []).map(this.#copy);
  }

  putPollData(taskType: string, domain: string, data: PollData): void {
    this.#open();
    this.#pollData.set(`${taskType}\u0000${domain}`, this.#copy(data));
  }
  getPollData(taskType: string, domain: string): PollData | undefined {
    const pd = this.#pollData.get(`${taskType}\u0000${domain}`);
    return pd && this.#copy(pd);
  }
  listPollData(taskType?: string): PollData[] {
    const out: PollData[] = [];
    for (const [key, pd] of this.#pollData) {
      if (taskType === undefined || key.slice(0, key.indexOf("\u0000")) === taskType) {
        out.push(this.#copy(pd));
      }
    }
    return out;
  }

  noteEnded(workflowId: string, at: number): void {
    this.#ended.delete(workflowId);
    this.#ended.set(workflowId, at);
  }
  forgetEnded(workflowId: string): void {
    this.#ended.delete(workflowId);
  }
  countEnded(): number {
    return this.#ended.size;
  }
  oldestEnded(limit: number, before?: number): string[] {
    const out: string[] = [];
    for (const [id, at] of this.#ended) {
      if (out.length >= limit) break;
      if (before === undefined || at < before) out.push(id);
    }
    return out;
  }

  // ------------------------------------------------------------ queues

  #queue(name: string): Queue {
    let q = this.#queues.get(name);
    if (!q) {
      q = { ready: new Map(), delayed: [], members: new Map() };
      this.#queues.set(name, q);
    }
    return q;
  }

  #ready(q: Queue, m: Message): void {
    let r = q.ready.get(m.priority);
    if (!r) q.ready.set(m.priority, r = { list: [], head: 0 });
    r.list.push(m);
  }

  pushMessage(queue: string, id: string, priority: number, visibleAt: number, now: number): void {
    this.#open();
    const q = this.#queue(queue);
    const m: Message = { id, priority, visibleAt, seq: this.#seq++ };
    const previous = this.#queueOf.get(id);
    if (previous !== undefined && previous !== queue) this.removeMessage(previous, id);
    q.members.set(id, m);
    this.#queueOf.set(id, queue);
    // a message visible at push joins the FIFO; a delayed one waits in the heap
    if (visibleAt > now) heapPush(q.delayed, m);
    else this.#ready(q, m);
  }

  popMessages(queue: string, count: number, now: number): string[] {
    this.#open();
    const q = this.#queues.get(queue);
    if (!q || q.members.size === 0 || count <= 0) return [];
    this.#promote(q, now);
    const out: string[] = [];
    const priorities = [...q.ready.keys()].sort((a, b) => b - a);
    for (const p of priorities) {
      const r = q.ready.get(p)!;
      while (out.length < count && r.head < r.list.length) {
        const m = r.list[r.head];
        r.list[r.head++] = undefined as unknown as Message;
        if (q.members.get(m.id) !== m) continue;
        q.members.delete(m.id);
        this.#queueOf.delete(m.id);
        out.push(m.id);
      }
      if (r.head > 1024 && r.head * 2 > r.list.length) {
        r.list = r.list.slice(r.head);
        r.head = 0;
      }
      if (r.head >= r.list.length) q.ready.delete(p);
      if (out.length >= count) break;
    }
    return out;
  }

  #promote(q: Queue, now: number): void {
    while (q.delayed.length > 0 && q.delayed[0].visibleAt <= now) {
      const m = heapPop(q.delayed)!;
      if (q.members.get(m.id) === m) this.#ready(q, m);
    }
  }

  removeMessage(queue: string, id: string): boolean {
    const had = this.#queues.get(queue)?.members.delete(id) ?? false;
    if (had && this.#queueOf.get(id) === queue) this.#queueOf.delete(id);
    return had;
  }
  hasMessage(queue: string, id: string): boolean {
    return this.#queues.get(queue)?.members.has(id) ?? false;
  }
  queueSize(queue: string): number {
    return this.#queues.get(queue)?.members.size ?? 0;
  }
  queueSizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, q] of this.#queues) out[name] = q.members.size;
    return out;
  }
  queueMessages(queue: string): QueueMessage[] {
    const q = this.#queues.get(queue);
    if (!q) return [];
    return [...q.members.values()].map((m) => ({
      queue,
      id: m.id,
      priority: m.priority,
      visibleAt: m.visibleAt,
    }));
  }
  nextVisibleAt(queue: string): number | undefined {
    const q = this.#queues.get(queue);
    if (!q) return undefined;
    // drop stale heap tops so the answer is a real message's
    while (q.delayed.length > 0 && q.members.get(q.delayed[0].id) !== q.delayed[0]) {
      heapPop(q.delayed);
    }
    return q.delayed[0]?.visibleAt;
  }

  // ------------------------------------------------------------ timers

  putTimer(timer: Timer): void {
    this.#open();
    const t = { ...timer };
    const old = this.#timers.get(t.key);
    if (old && old.workflowId !== t.workflowId) this.#timersOf.get(old.workflowId)?.delete(t.key);
    this.#timers.set(t.key, t);
    this.#timerHeap.push(t);
    let keys = this.#timersOf.get(t.workflowId);
    if (!keys) this.#timersOf.set(t.workflowId, keys = new Set());
    keys.add(t.key);
    this.#compactTimers();
  }
  getTimer(key: string): Timer | undefined {
    const t = this.#timers.get(key);
    return t && { ...t };
  }
  removeTimer(key: string): boolean {
    const t = this.#timers.get(key);
    if (!t) return false;
    this.#timers.delete(key);
    const keys = this.#timersOf.get(t.workflowId);
    keys?.delete(key);
    if (keys?.size === 0) this.#timersOf.delete(t.workflowId);
    return true;
  }
  dueTimers(at: number, limit = Infinity): Timer[] {
    const out: Timer[] = [];
    const taken: Timer[] = [];
    const heap = this.#timerHeap;
    while (out.length < limit && heap.size > 0 && heap.peek()!.dueAt <= at) {
      const t = heap.pop()!;
      if (this.#timers.get(t.key) !== t) continue;
      taken.push(t);
      out.push({ ...t });
    }
    for (const t of taken) heap.push(t);
    return out;
  }
  earliestTimer(): Timer | undefined {
    const heap = this.#timerHeap;
    while (heap.size > 0 && this.#timers.get(heap.peek()!.key) !== heap.peek()) heap.pop();
    const t = heap.peek();
    return t && { ...t };
  }
  timersOf(workflowId: string): Timer[] {
    return [...(this.#timersOf.get(workflowId) ?? [])].map((k) => ({ ...this.#timers.get(k)! }));
  }
  /** Rebuilds the heap when stale entries outnumber live ones. */
  #compactTimers(): void {
    const heap = this.#timerHeap;
    if (heap.size < 1024 || heap.size < this.#timers.size * 4) return;
    heap.items.length = 0;
    for (const t of this.#timers.values()) heap.push(t);
  }

  // ------------------------------------------------------------ plug-in state

  getPluginState<T = unknown>(taskId: string): T | undefined {
    const v = this.#plugin.get(taskId) as T | undefined;
    return v === undefined ? undefined : this.#copy(v);
  }
  putPluginState(taskId: string, value: unknown): void {
    this.#open();
    this.#plugin.set(taskId, this.#copy(value));
  }
  removePluginState(taskId: string): boolean {
    return this.#plugin.delete(taskId);
  }

  // ------------------------------------------------------------ documents

  getDocument<T = unknown>(collection: string, key: string): T | undefined {
    const v = this.#documents.get(collection)?.get(key) as T | undefined;
    return v === undefined ? undefined : this.#copy(v);
  }
  putDocument(collection: string, key: string, value: unknown): void {
    this.#open();
    let docs = this.#documents.get(collection);
    if (!docs) this.#documents.set(collection, docs = new Map());
    docs.set(key, this.#copy(value));
  }
  removeDocument(collection: string, key: string): boolean {
    return this.#documents.get(collection)?.delete(key) ?? false;
  }
  listDocuments<T = unknown>(collection: string): T[] {
    return [...(this.#documents.get(collection)?.values() ?? [])].map((v) => this.#copy(v as T));
  }
  countDocuments(collection: string): number {
    return this.#documents.get(collection)?.size ?? 0;
  }
}

function heapPush(heap: Message[], m: Message): void {
  heap.push(m);
  let i = heap.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!earlierMessage(heap[i], heap[p])) break;
    [heap[i], heap[p]] = [heap[p], heap[i]];
    i = p;
  }
}

function heapPop(heap: Message[]): Message | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length > 0 && last) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && earlierMessage(heap[l], heap[m])) m = l;
      if (r < heap.length && earlierMessage(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return top;
}
