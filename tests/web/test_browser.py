"""The web app in a real browser (Debian's chromium, driven by Playwright), as a person uses it:
type a problem and see its figure, prove it and read the proof, hover a step and see the
figure answer, make a typo and see it marked, cancel a long search and see its processes go.
"""
from __future__ import annotations

import time
import urllib.request

from processes import job_groups, live_in_groups

from geometry.problem import split_problem_text
from prover.problem_sets import set_path

ORTHOCENTER = ("a b c = triangle a b c; d = foot d a b c; e = foot e b c a; "
               "h = on_line h a d, on_line h b e ? perp c h a b")
#: DD+AR leaves it open in a few ms and the heuristic search runs long on it (a timeout at 60 s).
LONG = dict(split_problem_text(set_path("olympiad_dev").read_text(encoding="utf-8")))["imo_sl_2000_g1"]


def _type(page, text: str, name: str = "problem") -> None:
    page.fill("#name", name)
    page.fill("#text", text)
    page.wait_for_function("t => document.getElementById('figure').dataset.text === t", arg=text)


def test_typing_a_problem_draws_its_figure(page) -> None:
    _type(page, ORTHOCENTER, "orthocenter")
    svg = page.locator("#figure svg.gp-svg")
    assert svg.count() == 1
    box = svg.bounding_box()
    assert box is not None and box["width"] > 250 and box["height"] > 250
    assert svg.locator("path").count() > 10  # lines, circles, points and labels drawn
    assert "holds in all 8 figures" in page.text_content("#note")
    assert page.is_hidden("#error")
    # the address holds the problem
    assert "problem=" in page.url and "orthocenter" in page.url


def test_a_typo_is_marked_inline_with_did_you_mean(page) -> None:
    _type(page, "a b c = triangel a b c ? perp a b b c")
    error = page.text_content("#error")
    assert page.is_visible("#error") and "did you mean `triangle`" in error and "clause 1" in error
    assert page.text_content("#highlight mark") == "triangel"
    assert page.get_attribute("#text", "aria-invalid") == "true"
    # spelt right, the goal is false in every figure: that is said, and the goal marked
    _type(page, "a b c = triangle a b c ? perp a b b c")
    assert "not a theorem" in page.text_content("#error")
    assert page.text_content("#highlight mark") == " perp a b b c"
    # a theorem clears the mark
    _type(page, "a b c = triangle a b c; m = midpoint m a b ? cong m a m b")
    assert page.is_hidden("#error") and page.locator("#highlight mark").count() == 0
    assert page.get_attribute("#text", "aria-invalid") is None


def test_prove_shows_the_proof_ending_with_its_conclusion_and_hover_lights_the_figure(page, server) -> None:
    _type(page, ORTHOCENTER, "orthocenter")
    page.click("#prove")
    page.wait_for_selector("#result:not([hidden])", timeout=60_000)
    assert page.text_content("#summary").startswith("Proved by DD+AR")
    frame = page.frame_locator("#proof-frame")
    assert frame.locator("p.qed").text_content().strip() == "This proves that CH ⊥ AB.  ∎"
    assert frame.locator("svg.gp-svg").count() == 1
    overlay = frame.locator(".gp-overlay > *")
    assert overlay.count() == 0
    step = frame.locator("li.line[data-uses]").last
    step.hover()
    assert overlay.count() > 0  # the step's points and lines drawn over the figure
    assert frame.locator("li.line.cited").count() == len(step.get_attribute("data-uses").split())
    # the downloads are the export's documents
    with urllib.request.urlopen(server.url + page.get_attribute("#dl-text", "href")) as r:
        assert "attachment" in r.headers["Content-Disposition"]
        assert r.read().decode().rstrip().endswith("This proves that CH ⊥ AB.  ∎")
    assert page.get_attribute("#dl-json", "href").endswith("proof.json?download=1")


def test_the_link_reopens_the_same_problem(page, browser, server) -> None:
    _type(page, ORTHOCENTER, "orthocenter")
    link = page.get_attribute("#share", "href")
    other = browser.new_page()
    try:
        other.goto(server.url + link)
        other.wait_for_function("t => document.getElementById('figure').dataset.text === t", arg=ORTHOCENTER)
        assert other.input_value("#text") == ORTHOCENTER and other.input_value("#name") == "orthocenter"
        assert other.locator("#figure svg.gp-svg").count() == 1
    finally:
        other.close()


def test_an_example_is_one_click_away(page) -> None:
    page.click("#example-list button[data-name='thales']")
    page.wait_for_function("() => (document.getElementById('figure').dataset.text || '').includes('on_circle')")
    assert page.input_value("#name") == "thales"
    page.select_option("#set", "olympiad_dev")
    assert page.locator("#example-list button").count() == 96


def test_cancel_stops_the_search_and_its_processes_are_gone(page, server) -> None:
    _type(page, LONG, "imo_sl_2000_g1")
    page.click("details.settings summary")
    page.fill("#timeout", "200")
    page.fill("#jobs", "2")
    page.click("#prove")
    # the search is running: candidates have come back from its workers
    page.wait_for_function("() => Number(document.getElementById('p-tried').textContent) > 0", timeout=30_000)
    groups = job_groups(server.pid)
    assert len(groups) == 1, "the proof runs in a process group of its own"
    end = time.monotonic() + 5
    while len(live_in_groups(groups)) < 2 and time.monotonic() < end:
        time.sleep(0.02)
    assert len(live_in_groups(groups)) >= 2, "the proof and its search workers"
    page.click("#cancel")
    page.wait_for_function("() => document.getElementById('stage').textContent === 'cancelled'")
    end = time.monotonic() + 5
    while live_in_groups(groups) and time.monotonic() < end:
        time.sleep(0.05)
    assert not live_in_groups(groups), f"still running after Cancel: {live_in_groups(groups)}"
    assert page.is_enabled("#prove") and page.is_disabled("#cancel")
