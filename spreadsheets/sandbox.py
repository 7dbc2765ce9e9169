"""Run a function in a forked child process under a memory and a time limit.

Reading a workbook is the one step whose cost an uploaded file decides. `safety` bounds
what it can ask for before parsing; this is the second wall: the parse runs in a child
whose address space and CPU time are capped, and the caller stops waiting (and kills the
child) when the wall-clock limit passes. A file that still manages to be expensive costs
one child, never the web or worker process that asked.

The child is forked (fast: nothing is imported again) and must not touch the database:
pass it everything it needs. It ends with `os._exit`, so the parent's connections and
files are left alone.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)
MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    seconds: float  # wall clock, as the caller waits
    memory_mb: int  # address space the child may add to what it inherited


class LimitExceeded(Exception):
    """The child needed more time or memory than allowed."""

    def __init__(self, what: str, limits: Limits) -> None:
        super().__init__(what)
        self.what = what  # "time" or "memory"
        self.limits = limits


class ChildFailed(Exception):
    """The function raised something that could not be sent back as itself."""


def _address_space() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _child(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> None:
    try:
        cap = _address_space() + limits.memory_mb * MB
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        cpu = int(limits.seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        outcome: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # sent back and raised in the parent
        outcome = ("raised", exc)
    try:
        send.send(outcome)
    except MemoryError:
        send.send(("memory", None))
    except Exception as exc:  # e.g. an exception that cannot be pickled
        send.send(("failed", f"{type(exc).__name__}: {exc}; from {outcome[0]}"))
    finally:
        send.close()


def run_limited(fn: Callable[..., Any], *args: Any, limits: Limits) -> Any:
    """fn(*args) in a child; its return value, or its exception raised here; LimitExceeded
    when it runs out of time or memory (a child killed by the kernel counts as memory)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, fn, args, limits), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            raise LimitExceeded("time", limits)
        try:
            status, value = receive.recv()
        except EOFError:  # died without a word: killed for its CPU time or memory
            process.join(5)
            cpu = process.exitcode == -signal.SIGXCPU
            raise LimitExceeded("time" if cpu else "memory", limits) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receive.close()
    if status == "ok":
        return value
    if status == "memory":
        raise LimitExceeded("memory", limits)
    if status == "raised":
        raise value
    raise ChildFailed(value)
