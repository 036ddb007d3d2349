"""The FastAPI application: API routes, pages, static files, one error shape, and the guards
(`Host` allow-list, token when bound beyond localhost, same-origin posts, request size, content
security policy on every answer)."""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from marsad.web import api, errors, pages
from marsad.web.errors import ApiError, error_response
from marsad.web.hosts import LOCAL_HOSTS, host_name
from marsad.web.state import State
from marsad.web.uploads import MAX_REQUEST_BYTES

log = logging.getLogger(__name__)

TOKEN_COOKIE = "marsad_token"
# No script runs on the pages; styles and images come from the server only.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
Next = Callable[[Request], Awaitable[Response]]


def create_app(db_path: str | Path, token: str | None = None, upload_dir: Path | None = None,
               hosts: Iterable[str] = LOCAL_HOSTS) -> FastAPI:
    """The web application over the store at `db_path`; every request needs `token` when one is given,
    and must name one of `hosts` (see `marsad.web.hosts`) in its `Host` header."""
    state = (State(str(db_path), token, hosts=frozenset(hosts)) if upload_dir is None
             else State(str(db_path), token, upload_dir, frozenset(hosts)))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(title="marsad", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Stories, briefs, claims, entities and articles of a marsad store. "
                              "Every failure answers {\"error\": {status, code, message, details}}.")
    app.state.marsad = state
    errors.install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    static = resources.files("marsad.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.middleware("http")(_guard)
    return app


async def _guard(request: Request, call_next: Next) -> Response:
    """Refuse what may not go on; every answer, refusals and failures included, gets the security headers."""
    state: State = request.app.state.marsad
    refusal = _refusal(request, state)
    query_token = request.query_params.get("token")
    response: Response
    if refusal is not None:
        response = error_response(request, refusal)
    elif state.token and query_token and request.method == "GET":
        response = RedirectResponse(str(request.url.remove_query_params("token")), status_code=303)
        response.set_cookie(TOKEN_COOKIE, query_token, httponly=True, samesite="strict")
    else:
        try:
            response = await call_next(request)
        except Exception:  # what escaped the exception handlers still answers in the error shape
            log.exception("internal error on %s", request.url.path)
            response = error_response(request, ApiError(500, "internal error; see the server log"))
    response.headers.update(SECURITY_HEADERS)
    return response


def _refusal(request: Request, state: State) -> ApiError | None:
    """Why the request may not go on: a host this server does not answer to, no token, a post from
    another site, or too large a body (when its length is announced; streamed bodies are cut at the limit)."""
    host = host_name(request.headers.get("host", ""))
    if host not in state.hosts:
        return ApiError(403, f"this server does not answer to the host name {host!r}; if it is yours, start "
                             f"`marsad serve` with --allow-host {host or 'NAME'}", code="unknown_host")
    if state.token and not _has_token(request, state.token):
        return ApiError(401, "this server requires its token: send `Authorization: Bearer TOKEN`, "
                             "or open any page once with ?token=TOKEN")
    if request.method == "POST":
        origin = request.headers.get("origin")
        if origin and origin.split("://", 1)[-1] != request.headers.get("host"):
            return ApiError(403, "posts from another site are refused")
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            return ApiError(413, f"the request is over {MAX_REQUEST_BYTES} bytes; send fewer files at once")
    return None


def _has_token(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    offered = [header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else "",
               request.cookies.get(TOKEN_COOKIE, ""), request.query_params.get("token", "")]
    return any(o and hmac.compare_digest(o.encode(), token.encode()) for o in offered)
