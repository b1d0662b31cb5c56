"""The Python peer, conductor-python (installed by bench/setup.sh into a venv in bench/.peers/py),
driven through its public API: `TaskHandler` with one `@worker_task` (thread_count 10, poll
interval 100 ms, batch poll with a 100 ms long-poll), and `WorkflowExecutor.execute_workflow` for
the sync-execute workload. Same line protocol as drivers/_env.ts; the handler runs in the worker
process TaskHandler spawns, whose CPU time the orchestrator counts with the parent's.

    BENCH_MODE=worker BENCH_SERVER_URL=... bench/.peers/py/bin/python bench/drivers/py_peer.py
"""
import json
import os
import sys
import threading
import time

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.worker.worker_task import worker_task

env = os.environ
N = int(env.get("BENCH_N", "2000"))
# A cold window of its own first (see drivers/_env.ts taskCounter).
COLD = int(env.get("BENCH_COLD_TASKS", "0"))
COLD = COLD if COLD >= 2 else 0
_lock = threading.Lock()
_count = 0


def report(tag, value=None):
    sys.stdout.write(f"{tag} {json.dumps(time.time() * 1000 if value is None else value)}\n")
    sys.stdout.flush()


@worker_task(
    task_definition_name=env.get("BENCH_TASK_TYPE", "bench_noop"),
    thread_count=int(env.get("BENCH_CONCURRENCY", "10")),
    poll_interval_millis=int(env.get("BENCH_POLL_INTERVAL_MS", "100")),
    poll_timeout=int(env.get("BENCH_POLL_TIMEOUT_MS", "100")),
)
def noop() -> dict:
    global _count
    with _lock:
        _count += 1
        count = _count
    if count == 1:
        report("first")
    if count == COLD:
        report("cold")
    if count == COLD + N:
        report("done")
    return {}


def execute(configuration):
    from conductor.client.orkes_clients import OrkesClients
    from conductor.client.http.models import StartWorkflowRequest

    executor = OrkesClients(configuration).get_workflow_executor()
    name = env["BENCH_WORKFLOW_NAME"]
    warmup = int(env.get("BENCH_WARMUP", "10"))
    iterations = int(env.get("BENCH_ITERATIONS", "200"))
    latencies = []
    for i in range(warmup + iterations):
        t0 = time.perf_counter()
        run = executor.execute_workflow(
            StartWorkflowRequest(name=name, version=1, input={}), wait_until_task_ref=None, wait_for_seconds=10
        )
        if run.status != "COMPLETED":
            raise RuntimeError(f"execute: workflow ended {run.status}")
        if i >= warmup:
            latencies.append((time.perf_counter() - t0) * 1000)
    report("latencies", latencies)


def main():
    configuration = Configuration(server_api_url=env["BENCH_SERVER_URL"])
    if env.get("BENCH_MODE", "worker") == "execute":
        execute(configuration)
        return
    handler = TaskHandler(workers=[], configuration=configuration, scan_for_annotated_workers=True)
    handler.start_processes()
    handler.join_processes()


if __name__ == "__main__":
    main()
