"""The HTML proof page in a real headless browser (Debian's ``chromium``).

The page must load without console messages, draw its figure, and answer a click
on a proof line by drawing that line's points over the figure and marking the
lines it cites. A probe script, appended to a copy of the page, reads the result
back into the DOM, which ``--dump-dom`` prints. A screenshot is left beside the
page in the test's temporary folder, for a person to look at.

Skipped, with the reason, where no chromium is installed (``.ci/run`` installs it).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from geometry.problem import read_problems
from prover.export import render
from prover.prove import prove_ddar

EXAMPLES = Path(__file__).resolve().parents[2] / "prover" / "examples" / "examples.txt"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")

PROBE = """<script>
(function () {
  var r = {ready: !!window.geoproverReady, figures: []};
  document.querySelectorAll("svg.gp-svg").forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    r.figures.push({width: box.width, height: box.height, paths: svg.querySelectorAll("path").length,
                    labels: svg.querySelectorAll("text, use").length});
  });
  var section = document.querySelector("section.problem:last-of-type");
  var lines = section.querySelectorAll("li.line[data-uses]");
  var line = lines[lines.length - 1];
  line.dispatchEvent(new MouseEvent("click", {bubbles: true}));
  r.clicked = line.getAttribute("data-hl");
  r.cites = (line.getAttribute("data-uses") || "").split(" ").length;
  r.overlay = section.querySelector(".gp-overlay").childNodes.length;
  r.marked = section.querySelectorAll("li.cited").length;
  var pre = document.createElement("pre");
  pre.id = "gp-probe";
  pre.textContent = JSON.stringify(r);
  document.body.appendChild(pre);
})();
</script>
</body>"""


def _browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no headless browser: install Debian's chromium (apt-get install chromium; .ci/run does)")


def _run(browser: str, args: list[str], tmp: Path) -> subprocess.CompletedProcess:
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={tmp / 'profile'}", "--enable-logging=stderr", "--v=0", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    problems = {p.name: p for p in read_problems(EXAMPLES)}
    outs = [prove_ddar(problems[n], seed=0, timeout=30) for n in ("orthocenter", "hypotenuse_midpoint")]
    path = tmp_path_factory.mktemp("html") / "proof.html"
    path.write_text(render(outs, "html"), encoding="utf-8")
    return path


def test_the_page_loads_draws_and_highlights(page: Path) -> None:
    browser = _browser()
    probed = page.with_name("probed.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE, 1), encoding="utf-8")
    run = _run(browser, ["--dump-dom", probed.as_uri()], page.parent)
    m = re.search(r'<pre id="gp-probe">(.*?)</pre>', run.stdout)
    assert m, f"the probe did not run; browser said: {run.stderr[-2000:]}"
    r = json.loads(m.group(1).replace("&quot;", '"'))
    assert r["ready"], "the page's script did not finish"
    assert len(r["figures"]) == 2
    for fig in r["figures"]:
        assert fig["width"] > 200 and fig["height"] > 200 and fig["paths"] > 10 and fig["labels"] > 3
    # the goal's line cites its lines: its points are drawn and the cited lines marked
    assert r["overlay"] > 0 and r["marked"] == r["cites"] > 0
    console = [ln for ln in run.stderr.splitlines() if "CONSOLE" in ln]
    assert not console, console


def test_the_page_renders_a_screenshot(page: Path) -> None:
    browser = _browser()
    shot = page.with_name("proof.png")
    run = _run(browser, ["--hide-scrollbars", "--window-size=1400,1000", f"--screenshot={shot}", page.as_uri()],
               page.parent)
    assert shot.exists() and shot.stat().st_size > 20_000, run.stderr[-2000:]
    assert not [ln for ln in run.stderr.splitlines() if "CONSOLE" in ln]


LONG_NAME = "a very long problem name that goes on and on imo_sl_2020_g7b_constr"


def _drawn_text(svg: str) -> list[str]:
    """The strings a matplotlib SVG draws (it writes each one as a comment before its glyphs)."""
    return [t.strip() for t in re.findall(r"<!-- (.*?) -->", svg)]


def test_the_page_names_its_problem_once_and_the_figure_does_not_repeat_it(tmp_path: Path) -> None:
    """The section's heading names the problem; its figure has no title to wrap over the
    drawing (a screen reader gets the name from its label), while a figure of its own
    (``geoprover draw``, ``prove --figure``) keeps it."""
    from prover.export import write_figure

    problems = {p.name: p for p in read_problems(EXAMPLES)}
    problem = problems["orthocenter"]
    out = prove_ddar(type(problem)(LONG_NAME, problem.clauses, problem.aux, problem.goals), seed=0, timeout=30)
    page = render([out], "html")
    (svg,) = re.findall(r"<svg .*?</svg>", page, re.DOTALL)
    drawn = " ".join(_drawn_text(svg))
    assert "Prove that CH ⊥ AB." in drawn  # the goal still says what the red marks are
    assert "very long" not in drawn and "imo_sl_2020_g7b_constr" not in drawn, drawn
    assert f'aria-label="Figure of {LONG_NAME}"' in svg
    assert re.findall(r"<h2>(.*?)</h2>", page) == [LONG_NAME]
    body = re.sub(r"<[^>]+>", " ", page[page.index("<main>"):])  # what the page shows, tags aside
    assert body.count(LONG_NAME) == 1

    path = tmp_path / "figure.svg"
    write_figure(out.diagram, path, out.proof.goal)
    own = " ".join(_drawn_text(path.read_text(encoding="utf-8")))
    assert "imo_sl_2020_g7b_constr" in own and "Prove that CH ⊥ AB." in own
