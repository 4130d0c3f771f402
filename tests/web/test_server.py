"""The web app's server over plain HTTP: its limits, what it refuses, and one proof per tab.

No browser here: these run wherever the ``web`` extra is installed.
"""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request

import pytest

from geometry.problem import split_problem_text
from prover.cli import main
from prover.problem_sets import set_path

ORTHOCENTER = ("a b c = triangle a b c; d = foot d a b c; e = foot e b c a; "
               "h = on_line h a d, on_line h b e ? perp c h a b")
LONG = dict(split_problem_text(set_path("olympiad_dev").read_text(encoding="utf-8")))["imo_sl_2000_g1"]


def _call(url: str, data: bytes | dict | None = None) -> tuple[int, dict | str]:
    body = json.dumps(data).encode() if isinstance(data, dict) else data
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"},
                                 method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text, kind = r.status, r.read().decode(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        status, text, kind = e.code, e.read().decode(), e.headers.get("Content-Type", "")
    return status, json.loads(text) if kind.startswith("application/json") else text


def _events(url: str) -> list[tuple[str, dict]]:
    """A proof's events until its end (done, failed or cancelled)."""
    out = []
    with urllib.request.urlopen(url, timeout=60) as r:
        kind = None
        for raw in r:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                out.append((kind, json.loads(line[6:])))
                if kind in ("done", "failed", "cancelled"):
                    return out
    return out


def test_it_listens_on_localhost_by_default(server) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    status, page = _call(server.url + "/")
    assert status == 200 and "<textarea" in page


@pytest.mark.parametrize("path", ["/static/../pyproject.toml", "/static/%2e%2e/pyproject.toml",
                                  "/static/..%2fpyproject.toml", "/pyproject.toml", "/api/jobs/nope/proof.html",
                                  "/static//etc/passwd"])
def test_nothing_outside_the_page_is_served(server, path: str) -> None:
    status, body = _call(server.url + path)
    assert status == 404 and isinstance(body, dict) and "error" in body
    assert "geoprover" not in json.dumps(body) and "root:" not in json.dumps(body)


@pytest.mark.parametrize("data, says", [
    (b"x" * 20_000, "over 16384 bytes"),
    (b"{not json", "not JSON"),
    ({"text": ORTHOCENTER, "timeout": 10_000}, "timeout: at most 300 seconds"),
    ({"text": ORTHOCENTER, "jobs": 1000}, "jobs: from 1 to"),
    ({"text": ORTHOCENTER, "candidates": 0}, "candidates: from 1 to 1024"),
    ({"text": ORTHOCENTER, "proposer": "oracle"}, "proposer: one of"),
    ({"text": ORTHOCENTER, "path": "/etc/passwd"}, "unknown field 'path'"),
    ({"text": 3}, "text: expected str"),
    ({"text": "  "}, "the problem is empty"),
    ({"text": "a " * 3000}, "at most 4000 characters"),
])
def test_a_prove_past_the_limits_is_refused_with_one_line(server, data, says: str) -> None:
    status, body = _call(server.url + "/api/prove", data)
    assert status == 400 and says in body["error"] and "\n" not in body["error"]


def test_the_preview_refuses_oversized_text_and_places_errors(server) -> None:
    status, body = _call(server.url + "/api/figure", {"text": "a " * 3000})
    assert status == 400 and "at most 4000 characters" in body["error"]
    text = "a b c = triangle a b c; d = foot d a b x ? perp a d b c"
    status, body = _call(server.url + "/api/figure", {"text": text})
    assert status == 200 and not body["ok"]
    assert body["error"]["message"] == "clause 2: point 'x' is not defined (at 'x')"
    assert (body["error"]["start"], body["error"]["end"]) == (text.index(" x ") + 1, text.index(" x ") + 2)


def test_a_bad_problem_ends_its_proof_with_one_line_not_a_traceback(server) -> None:
    status, body = _call(server.url + "/api/prove", {"text": "a b c = triangle a b c ? perpp a b b c", "tab": "bad"})
    assert status == 200
    events = _events(f"{server.url}/api/jobs/{body['job']}/events")
    kind, data = events[-1]
    assert kind == "failed" and data["message"].startswith("goal: unknown predicate 'perpp' (did you mean `perp`")
    assert "Traceback" not in data["message"]


def test_a_new_prove_in_the_same_tab_cancels_the_old_one(server) -> None:
    _, first = _call(server.url + "/api/prove", {"text": LONG, "timeout": 200, "tab": "tab-1"})
    _, second = _call(server.url + "/api/prove", {"text": ORTHOCENTER, "name": "orthocenter", "tab": "tab-1"})
    assert _events(f"{server.url}/api/jobs/{first['job']}/events")[-1][0] == "cancelled"
    kind, done = _events(f"{server.url}/api/jobs/{second['job']}/events")[-1]
    assert kind == "done" and done["status"] == "solved" and done["steps"] > 0
    status, text = _call(server.url + done["links"]["text"])
    assert status == 200 and "This proves that CH ⊥ AB." in text


def test_at_most_two_proofs_run_at_once(server) -> None:
    jobs = [_call(server.url + "/api/prove", {"text": LONG, "timeout": 200, "tab": f"busy-{i}"})[1] for i in range(2)]
    try:
        status, body = _call(server.url + "/api/prove", {"text": LONG, "timeout": 200, "tab": "busy-3"})
        assert status == 429 and "2 proofs are running already" in body["error"]
    finally:
        for job in jobs:
            _call(f"{server.url}/api/jobs/{job['job']}/cancel", {})
    for job in jobs:
        assert _events(f"{server.url}/api/jobs/{job['job']}/events")[-1][0] == "cancelled"


def test_serve_refuses_a_bad_port_in_one_line(capsys) -> None:
    assert main(["serve", "--port", "70000"]) == 2
    err = capsys.readouterr().err
    assert err == "geoprover: error: --port 70000: from 0 to 65535\n"


def test_serve_without_the_web_extra_says_how_to_install_it(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install 'geoprover[web]'" in err


def _raw(url: str, body: bytes | None, headers: dict[str, str]) -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST" if body is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


@pytest.mark.parametrize("headers, says", [
    ({"Content-Type": "text/plain"}, "send the request as JSON"),  # what a form on another site can send
    ({"Content-Type": "application/json", "Origin": "http://evil.example"}, "not served here"),
])
def test_another_site_cannot_start_a_proof(server, headers: dict[str, str], says: str) -> None:
    body = json.dumps({"text": ORTHOCENTER}).encode()
    status, text = _raw(server.url + "/api/prove", body, headers)
    assert status == 400 and says in json.loads(text)["error"]


def test_a_foreign_host_name_is_refused(server) -> None:
    """DNS rebinding: another site's name pointed at 127.0.0.1 gets nothing."""
    status, _ = _raw(server.url + "/api/examples", None, {"Host": "evil.example"})
    assert status == 400
    status, _ = _raw(server.url.replace("127.0.0.1", "localhost") + "/api/examples", None, {})
    assert status == 200


def test_a_killed_server_leaves_no_proof_behind() -> None:
    """Killed hard (no Ctrl+C, no cleanup), the server takes its running proofs and their search
    workers with it: the fork server ends with it, and each proof dies with the fork server."""
    import time

    from processes import job_groups, live_in_groups

    from bench.web_latency import start_server, stop_server

    server = start_server()
    try:
        _, body = _call(server.url + "/api/prove", {"text": LONG, "timeout": 200, "jobs": 2, "tab": "t"})
        assert "job" in body
        end, groups = time.monotonic() + 60, set()
        while time.monotonic() < end and len(live_in_groups(groups)) < 2:  # the proof and a search worker
            groups = job_groups(server.process.pid)
            time.sleep(0.2)
        assert len(live_in_groups(groups)) >= 2
        server.process.kill()
        server.process.wait()
        end = time.monotonic() + 20
        while time.monotonic() < end and live_in_groups(groups):
            time.sleep(0.2)
        assert not live_in_groups(groups)
    finally:
        stop_server(server)
