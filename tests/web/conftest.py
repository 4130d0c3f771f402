"""The web app under test: ``geoprover serve`` on a free port, and Debian's chromium driven by Playwright.

The server runs as a user starts it (``python -m prover serve --port 0``, its address read
from the line it prints), once for the session (:func:`bench.web_latency.start_server`,
shared with the latency benchmark). The browser is the system chromium (``.ci/run``
installs it; Playwright downloads nothing); the browser tests skip, saying why, where
there is no chromium or no Playwright.
"""
from __future__ import annotations

import pytest

from bench.web_latency import CHROMIUM_ARGS, chromium, start_server, stop_server


@pytest.fixture(scope="session")
def server():
    s = start_server()
    try:
        yield s
    finally:
        stop_server(s)


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")
    path = chromium()
    if path is None:
        pytest.skip("no headless browser: install Debian's chromium (apt-get install chromium; .ci/run does)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def page(browser, server):
    """A fresh tab on the app; the test fails if the page logs an error to its console."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server.url + "/")
    pg.wait_for_function("() => window.geoproverApp && window.geoproverApp.ready")
    yield pg
    context.close()
    assert not errors, errors
