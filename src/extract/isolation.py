"""Run one file's extraction in a worker process that can be stopped, so no file can hang a batch.

The worker is started from the "forkserver" context (a clean, single-threaded parent; no
inherited locks or Prefect state) and reports back over a pipe with plain, picklable data:
the result, or an UnreadableReport's fields. Exceptions are classified inside the worker,
where their traceback still says whether a PDF library raised them.

As with any forkserver/spawn worker, a script that calls run_isolated at import time must guard
its entry point with `if __name__ == "__main__":` (console scripts and pytest already do);
otherwise the worker re-runs the script and dies, reported as `worker_crashed`.

A worker watches the calling process's lifeline (`extract.lifeline`): the time budget is kept by
the caller, so a worker whose caller was killed would otherwise parse on for ever. The forkserver
itself stops once neither the caller nor any worker is left (multiprocessing's own "alive" pipe).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from extract.errors import UnreadableReport, unreadable
from extract.lifeline import lifeline, watch
from extract.readers.guard import classify_exception

T = TypeVar("T")

WORKER_PRELOAD = ["extract.readers.guard", "extract.extraction", "extract.warmup"]

Outcome = tuple[str, Any]


def source_file_of(fn: Callable[..., Any], args: tuple[Any, ...]) -> str:
    """The file a call is about: its first path-like argument, else the function's name."""
    for arg in args:
        if isinstance(arg, (str, os.PathLike)):
            return os.fspath(arg)
    return getattr(fn, "__qualname__", repr(fn))


def cap_address_space(memory_mb: int) -> None:
    """Limit the worker's address space, so a decompression bomb fails with MemoryError."""
    limit_bytes = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


def unreadable_fields(error: UnreadableReport) -> tuple[str, str, str, int | None]:
    """The picklable fields of an UnreadableReport (its constructor does not round-trip)."""
    return (error.reason, error.message, error.source_file, error.page_no)


def worker_outcome(fn: Callable[..., Any], args: tuple[Any, ...], source_file: str) -> Outcome:
    """Call fn and describe what happened as plain data."""
    try:
        return ("ok", fn(*args))
    except BaseException as exc:  # every failure of one file is data, whatever its type
        return ("unreadable", unreadable_fields(classify_exception(exc, Path(source_file))))


def worker_main(
    sender: Connection,
    fn: Callable[..., Any],
    args: tuple[Any, ...],
    memory_mb: int | None,
    source_file: str,
    caller_lifeline: Connection | None = None,
) -> None:
    """Entry point of the worker process: run, then send the outcome (or why it can't be sent)."""
    if caller_lifeline is not None:
        watch(caller_lifeline)
        caller_lifeline.close()
    if memory_mb is not None:
        cap_address_space(memory_mb)
    outcome = worker_outcome(fn, args, source_file)
    try:
        sender.send(outcome)
    except Exception as exc:  # the result itself could not be pickled
        failure = unreadable("internal_error", source_file, f"result not transferable: {exc}")
        sender.send(("unreadable", unreadable_fields(failure)))
    finally:
        sender.close()


def death_detail(exitcode: int | None) -> str:
    """Say how a worker ended without reporting: the signal that killed it or its exit code."""
    if exitcode is not None and exitcode < 0:
        return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"


def stop(worker: multiprocessing.process.BaseProcess) -> None:
    """Kill the worker if it still runs and reap it, so no process outlives its call."""
    if worker.is_alive():
        worker.kill()
    worker.join()


def worker_context() -> multiprocessing.context.BaseContext:
    """The forkserver context, preloading the heavy imports once for every later worker."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


def start_worker_server(timeout_s: float = 120.0) -> None:
    """Start the server parsing processes are forked from (it preloads the extractor) and wait until it forks one.

    The first report would wait for it anyway; started on its own, its cost shows apart.
    """
    run_isolated(os.getpid, timeout_s=timeout_s, source_file="the parsing process server")


def run_isolated(
    fn: Callable[..., T],
    *args: Any,
    timeout_s: float,
    memory_mb: int | None = None,
    source_file: str | None = None,
) -> T:
    """Run fn(*args) in a killable worker; raise UnreadableReport for timeouts and failures."""
    source = source_file if source_file is not None else source_file_of(fn, args)
    context = worker_context()
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(
        target=worker_main, args=(sender, fn, args, memory_mb, source, lifeline()), daemon=True
    )
    worker.start()
    sender.close()
    try:
        if not receiver.poll(timeout_s):
            raise unreadable("timeout", source, f"budget {timeout_s:g} s; the worker was stopped")
        status, payload = receiver.recv()
    except EOFError:
        stop(worker)
        raise unreadable("worker_crashed", source, death_detail(worker.exitcode)) from None
    finally:
        stop(worker)
        receiver.close()
    if status == "ok":
        return payload
    raise UnreadableReport(*payload)
