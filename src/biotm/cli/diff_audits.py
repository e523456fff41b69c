"""The two audits of `biotm diff`, the base one in a second process when the models are large.

They are independent and each takes one core, so on a 2-core machine the pair takes about as long as one:
a dense 10,000-element pair took 15 s in one process. The child is forked (nothing is pickled on the way
in), audits BASE and sends its result back pickled; the parent audits NEW meanwhile. The audit is
deterministic, so the diff is byte-identical either way (tests/cli/test_diff_parallel.py). Where fork is
missing, or the child dies (killed, out of memory), the parent audits BASE itself: slower, never lost.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import sys
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from biotm.model.loader import LoadedModel
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult

#: Elements of the two models together from which the base audit runs in a second process: below it the
#: fork and the pickled result cost more than they save.
PARALLEL_MIN_ELEMENTS = 2_000
Audit = Callable[[LoadedModel, AuditOptions], AuditResult]


class BaseAudit:
    """The audit of BASE: started in a forked child at once when `parallel` (None: by size and platform), else
    run in this process when its result is asked for. Start it before any thread (a progress bar) runs."""

    def __init__(
        self,
        base: LoadedModel,
        new: LoadedModel,
        options: AuditOptions,
        parallel: bool | None = None,
        run: Audit = audit,
    ):
        self.base = base
        self.options = replace(options, progress=None)
        self.run = run  # the caller's audit, so that both models are audited by the same function
        if parallel is None:
            size = len(base.model.elements) + len(new.model.elements)
            parallel = size >= PARALLEL_MIN_ELEMENTS and _can_fork()
        self._child: BaseProcess | None = None
        self._receiving: Connection | None = None
        if parallel:
            context = multiprocessing.get_context("fork")
            self._receiving, sending = context.Pipe(duplex=False)
            self._child = context.Process(target=_child, args=(sending, base, self.options, run), daemon=True)
            self._child.start()
            sending.close()

    def result(self, progress: Callable[[str], None] | None = None) -> AuditResult:
        """BASE's result: the child's, or (no child, or it died) audited here with `progress`."""
        received = None
        if self._child is not None and self._receiving is not None:
            try:
                received = _received(self._receiving)
            finally:
                self.close()
        if received is not None:
            return received
        return self.run(self.base, replace(self.options, progress=progress))

    def close(self) -> None:
        """Stop the child if it still runs (an error or Ctrl-C in this process)."""
        if self._receiving is not None:
            self._receiving.close()
            self._receiving = None
        if self._child is not None:
            if self._child.is_alive():
                self._child.terminate()
            self._child.join()
            self._child = None


def _child(sending: Connection, loaded: LoadedModel, options: AuditOptions, run: Audit) -> None:
    """Audit in the forked child and send the result; an error sends nothing (the parent audits it again and
    reports what happens there)."""
    try:
        payload = pickle.dumps(run(loaded, options), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # the parent repeats the audit in its own process and reports the error as usual
        sending.close()
        return
    with contextlib.suppress(OSError):  # the parent has gone
        sending.send_bytes(payload)
    sending.close()


def _received(receiving: Connection) -> AuditResult | None:
    try:
        payload = receiving.recv_bytes()
    except (EOFError, OSError):
        return None  # the child died or sent nothing
    result = pickle.loads(payload)  # our own child's result, through our own pipe: never a file's bytes
    return result if isinstance(result, AuditResult) else None


def _can_fork() -> bool:
    # macOS forks badly once system frameworks are loaded, Windows not at all; Linux and the BSDs are fine.
    return "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
