"""The viewer as an ASGI application: GET and HEAD only, local Host headers only, no scripts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app.web import pages

READ_METHODS = {"GET", "HEAD"}
# No script runs on any page; styles and images come from the viewer itself.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]


class ReadOnlyHttp:
    """Answers 405 to every method but GET and HEAD, on every path, before any route runs."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in READ_METHODS:
            body = b"405 Method Not Allowed: the viewer is read-only (GET and HEAD only).\n"
            await send(
                {
                    "type": "http.response.start",
                    "status": 405,
                    "headers": [
                        (b"allow", b"GET, HEAD"),
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        *SECURITY_HEADERS,
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(engine: Engine, *, allow_remote: bool = False) -> Starlette:
    """The viewer over `engine`. Unless remote access was asked for, only requests whose Host is
    this machine are served, which also stops DNS-rebinding pages from reading the database."""
    routes = [
        Route("/", pages.reports_page, methods=["GET"], name="reports"),
        Route("/reports/{slug}", pages.article_page, methods=["GET"], name="article"),
        Route("/evidence/{figure_id:path}", pages.evidence_redirect, methods=["GET"], name="evidence"),
        Route("/figures", pages.figures_page, methods=["GET"], name="figures"),
        Route("/conflicts", pages.conflicts_page, methods=["GET"], name="conflicts"),
        Route("/series", pages.series_page, methods=["GET"], name="series"),
        Mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static"),
    ]
    hosts = ["*"] if allow_remote else ["127.0.0.1", "localhost", "[::1]", "::1"]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(ReadOnlyHttp), Middleware(TrustedHostMiddleware, allowed_hosts=hosts)],
        exception_handlers={HTTPException: pages.http_error},
    )
    app.state.engine = engine
    return app
