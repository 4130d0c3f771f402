"""How fast the web app answers, measured in a real browser; and the screenshots of docs/web.md.

    python bench/web_latency.py [--set examples] [--repeat 3] [--no-prove] [--screenshots docs/img]

Starts ``geoprover serve --port 0`` and drives Debian's chromium with Playwright:

- **figure preview**: for each problem of the set, the problem is put in the editor (as a
  paste: one input event) and the time until its figure is in the page is read in the page
  (``gp:preview``'s ``ms``: from the keystroke, the page's 60 ms debounce included), and
  the round trip of ``POST /api/figure`` alone; medians over problems and repeats;
- **proof** (unless ``--no-prove``): for each problem, Prove is clicked and the time until
  the proof is shown is read in the page; beside it the wall time of the command line
  (``geoprover prove SET NAME``, a new process each: start-up and imports included) and
  the proof's own seconds as the prover reports them;
- ``--screenshots DIR``: the editor with an error, a search in progress and a finished
  proof with an auxiliary construction (``web-error.png``, ``web-search.png``, ``web-proof.png``).

Benchmarks print numbers; they never fail on timing. The tests share :func:`start_server`,
:func:`stop_server`, :func:`chromium` and :data:`CHROMIUM_ARGS` with this script.
"""
from __future__ import annotations

import argparse
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")
#: Without these, a headless chromium on a closed network misbehaves (it waits on services it cannot reach).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: A search proof with one auxiliary construction, found in about a second (jgex).
AUX_EXAMPLE = ("jgex", "examples/complete2/unsolved1/complete_010_Other_gao_Y_yL157-1.gex")
#: DD+AR leaves it open in a few ms and the heuristic search runs long on it (olympiad_dev).
LONG_EXAMPLE = ("olympiad_dev", "imo_sl_2000_g1")


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen

    @property
    def pid(self) -> int:
        return self.process.pid


def start_server(*extra: str, timeout: float = 60.0) -> Server:
    """``geoprover serve --port 0`` in a child process, returned once it prints its address."""
    proc = subprocess.Popen([sys.executable, "-m", "prover", "serve", "--port", "0", *extra], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    end = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            m = re.search(r"http://\S+/", proc.stdout.readline())
            if m:
                return Server(m.group(0).rstrip("/"), proc)
        if proc.poll() is not None:
            break
    err = stop_server(Server("", proc))
    raise RuntimeError(f"the server did not start: {err.strip()[-2000:]}")


def stop_server(server: Server) -> str:
    """Stop it as Ctrl+C does; returns what it wrote on stderr."""
    proc = server.process
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    err = proc.stderr.read() if proc.stderr is not None else ""
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    return err


def chromium() -> str | None:
    """The system chromium, or None."""
    for name in CHROMIUM:
        path = shutil.which(name)
        if path:
            return path
    return None


# ---------------------------------------------------------------------- in the page
_PREVIEW = """async ([text]) => {
  const area = document.getElementById("text");
  const done = new Promise((resolve) => {
    const on = (ev) => { if (ev.detail.text === text) { document.removeEventListener("gp:preview", on); resolve(ev.detail); } };
    document.addEventListener("gp:preview", on);
  });
  area.value = text;
  area.dispatchEvent(new Event("input", {bubbles: true}));
  const d = await done;
  const t0 = performance.now();
  const res = await fetch("/api/figure", {method: "POST", headers: {"Content-Type": "application/json"},
                                          body: JSON.stringify({text: text, name: "p", seed: 0})});
  await res.json();
  return {ok: d.ok, ms: d.ms, fetch: performance.now() - t0};
}"""

_PROVE = """async () => {
  const done = new Promise((resolve) => document.addEventListener("gp:proof", (ev) => resolve(ev.detail), {once: true}));
  const t0 = performance.now();
  document.getElementById("prove").click();
  const d = await done;
  return {state: d.state, status: d.data.status, seconds: d.data.seconds, ms: performance.now() - t0};
}"""


def _problems(set_name: str) -> list[tuple[str, str]]:
    from geometry.problem import split_problem_text
    from prover.problem_sets import set_path

    return split_problem_text(set_path(set_name).read_text(encoding="utf-8"))


def _med(xs: list[float]) -> str:
    return f"{statistics.median(xs):.0f} ms" if xs else "-"


def measure_previews(page, problems, repeat: int) -> None:
    ms, fetch = [], []
    for _ in range(repeat):
        for name, text in problems:
            r = page.evaluate(_PREVIEW, [text])
            ms.append(r["ms"])
            fetch.append(r["fetch"])
            page.evaluate("() => { const a = document.getElementById('text'); a.value = ''; }")
    print(f"figure preview, {len(problems)} problems x {repeat}: median {_med(ms)} from keystroke to figure "
          f"(60 ms debounce included; p90 {sorted(ms)[int(0.9 * (len(ms) - 1))]:.0f} ms), "
          f"median {_med(fetch)} for POST /api/figure alone")


def measure_proofs(page, set_name: str, problems, timeout: float) -> None:
    print(f"{'problem':34} {'page':>8} {'prover':>8} {'CLI':>8}  status")
    page_ms, cli_ms = [], []
    for name, text in problems:
        page.fill("#name", name)
        page.fill("#text", text)
        page.fill("#timeout", str(int(timeout)))
        r = page.evaluate(_PROVE)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "prover", "prove", set_name, name, "--timeout", str(timeout)],
                       cwd=REPO, capture_output=True, check=False)
        cli = 1000 * (time.perf_counter() - t0)
        page_ms.append(r["ms"])
        cli_ms.append(cli)
        print(f"{name[:34]:34} {r['ms']:7.0f}ms {1000 * (r['seconds'] or 0):7.0f}ms {cli:7.0f}ms  {r['status']}")
    print(f"proof latency, {len(problems)} problems: median {_med(page_ms)} in the page (click to proof shown) "
          f"against {_med(cli_ms)} for the command line (a new process each)")


