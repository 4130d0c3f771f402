"""The web app's HTTP side (Starlette): one page, its static files, and a small JSON API.

    GET  /                          the page (prover/web/static/index.html)
    GET  /static/{file}             its script and style (that folder only)
    GET  /api/examples              the bundled problem sets: {sets: [{name, problems: [{name, text}]}]}
    POST /api/figure                {text, name?, seed?} -> the figure, or the error placed in the text
    POST /api/prove                 {text, name?, seed?, timeout?, search?, proposer?, ...} -> {job}
    GET  /api/jobs/{id}/events      server-sent events: stage, progress, tick, then done | failed | cancelled
    POST /api/jobs/{id}/cancel      kill the proof's processes
    GET  /api/jobs/{id}/proof.{ext} the proof as html, txt, md or json (?download=1: as a file)

Nothing else is served: no path from a request reaches the file system (problem sets are
chosen by name from :data:`prover.problem_sets.SETS`). Request bodies are capped, each
option of a Prove is checked against :class:`Limits`, and every error is a JSON
``{"error": "one line"}``; a bug's traceback goes to the server's console, not the page.
"""
from __future__ import annotations

import asyncio
import json
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib import resources
from collections.abc import Sequence
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from geometry.problem import split_problem_text
from prover import __version__, problem_sets

from .jobs import Busy, Jobs, Limits, ProveRequest, RequestError
from .preview import preview

STATIC = Path(str(resources.files("prover.web").joinpath("static")))

#: The page may load only what this server serves; the proof frame runs the export's own inline script.
_PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
             "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
             "frame-ancestors 'none'")
_PROOF_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
              "base-uri 'none'; form-action 'none'; frame-ancestors 'self'")
_SECURITY = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}

#: Export format -> (file extension, media type).
_DOCUMENTS = {
    "html": ("html", "text/html; charset=utf-8"),
    "text": ("txt", "text/plain; charset=utf-8"),
    "markdown": ("md", "text/markdown; charset=utf-8"),
    "json": ("json", "application/json"),
}
_BY_EXT = {ext: fmt for fmt, (ext, _) in _DOCUMENTS.items()}


def create_app(limits: Limits = Limits(), *, warm: bool = True, hosts: Sequence[str] | None = None) -> Starlette:
    """The app; ``warm`` starts the fork server of the proofs at startup (it imports the prover).

    ``hosts``: the only ``Host`` headers answered (a server on 127.0.0.1 answers to
    ``127.0.0.1`` and ``localhost``, so that a site that points its own name at 127.0.0.1
    (DNS rebinding) is refused); None answers any."""
    jobs = Jobs(limits)
    figures = ThreadPoolExecutor(max_workers=1, thread_name_prefix="geoprover-figure")  # matplotlib, one at a time

    @asynccontextmanager
    async def lifespan(app: Starlette):
        if warm:
            await asyncio.get_running_loop().run_in_executor(None, jobs.warm)
        try:
            yield
        finally:
            jobs.close()
            figures.shutdown(wait=False, cancel_futures=True)

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": _PAGE_CSP, **_SECURITY,
                                                            "Cache-Control": "no-cache"})

    async def examples(request: Request) -> Response:
        sets = []
        for name in ("examples", "jgex", "olympiad_dev"):
            pairs = split_problem_text(problem_sets.set_path(name).read_text(encoding="utf-8"), name)
            sets.append({"name": name, "problems": [{"name": n, "text": t} for n, t in pairs]})
        return _json({"sets": sets, "version": __version__, "limits": _limits_json(limits)})

    async def figure(request: Request) -> Response:
        data = await _body(request, limits)
        text, name, seed = data.get("text"), data.get("name") or "problem", data.get("seed", 0)
        if not isinstance(text, str) or not isinstance(name, str) or not isinstance(seed, int) or isinstance(seed, bool):
            raise RequestError("expected {text: string, name: string, seed: integer}")
        if len(text) > limits.text or len(name) > limits.name:
            raise RequestError(f"text: a problem has at most {limits.text} characters here")
        if not 0 <= seed < 2**32:
            raise RequestError("seed: from 0 to 2^32 - 1")
        if not text.strip():
            return _json({"ok": False, "svg": "", "note": "", "error": None})
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(figures, preview, name, text, seed)
        return _json(result.as_json())

    async def start(request: Request) -> Response:
        req = ProveRequest.from_json(await _body(request, limits), limits)
        job = jobs.start(req)
        return _json({"job": job.id})

    def _job(request: Request):
        job = jobs.get(request.path_params["job"])
        if job is None:
            raise HTTPException(404, "no such proof (it was cancelled, or is too old)")
        return job

    async def events(request: Request) -> Response:
        job = _job(request)
        return StreamingResponse(_stream(request, job), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no", **_SECURITY})

    async def cancel(request: Request) -> Response:
        job = _job(request)
        job.pump()
        job.kill()
        return _json({"state": job.state})

    async def document(request: Request) -> Response:
        job = _job(request)
        fmt = _BY_EXT.get(request.path_params["ext"])
        if fmt is None:
            raise HTTPException(404, "formats: proof.html, proof.txt, proof.md, proof.json")
        job.pump()
        if fmt not in job.documents:
            raise HTTPException(409, "the proof is not finished")
        ext, media = _DOCUMENTS[fmt]
        headers = {**_SECURITY, "Content-Security-Policy": _PROOF_CSP}
        if request.query_params.get("download"):
            headers["Content-Disposition"] = f'attachment; filename="{_file_name(job.request.name)}.{ext}"'
        return Response(job.documents[fmt], media_type=media, headers=headers)

    _static = StaticFiles(directory=STATIC)

    routes = [
        Route("/", index),
        Route("/api/examples", examples),
        Route("/api/figure", figure, methods=["POST"]),
        Route("/api/prove", start, methods=["POST"]),
        Route("/api/jobs/{job}/events", events),
        Route("/api/jobs/{job}/cancel", cancel, methods=["POST"]),
        Route("/api/jobs/{job}/proof.{ext}", document),
        Mount("/static", app=_static, name="static"),
    ]
    handlers = {RequestError: _refused, HTTPException: _http_error, Exception: _bug}
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=list(hosts))] if hosts else []
    return Starlette(routes=routes, lifespan=lifespan, exception_handlers=handlers, middleware=middleware)


