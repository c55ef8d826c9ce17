"""Run the viewer with uvicorn on a socket bound here, so a busy port is a message, not a log line."""

from __future__ import annotations

import socket
from collections.abc import Callable

import uvicorn
from sqlalchemy import Engine

from app.web.access import AccessError, ensure_reader_group, is_local
from app.web.app import create_app

__all__ = ["AccessError", "is_local", "run_viewer"]


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; OSError names the address when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    return sock


def run_viewer(
    engine: Engine, host: str, port: int, *, allow_remote: bool, echo: Callable[[str], None] = print
) -> None:
    """Serve the viewer over `engine` until interrupted (Ctrl+C)."""
    ensure_reader_group(engine)
    sock = bind(host, port)
    shown = f"[{host}]" if ":" in host else host
    echo(f"povertydb viewer at http://{shown}:{port}/ (read-only; Ctrl+C stops it)")
    if not is_local(host):
        echo("Warning: listening beyond this machine; anyone who can reach the port can read the data.")
    config = uvicorn.Config(
        create_app(engine, allow_remote=allow_remote), log_level="warning", access_log=False, lifespan="off"
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
