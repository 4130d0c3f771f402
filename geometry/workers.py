"""Worker processes: run jobs, time them out, kill them and collect their results.

The one owner of this mechanism for every stage — the prover's search and
``geoprover bench``, the synthetic-data job, the ``bench/`` scripts — so it sits in
the base package: ``geometry`` imports no other stage (``geometry`` < ``ddar`` <
``synth``, ``geometry`` < ``lm`` < ``prover``), and all of them may import it. It knows
nothing of geometry.

A *job* is a key (any hashable value the caller chooses) and a callable with no
arguments. Two runners take jobs, with one interface (:class:`Workers`):

- :class:`LocalWorkers` runs each job in a child forked from this process, so the job
  inherits this process's state (a saturated engine, imported modules) instead of
  having it pickled; only its return value is pickled, back through a pipe. At most
  ``jobs`` children run at once; the other jobs wait in submission order. A job may
  have a wall-clock ``limit`` (seconds from its start), the children an address-space
  limit (``memory``, bytes), and on Linux they die with this process
  (``PR_SET_PDEATHSIG`` — tied to the thread that forked them). A child's garbage
  collector leaves the inherited objects alone (``gc.freeze``), so their pages stay shared.
- :class:`RayWorkers` runs each job as a Ray task (the callable is pickled, not
  inherited); Ray is imported when one is made, and :class:`RayUnavailable` says in
  one line why it cannot be.

Either way a job ends as one :data:`Result`, carrying the job's key and its seconds:
:class:`Ok` (the value), :class:`Failed` (the exception's ``"Type: message"``, or
``"out of memory"``), :class:`TimedOut` (killed at its limit) or :class:`Died` (the
child ended without a result; its exit code, minus the signal that killed it).

    workers.submit(key, fn, limit=None)  queue a job; it starts at once if a slot is free
    workers.wait(timeout=None)           the results that come in by then ([] if none)
    workers.results()                    each result as it comes, until no job is left
    workers.kill(key)                    drop a waiting or running job (it gives no result)
    workers.close()                      kill every job (also on leaving ``with``)
    len(workers), workers.queued         jobs not reported yet; of those, not started

A search that races candidates (as :mod:`prover.search` does) submits one closure per
candidate with its own ``limit``, calls ``wait(0.05)`` in its loop until its budget is
spent, and ``kill`` s the candidates ranked after the first proof; ``bench`` and
``synth`` submit everything and read :meth:`Workers.results`.

:func:`deadline` is the in-process counterpart: a hard time limit on a block of code
(SIGALRM) that raises :class:`DeadlineExceeded`.

>>> with LocalWorkers(jobs=2) as workers:
...     workers.submit("square", lambda: 7 * 7)
...     workers.submit("oops", lambda: 1 / 0)
...     workers.submit("slow", lambda: time.sleep(60), limit=0.2)
...     got = {r.key: r for r in workers.results()}
>>> got["square"].value, got["oops"].error, type(got["slow"]).__name__
(49, 'ZeroDivisionError: division by zero', 'TimedOut')
"""
from __future__ import annotations

import ctypes
import gc
import os
import pickle
import resource
import selectors
import signal
import struct
import sys
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, Union

__all__ = [
    "DeadlineExceeded",
    "Died",
    "Failed",
    "LocalWorkers",
    "Ok",
    "RayUnavailable",
    "RayWorkers",
    "Result",
    "TimedOut",
    "Workers",
    "deadline",
    "die_with_parent",
    "require_ray",
]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
W = TypeVar("W", bound="Workers[Any, Any]")


# ---------------------------------------------------------------------- results
@dataclass(frozen=True)
class Ok(Generic[K, T]):
    """The job returned ``value``."""

    key: K
    value: T
    seconds: float


@dataclass(frozen=True)
class Failed(Generic[K]):
    """The job raised: ``error`` is ``"Type: message"`` (``"out of memory"`` for a MemoryError)."""

    key: K
    error: str
    seconds: float


@dataclass(frozen=True)
class TimedOut(Generic[K]):
    """The job ran past its limit and was killed."""

    key: K
    seconds: float


@dataclass(frozen=True)
class Died(Generic[K]):
    """The child ended without a result: ``exitcode`` is its exit status, or minus the signal."""

    key: K
    exitcode: int
    seconds: float


Result = Union[Ok[K, T], Failed[K], TimedOut[K], Died[K]]


def _describe(error: BaseException) -> str:
    """An exception as a :class:`Failed` result says it."""
    if isinstance(error, MemoryError):
        return "out of memory"
    return f"{type(error).__name__}: {error}"