async def _stream(request: Request, job):
    """The job's events as server-sent events: each stage, the progress at most ten times a
    second, a ``tick`` (elapsed seconds) twice a second, and the end. A client that goes
    away (the tab closed) cancels a proof still running."""
    sent, seq, ticked = 0, -1, 0.0
    try:
        while True:
            job.pump()
            while sent < len(job.events):
                kind, data = job.events[sent]
                sent += 1
                if kind == "done":
                    data = data | {"links": {fmt: f"/api/jobs/{job.id}/proof.{ext}"
                                             for fmt, (ext, _) in _DOCUMENTS.items()}}
                yield _sse(kind, data | {"elapsed": round(job.elapsed, 2)})
            if job.state != "running":
                return
            if job.progress_seq != seq and job.progress is not None:
                seq = job.progress_seq
                yield _sse("progress", job.progress)
            if job.elapsed - ticked >= 0.5:
                ticked = job.elapsed
                yield _sse("tick", {"elapsed": round(ticked, 1)})
            await asyncio.sleep(0.05)
    finally:  # the stream ended before the proof did: the client went away
        if job.state == "running":
            job.kill()


def _sse(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def _body(request: Request, limits: Limits) -> dict:
    """The request's JSON object, refused past ``limits.body`` bytes (read no further).

    Only JSON sent from the page itself is read: a JSON content type (which another site's
    page cannot send here without a CORS preflight, which this server never grants) and no
    foreign ``Origin``; so another site open in the browser cannot start proofs."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise RequestError("send the request as JSON (Content-Type: application/json)")
    origin = request.headers.get("origin")
    if origin is not None and origin.split("://", 1)[-1] != request.headers.get("host"):
        raise RequestError(f"requests from {origin} are not served here")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limits.body):
        raise RequestError(f"the request is over {limits.body} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.body:
            raise RequestError(f"the request is over {limits.body} bytes")
        chunks.append(chunk)
    try:
        data = json.loads(b"".join(chunks) or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RequestError("the request is not JSON") from None
    if not isinstance(data, dict):
        raise RequestError("the request is not a JSON object")
    return data


def _json(data, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={**_SECURITY, "Cache-Control": "no-store"})


def _limits_json(limits: Limits) -> dict:
    return {"timeout": limits.timeout, "jobs": limits.jobs, "candidates": limits.candidates,
            "beam_size": limits.beam_size, "depth": limits.depth, "text": limits.text}


def _file_name(name: str) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in name).strip("._")
    return safe[:80] or "proof"


async def _refused(request: Request, exc: Exception) -> Response:
    return _json({"error": str(exc)}, 429 if isinstance(exc, Busy) else 400)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    detail = exc.detail if exc.status_code != 404 or request.url.path.startswith("/api/") else "not found"
    return _json({"error": detail}, exc.status_code)


async def _bug(request: Request, exc: Exception) -> Response:
    """A bug: the traceback on the server's console, one line on the page."""
    traceback.print_exception(exc, file=sys.stderr)
    return _json({"error": f"internal error: {type(exc).__name__}: {exc}"}, 500)
