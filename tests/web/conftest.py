"""Fixtures of the viewer tests: `povertydb browse` run as a user runs it, and Debian's chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def povertydb_argv(*args: str) -> list[str]:
    """The installed console script beside this interpreter, as a user would type it."""
    script = Path(sys.executable).parent / "povertydb"
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-c", "from app.cli import cli; cli()", *args]


def database_env(engine) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = engine.url.render_as_string(hide_password=False)
    return env


@contextlib.contextmanager
def running_viewer(engine) -> Iterator[str]:
    """Base URL of `povertydb browse` serving `engine`'s database on a free local port."""
    port = free_port()
    proc = subprocess.Popen(
        povertydb_argv("browse", "--port", str(port)),
        env=database_env(engine),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            pytest.fail(f"povertydb browse exited with {proc.returncode}: {proc.stdout.read()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                break
        except (urllib.error.URLError, ConnectionError, TimeoutError):  # a slow first answer: retry too
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail("povertydb browse did not answer within 60 s")
            time.sleep(0.2)
    try:
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def viewer(loaded_engine) -> Iterator[str]:
    """Base URL of `povertydb browse` serving the module's loaded database on a free local port."""
    with running_viewer(loaded_engine) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright; skipped without it, except under CI, where it fails."""
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
    else:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            reason = "playwright is not installed (pip install -e '.[test]')"
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run under CI: {reason}")
        pytest.skip(f"browser tests need a real browser: {reason}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    tab = context.new_page()
    yield tab
    context.close()