# ---------------------------------------------------------------------- the interface
class Workers(ABC, Generic[K, T]):
    """Runs jobs and reports each one's :data:`Result` once (killed jobs report nothing)."""

    _queue: deque[_Job[K, T]]  # submitted, not started
    _running: dict  # started, not reported (keyed as the runner needs)

    def submit(self, key: K, fn: Callable[[], T], *, limit: float | None = None) -> None:
        """Queue job ``key`` (unique among the jobs not reported yet); ``limit``: seconds it may run."""
        if limit is not None and not limit > 0:
            raise ValueError(f"a job's limit must be > 0 seconds, not {limit}")
        if self._pending(key):
            raise ValueError(f"job {key!r} is already submitted")
        self._queue.append(_Job(key, fn, limit))
        self._fill()

    @abstractmethod
    def _pending(self, key: K) -> bool:
        """Whether job ``key`` is queued or running."""

    @abstractmethod
    def _fill(self) -> None:
        """Start queued jobs while there is room."""

    @abstractmethod
    def wait(self, timeout: float | None = None) -> list[Result[K, T]]:
        """The results that come in within ``timeout`` seconds (``None``: until one does).

        Returns as soon as there is at least one; ``[]`` when the time is up or no job is left.
        """

    @abstractmethod
    def kill(self, key: K) -> None:
        """Drop job ``key``, waiting or running; it gives no result. A finished or unknown key is ignored."""

    @abstractmethod
    def close(self) -> None:
        """Kill every job; the runner is unusable afterwards."""

    def __len__(self) -> int:
        """Jobs submitted and not reported (or killed) yet."""
        return len(self._queue) + len(self._running)

    @property
    def queued(self) -> int:
        """Jobs submitted and not started yet."""
        return len(self._queue)

    def results(self) -> Iterator[Result[K, T]]:
        """Each result as it comes, until every job submitted (also while iterating) is reported."""
        while len(self):
            yield from self.wait()

    def __enter__(self: W) -> W:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class _Job(Generic[K, T]):
    key: K
    fn: Callable[[], T]
    limit: float | None


def _wait_seconds(ends: list[float], end: float | None, now: float) -> float | None:
    """How long a runner may block: until the first job's limit or the caller's ``end`` (None: no bound)."""
    waits = [e - now for e in ends] + ([end - now] if end is not None else [])
    return max(0.0, min(waits)) if waits else None


# ---------------------------------------------------------------------- forked children
_HEADER = struct.Struct(">Q")  # the length of the pickled result that follows
_PR_SET_PDEATHSIG = 1


@dataclass
class _Child:
    key: Any
    pid: int
    fd: int
    started: float
    limit: float | None
    data: bytearray = field(default_factory=bytearray)

    def complete(self) -> bool:
        return len(self.data) >= _HEADER.size and len(self.data) >= _HEADER.size + _HEADER.unpack_from(self.data)[0]


