"""``geoprover serve``: a local web page to write a problem, see its figure, prove it and read the proof.

The page (``static/``: one HTML file, a script and a style sheet, no library and no
network) talks to a small Starlette app (:mod:`prover.web.app`) served by uvicorn:

- as you type, :mod:`prover.web.preview` parses the problem and draws its figure, or
  places the parser's error (with its "did you mean") on the token at fault;
- **Prove** runs :mod:`prover.web.jobs`: DD+AR then the search, in a process of its own
  whose progress comes back as server-sent events, and that **Cancel** kills with its
  search workers;
- the proof is the HTML export's page (steps and figure linked), with the text,
  Markdown, HTML and JSON documents to download, and the page's address holds the
  problem, so a link reopens it.

The server binds to 127.0.0.1 unless told otherwise. Starlette and uvicorn are the
``web`` extra (``pip install 'geoprover[web]'``); :func:`serve` says so in one line
when they are missing.
"""
from __future__ import annotations

__all__ = ["WebUnavailable", "serve"]


class WebUnavailable(Exception):
    """The web app's libraries are not installed (one line saying how to install them)."""


def serve(host: str = "127.0.0.1", port: int = 8000, *, announce=print, **limits) -> None:
    """Serve the app until interrupted; ``announce`` gets the line with the address (``port=0``:
    a free port, which the line names).

    ``limits`` override fields of :class:`prover.web.jobs.Limits` (e.g. ``timeout=600``).
    Raises :class:`WebUnavailable` without the ``web`` extra, :class:`OSError` when the
    address cannot be bound.
    """
    try:
        import uvicorn

        from .app import create_app
    except ImportError as e:
        raise WebUnavailable(f"the web app needs {e.name or 'starlette and uvicorn'}: "
                             "pip install 'geoprover[web]' (or -e '.[web]' in a checkout)") from None
    import socket

    from .jobs import Limits

    loopback = host in ("127.0.0.1", "localhost")
    app = create_app(Limits(**limits), hosts=("127.0.0.1", "localhost") if loopback else None)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)  # connections wait in the backlog while the app starts
    except OSError:
        sock.close()
        raise
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    config = uvicorn.Config(app, log_level="warning", access_log=False, timeout_graceful_shutdown=2)
    try:
        announce(f"geoprover serve: http://{shown}:{bound}/  (Ctrl+C stops)")
        uvicorn.Server(config).run(sockets=[sock])  # until Ctrl+C (or SIGTERM)
    except KeyboardInterrupt:  # Ctrl+C before uvicorn took over the signal
        pass
    finally:
        sock.close()