def screenshots(page, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    problems = {s: dict(_problems(s)) for s in {AUX_EXAMPLE[0], LONG_EXAMPLE[0], "examples"}}
    text = problems["examples"]["orthocenter"]
    page.fill("#name", "orthocenter")
    page.evaluate(_PREVIEW, [text])  # the figure, greyed out while the text does not parse
    page.evaluate(_PREVIEW, [text.replace("foot e b c a", "fot e b c a")])
    page.screenshot(path=str(out / "web-error.png"))
    page.select_option("#set", LONG_EXAMPLE[0])
    page.fill("#filter", LONG_EXAMPLE[1])
    page.fill("#name", LONG_EXAMPLE[1])
    page.evaluate(_PREVIEW, [problems[LONG_EXAMPLE[0]][LONG_EXAMPLE[1]]])
    page.fill("#timeout", "60")
    page.fill("#jobs", "2")
    page.click("#prove")
    page.wait_for_function("() => Number(document.getElementById('p-tried').textContent) > 30", timeout=60_000)
    page.screenshot(path=str(out / "web-search.png"), full_page=True)
    page.click("#cancel")
    page.wait_for_function("() => document.getElementById('stage').textContent === 'cancelled'")
    page.fill("#name", "a jgex problem (one auxiliary point)")
    page.evaluate(_PREVIEW, [problems[AUX_EXAMPLE[0]][AUX_EXAMPLE[1]]])
    page.click("#prove")
    page.wait_for_selector("#result:not([hidden])", timeout=120_000)
    page.set_viewport_size({"width": 1400, "height": page.evaluate("() => document.body.scrollHeight") + 20})
    page.frame_locator("#proof-frame").locator("li.line[data-uses]").nth(-3).hover()
    page.screenshot(path=str(out / "web-proof.png"))
    print(f"wrote {out}/web-error.png, web-search.png, web-proof.png")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", default="examples", help="bundled problem set (default examples)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N problems")
    ap.add_argument("--repeat", type=int, default=3, help="previews per problem (default 3)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per proof (default 60)")
    ap.add_argument("--no-prove", action="store_true", help="figure previews only")
    ap.add_argument("--screenshots", metavar="DIR", help="also write the docs' screenshots there")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    path = chromium()
    if path is None:
        print("no chromium: apt-get install chromium", file=sys.stderr)
        return 2
    problems = _problems(args.set)[: args.limit]
    server = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(server.url + "/")
            page.wait_for_function("() => window.geoproverApp && window.geoproverApp.ready")
            page.evaluate(_PREVIEW, [problems[0][1]])  # warm: matplotlib's first figure
            measure_previews(page, problems, args.repeat)
            if not args.no_prove:
                page.click("details.settings summary")
                measure_proofs(page, args.set, problems, args.timeout)
            if args.screenshots:
                page.close()
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(server.url + "/")
                page.wait_for_function("() => window.geoproverApp && window.geoproverApp.ready")
                page.click("details.settings summary")
                screenshots(page, Path(args.screenshots))
            browser.close()
    finally:
        stop_server(server)
    return 0


if __name__ == "__main__":
    sys.exit(main())