class LocalWorkers(Workers[K, T]):
    """Jobs in children forked from this process, ``jobs`` at a time (see the module's docstring).

    ``memory``: address-space limit of each child in bytes (``RLIMIT_AS``), or None.
    ``die_with_parent``: children are killed when the thread that forked them ends (Linux).
    """

    def __init__(self, jobs: int, *, memory: int | None = None, die_with_parent: bool = True) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {jobs}")
        self.jobs = jobs
        self.memory = memory
        self.die_with_parent = die_with_parent
        self._queue: deque[_Job[K, T]] = deque()
        self._running: dict[K, _Child] = {}
        self._selector = selectors.DefaultSelector()

    def _pending(self, key: K) -> bool:
        return key in self._running or any(j.key == key for j in self._queue)

    def wait(self, timeout: float | None = None) -> list[Result[K, T]]:
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            self._fill()
            if not self._running:
                return []
            ends = [c.started + c.limit for c in self._running.values() if c.limit is not None]
            done = [self._read(k.data) for k, _ in self._selector.select(_wait_seconds(ends, end, time.monotonic()))]
            now = time.monotonic()
            for child in list(self._running.values()):
                if child.limit is not None and now - child.started > child.limit:
                    self._stop(child, signal.SIGKILL)
                    done.append(TimedOut(child.key, now - child.started))
            results = [r for r in done if r is not None]
            if results:
                self._fill()
                return results
            if end is not None and time.monotonic() >= end:
                return []

    def kill(self, key: K) -> None:
        child = self._running.get(key)
        if child is not None:
            self._stop(child, signal.SIGKILL)
            self._fill()
        else:
            self._queue = deque(j for j in self._queue if j.key != key)

    def close(self) -> None:
        self._queue.clear()
        for child in list(self._running.values()):
            self._stop(child, signal.SIGKILL)
        self._selector.close()

    # ------------------------------------------------------------------ the parent's side
    def _fill(self) -> None:
        while self._queue and len(self._running) < self.jobs:
            job = self._queue.popleft()
            child = self._fork(job)
            self._running[job.key] = child
            self._selector.register(child.fd, selectors.EVENT_READ, child)

    def _fork(self, job: _Job[K, T]) -> _Child:
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            try:
                stream.flush()
            except (AttributeError, ValueError, OSError):
                pass
        parent = os.getpid()
        r, w = os.pipe()
        gc.freeze()  # the child's collector leaves the inherited objects (and their pages) alone
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            raise
        finally:
            if os.getpid() == parent:
                gc.unfreeze()
        if pid == 0:  # pragma: no cover - the child; never returns
            os.close(r)
            _child_main(job.fn, w, parent if self.die_with_parent else None, self.memory)
        os.close(w)
        return _Child(job.key, pid, r, time.monotonic(), job.limit)

    def _read(self, child: _Child) -> Result[K, T] | None:
        """Read what ``child`` wrote; its result once complete (or once it has died)."""
        try:
            chunk = os.read(child.fd, 1 << 20)
        except OSError:
            chunk = b""
        child.data += chunk
        seconds = time.monotonic() - child.started
        if child.complete():
            self._stop(child, None)
            try:
                ok, value = pickle.loads(memoryview(child.data)[_HEADER.size:])
            except Exception as e:  # noqa: BLE001 - a result this process cannot read
                return Failed(child.key, f"unreadable result: {_describe(e)}", seconds)
            return Ok(child.key, value, seconds) if ok else Failed(child.key, value, seconds)
        if chunk:
            return None
        status = self._stop(child, None)  # the pipe closed before a whole result came
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        return Died(child.key, code, seconds)

    def _stop(self, child: _Child, sig: int | None) -> int:
        """Signal ``child`` (when ``sig``), close its pipe and reap it; its wait status."""
        del self._running[child.key]
        if sig is not None:
            try:
                os.kill(child.pid, sig)
            except ProcessLookupError:
                pass
        try:
            self._selector.unregister(child.fd)
        except (KeyError, ValueError):
            pass
        os.close(child.fd)
        try:
            return os.waitpid(child.pid, 0)[1]
        except ChildProcessError:
            return 0


