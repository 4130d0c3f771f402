"""Which processes a proof of the web app's server left: read from /proc (Linux)."""
from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(ppid, process group, state) of a process, from /proc; None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[2]), fields[0]


def _table() -> dict[int, tuple[int, int, str]]:
    table = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st is not None:
                table[int(entry)] = st
    return table


def job_groups(server_pid: int) -> set[int]:
    """The process groups of the proofs running below the server (the server, its fork server
    and its resource tracker share the server's own group; each proof makes one of its own)."""
    table = _table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    own_group = table.get(server_pid, (0, server_pid, ""))[1]
    below, todo = set(), [server_pid]
    while todo:
        for child in children.get(todo.pop(), []):
            below.add(child)
            todo.append(child)
    return {table[p][1] for p in below if table[p][1] != own_group and table[p][2] != "Z"}


def live_in_groups(groups: set[int]) -> set[int]:
    """The live (not zombie) processes in ``groups``, wherever they were re-parented."""
    return {pid for pid, (_, pgid, st) in _table().items() if pgid in groups and st != "Z"}
