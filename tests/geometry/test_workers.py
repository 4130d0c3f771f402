"""Worker processes: results, errors, time limits, deaths, memory limits, kills, deadlines."""
from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from geometry.workers import (
    DeadlineExceeded,
    Died,
    Failed,
    LocalWorkers,
    Ok,
    RayUnavailable,
    RayWorkers,
    TimedOut,
    deadline,
)


def _gone(pid: int) -> bool:
    """The process is not in the process table, or only as a zombie of someone else."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] == "Z"
    except (OSError, IndexError):
        return False


def _await_pid(path: Path, seconds: float = 10.0) -> int:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.01)
    raise AssertionError(f"no pid in {path}")


def _sleep_writing_pid(path: Path) -> None:
    path.write_text(str(os.getpid()))
    time.sleep(60)


def test_a_result_comes_back_with_the_parents_state_inherited() -> None:
    lock = threading.Lock()  # cannot be pickled: the job inherits it by forking
    with LocalWorkers(jobs=1) as workers:
        workers.submit("sum", lambda: (lock.locked(), sum(range(10))))
        [res] = list(workers.results())
    assert isinstance(res, Ok) and res.key == "sum" and res.value == (False, 45) and res.seconds >= 0


def test_an_exception_is_an_error_result_with_its_message() -> None:
    def boom() -> None:
        raise ValueError("no such point x")

    with LocalWorkers(jobs=1) as workers:
        workers.submit(1, boom)
        [res] = workers.wait()
    assert res == Failed(1, "ValueError: no such point x", res.seconds)


def test_a_job_past_its_limit_is_killed_and_timed_out(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    with LocalWorkers(jobs=2) as workers:
        workers.submit("slow", lambda: _sleep_writing_pid(pidfile), limit=0.3)
        workers.submit("quick", lambda: "done", limit=5)
        got = {r.key: r for r in workers.results()}
    assert got["quick"] == Ok("quick", "done", got["quick"].seconds)
    slow = got["slow"]
    assert isinstance(slow, TimedOut) and 0.3 <= slow.seconds < 5
    assert _gone(_await_pid(pidfile))


def test_a_child_that_dies_is_reported_with_its_exit_code() -> None:
    with LocalWorkers(jobs=2) as workers:
        workers.submit("killed", lambda: os.kill(os.getpid(), signal.SIGKILL))
        workers.submit("exited", lambda: os._exit(3))
        got = {r.key: r for r in workers.results()}
    assert isinstance(got["killed"], Died) and got["killed"].exitcode == -signal.SIGKILL
    assert isinstance(got["exited"], Died) and got["exited"].exitcode == 3


def _address_space() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmSize")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_the_memory_limit_turns_a_huge_allocation_into_an_error() -> None:
    with LocalWorkers(jobs=1, memory=_address_space() + 512 * 1024**2) as workers:
        workers.submit("small", lambda: len(bytearray(16 * 1024**2)))
        workers.submit("huge", lambda: len(bytearray(64 * 1024**3)))
        got = {r.key: r for r in workers.results()}
    assert got["small"].value == 16 * 1024**2
    assert isinstance(got["huge"], Failed) and got["huge"].error == "out of memory"


def test_kill_and_close_leave_no_process_behind(tmp_path: Path) -> None:
    pids = [tmp_path / f"pid{i}" for i in range(3)]
    workers = LocalWorkers(jobs=2)
    for i, path in enumerate(pids):
        workers.submit(i, lambda path=path: _sleep_writing_pid(path))
    assert len(workers) == 3 and workers.queued == 1  # two at a time
    first = _await_pid(pids[0])
    workers.kill(0)  # the waiting job starts in its place
    assert _gone(first) and len(workers) == 2 and workers.queued == 0
    assert workers.wait(timeout=0.05) == []  # a killed job gives no result
    others = [_await_pid(pids[1]), _await_pid(pids[2])]
    workers.close()
    assert all(_gone(pid) for pid in others)


def test_a_waiting_job_can_be_dropped() -> None:
    with LocalWorkers(jobs=1) as workers:
        workers.submit("a", lambda: "a")
        workers.submit("b", lambda: "b")
        workers.kill("b")
        assert [r.key for r in workers.results()] == ["a"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_children_die_with_their_parent(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild"

    def middle() -> None:  # a worker that itself runs a worker, then is killed
        with LocalWorkers(jobs=1) as inner:
            inner.submit("sleep", lambda: _sleep_writing_pid(pidfile))
            inner.wait()

    with LocalWorkers(jobs=1) as workers:
        workers.submit("middle", middle)
        grandchild = _await_pid(pidfile)
        workers.kill("middle")
    end = time.monotonic() + 5
    while not _gone(grandchild) and time.monotonic() < end:
        time.sleep(0.01)
    assert _gone(grandchild)


def test_limits_and_job_counts_are_checked() -> None:
    with pytest.raises(ValueError):
        LocalWorkers(jobs=0)
    with LocalWorkers(jobs=1) as workers, pytest.raises(ValueError):
        workers.submit("x", lambda: 1, limit=0)
    with LocalWorkers(jobs=1) as workers:
        workers.submit("x", lambda: 1)
        with pytest.raises(ValueError, match="already submitted"):
            workers.submit("x", lambda: 2)


def test_the_deadline_raises_and_restores_the_handler() -> None:
    before = signal.getsignal(signal.SIGALRM)
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="over 0.1 s"):
        with deadline(0.1):
            try:
                time.sleep(5)
            except Exception:  # noqa: BLE001 - it is not swallowed here
                pass
    assert time.monotonic() - start < 2
    with deadline(5):
        pass
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_deadlines_nest() -> None:
    start = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="over 0.2 s"):  # the enclosing one ends first
        with deadline(0.2):
            with deadline(5):
                time.sleep(5)
    assert time.monotonic() - start < 2
    with pytest.raises(DeadlineExceeded, match="over 0.3 s"):  # the inner one ends, then the outer goes on
        with deadline(0.3):
            with pytest.raises(DeadlineExceeded, match="over 0.1 s"):
                with deadline(0.1):
                    time.sleep(5)
            time.sleep(5)
    assert time.monotonic() - start < 3


def test_without_ray_the_message_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    with pytest.raises(RayUnavailable, match=r"--backend ray needs Ray: pip install 'geoprover\[ray\]'"):
        RayWorkers(cpus=1)


@pytest.mark.slow
def test_ray_workers_report_as_local_ones() -> None:
    pytest.importorskip("ray")

    def boom() -> None:
        raise ValueError("bad")

    with RayWorkers(cpus=2, capacity=2) as workers:
        workers.submit("ok", lambda: 6 * 7)
        workers.submit("boom", boom)
        workers.submit("slow", lambda: time.sleep(60), limit=1.0)
        got = {r.key: r for r in workers.results()}
    assert got["ok"].value == 42
    assert got["boom"].error == "ValueError: bad"
    assert isinstance(got["slow"], TimedOut)