def _child_main(fn: Callable[[], Any], w: int, parent: int | None, memory: int | None) -> None:  # pragma: no cover
    """The forked child: run ``fn``, write its pickled result to ``w``, exit."""
    code = 0
    try:
        if parent is not None:
            die_with_parent(parent)
        if memory is not None:
            try:
                resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            except (ValueError, OSError):
                pass
        try:
            data = pickle.dumps((True, fn()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as e:  # noqa: BLE001 - reported to the parent as Failed
            data = pickle.dumps((False, _describe(e)))
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(w, view):]
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    except BaseException:  # noqa: BLE001 - the parent sees a child that died
        code = 1
    finally:
        os._exit(code)


def die_with_parent(parent: int) -> None:  # pragma: no cover - runs in the child
    """Ask Linux to kill this process when its parent (pid ``parent``) dies: no orphans after a
    hard kill. Tied to the thread that forked it; exits at once if the parent is already gone."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


# ---------------------------------------------------------------------- Ray tasks
class RayUnavailable(Exception):
    """Ray is not installed, or the cluster cannot be started or reached."""


#: What a missing Ray is told (both ``--backend ray`` commands).
NEEDS_RAY = "--backend ray needs Ray: pip install 'geoprover[ray]' (or pip install 'ray>=2.9')"


def require_ray() -> Any:
    """The ``ray`` module; :class:`RayUnavailable` (with :data:`NEEDS_RAY`) when it is not installed."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable(NEEDS_RAY) from None
    return ray


def _call(fn: Callable[[], Any]) -> tuple[bool, Any]:
    """A job inside a Ray task: its exception is reported as the local runner reports it."""
    try:
        return True, fn()
    except Exception as e:  # noqa: BLE001 - reported to the driver as Failed
        return False, _describe(e)


class RayWorkers(Workers[K, T]):
    """Jobs as Ray tasks of one CPU each, on the cluster at ``address`` or on a local Ray
    started here with ``cpus`` CPUs (None: every core), which :meth:`close` shuts down.

    ``capacity``: jobs handed to Ray at once (None: all); the others wait here in order.
    A job's ``limit`` counts from its hand-over, so give limited jobs a capacity of about
    the CPUs. ``retries``: how often Ray reruns a task whose worker died. A task that Ray
    itself fails (its worker died) is :class:`Failed` with ``"ray task failed: <Ray's error>"``.
    """

    def __init__(self, cpus: int | None = None, *, address: str | None = None, capacity: int | None = None,
                 retries: int = 0) -> None:
        ray = require_ray()
        self._ray = ray
        self._started = False
        # a job's failure comes back as its result (``_call``); what Ray reports unasked is only the
        # interruption of a task that :meth:`kill` dropped, which no one will read
        os.environ.setdefault("RAY_IGNORE_UNHANDLED_ERRORS", "1")
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
            try:
                if address:
                    ray.init(address=address, **kwargs)
                else:
                    ray.init(num_cpus=cpus or os.cpu_count() or 1, **kwargs)
            except (ConnectionError, RuntimeError, ValueError) as e:
                raise RayUnavailable(f"cannot start or reach Ray: {e}") from None
            self._started = True
        #: CPUs of the cluster.
        self.cpus = int(ray.cluster_resources().get("CPU", 1))
        self.capacity = capacity
        self._remote = ray.remote(num_cpus=1, max_retries=retries)(_call)
        self._queue: deque[_Job[K, T]] = deque()
        self._running: dict[Any, tuple[_Job[K, T], float]] = {}  # ObjectRef -> (job, handed over)

    def _pending(self, key: K) -> bool:
        return any(j.key == key for j, _ in self._running.values()) or any(j.key == key for j in self._queue)

    def wait(self, timeout: float | None = None) -> list[Result[K, T]]:
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            self._fill()
            if not self._running:
                return []
            ends = [t + j.limit for j, t in self._running.values() if j.limit is not None]
            refs = list(self._running)
            ready, _ = self._ray.wait(refs, num_returns=1, timeout=_wait_seconds(ends, end, time.monotonic()))
            if ready:
                ready, _ = self._ray.wait(refs, num_returns=len(refs), timeout=0)
            results = [self._get(ref) for ref in ready]
            now = time.monotonic()
            for ref, (job, started) in list(self._running.items()):
                if job.limit is not None and now - started > job.limit:
                    self._ray.cancel(ref, force=True)
                    del self._running[ref]
                    results.append(TimedOut(job.key, now - started))
            if results:
                self._fill()
                return results
            if end is not None and time.monotonic() >= end:
                return []

    def kill(self, key: K) -> None:
        """Drop job ``key``: a running task is interrupted in its worker, which stays up for the
        next (a task past its limit is killed with its worker, in :meth:`wait`)."""
        for ref, (job, _) in list(self._running.items()):
            if job.key == key:
                self._ray.cancel(ref, force=False)
                del self._running[ref]
                self._fill()
                return
        self._queue = deque(j for j in self._queue if j.key != key)

    def put(self, value: Any) -> Any:
        """``value`` in Ray's object store, once: a reference that jobs can share (``ray.get``
        in the job gives it back) instead of each job's pickle carrying it."""
        return self._ray.put(value)

    def close(self) -> None:
        self._queue.clear()
        for ref in self._running:
            self._ray.cancel(ref, force=True)
        self._running.clear()
        if self._started:
            self._ray.shutdown()
            self._started = False

    def _fill(self) -> None:
        while self._queue and (self.capacity is None or len(self._running) < self.capacity):
            job = self._queue.popleft()
            self._running[self._remote.remote(job.fn)] = (job, time.monotonic())

    def _get(self, ref: Any) -> Result[K, T]:
        job, started = self._running.pop(ref)
        try:
            ok, value = self._ray.get(ref)
        except Exception as e:  # noqa: BLE001 - Ray failed the task (its worker died, ...)
            return Failed(job.key, f"ray task failed: {type(e).__name__}", time.monotonic() - started)
        seconds = time.monotonic() - started
        return Ok(job.key, value, seconds) if ok else Failed(job.key, value, seconds)


# ---------------------------------------------------------------------- in-process deadline
class DeadlineExceeded(BaseException):
    """A :func:`deadline` ran out. A BaseException, so that no ``except Exception`` in the
    code under the deadline swallows it."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`DeadlineExceeded` in the block if it runs longer than ``seconds``.

    SIGALRM-based: only in the main thread, and where the platform has SIGALRM (POSIX;
    elsewhere the block runs unbounded). The previous handler and timer are restored on
    leaving; an enclosing deadline that ends first still ends the block.

    >>> with deadline(5):
    ...     pass
    >>> try:
    ...     with deadline(0.05):
    ...         time.sleep(1)
    ... except DeadlineExceeded as e:
    ...     print(e)
    over 0.05 s
    """
    if not seconds > 0:
        raise ValueError(f"a deadline must be > 0 seconds, not {seconds}")
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def fire(signum: int, frame: object) -> None:
        raise DeadlineExceeded(f"over {seconds:g} s")

    outer = signal.getitimer(signal.ITIMER_REAL)[0]
    if 0 < outer <= seconds:  # an enclosing deadline ends first: it stays in charge
        yield
        return
    start = time.monotonic()
    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer > 0:  # the enclosing one goes on with the time it has left
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))
