"""One error shape for every failure, in the API and on the pages.

`{"error": {"status": 404, "code": "not_found", "message": "...", "details": [...]}}`
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from marsad.brief.html import environment

log = logging.getLogger(__name__)

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
          413: "too_large", 415: "unsupported_type", 422: "invalid_request", 500: "internal_error"}


# Starlette's terse messages, said with what to do.
_MESSAGES = {
    (404, "Not Found"): "nothing at {path}; the API is described at /docs",
    (405, "Method Not Allowed"): "{path} does not take this method; the `Allow` header lists the ones it takes",
    (413, "Content Too Large"): "the request body is over the limit for {path}; send fewer or smaller files "
                                "(GET /api/ingest lists the limits)",
}


class ErrorDetail(BaseModel):
    """What went wrong: HTTP status, a stable code, a message that says what to do."""

    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


class ApiError(Exception):
    """An error to report to the client with the one error shape."""

    def __init__(self, status: int, message: str, code: str | None = None,
                 details: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or _CODES.get(status, "error")
        self.message = message
        self.details = details or []
        self.headers = headers or {}  # e.g. `Allow` on a 405


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": code.replace("_", " ")}
    for status, code in _CODES.items() if status in (400, 404, 413, 415, 422)
}


def error_response(request: Request, error: ApiError) -> Response:
    """JSON under /api (and for clients asking for JSON only), an HTML page elsewhere (whatever else the
    client accepts: a browser following a link to a missing story gets a page, not raw JSON)."""
    body = ErrorBody(error=ErrorDetail(status=error.status, code=error.code, message=error.message,
                                       details=error.details))
    accept = request.headers.get("accept", "")
    wants_json = request.url.path.startswith(("/api", "/openapi.json")) or (
        "json" in accept and "text/html" not in accept)
    if not wants_json:
        html = environment("marsad.web").get_template("error.html").render(error=body.error, token_required=False)
        return HTMLResponse(html, status_code=error.status, headers=error.headers)
    return JSONResponse(body.model_dump(), status_code=error.status, headers=error.headers)


def install(app: FastAPI) -> None:
    """Route every failure through `error_response`."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        return error_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else _CODES.get(exc.status_code, "error")
        message = _MESSAGES.get((exc.status_code, message), message).format(path=request.url.path)
        return error_response(request, ApiError(exc.status_code, message, headers=dict(exc.headers or {})))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg", ""))}
                   for e in exc.errors()]
        return error_response(request, ApiError(422, "the request's parameters are not valid", details=details))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s", request.url.path)
        return error_response(request, ApiError(500, f"internal error ({type(exc).__name__}); see the server log"))
