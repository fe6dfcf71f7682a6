"""Run by tests/test_privacy_network.py: real nextword work under a network audit hook.

    python tests/network_audit_child.py REPORT.json STEP [STEP ...]

Before nextword is imported, ``sys.addaudithook`` installs a hook that records every network
event of CPython (socket connect/bind/sendto/sendmsg, DNS look-ups, http.client, urllib, ftplib,
smtplib, ... and webbrowser) whose address is not local (a unix socket or loopback), and
refuses it with ``OSError`` so that nothing is actually sent. Each STEP (see ``STEPS``) then
runs; the report maps each step to ``{"events": [...], "error": str | None}``.

What the hook cannot see: a C or Rust library opening sockets itself, without Python's socket
module. The steps below are the Python-level surface a user drives.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import socket
import sys
from collections.abc import Callable
from pathlib import Path

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
SOCKET_EVENTS = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"}
HOST_EVENTS = {"socket.getaddrinfo": 0, "socket.gethostbyname": 0, "socket.gethostbyname_ex": 0,
               "socket.gethostbyaddr": 0, "http.client.connect": 1, "ftplib.connect": 1,
               "smtplib.connect": 1, "poplib.connect": 1, "imaplib.open": 1, "nntplib.connect": 1,
               "telnetlib.Telnet.open": 1}
URL_EVENTS = {"urllib.Request": 0, "webbrowser.open": 0}

events: dict[str, list[str]] = {}
current = ["(start)"]


class NetworkRefused(OSError):
    """Raised by the hook instead of letting a non-local network operation happen."""


def is_local_host(host: object) -> bool:
    """True for a loopback address or name (``None`` and ``""`` mean "any", which is not local)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str) or not host:
        return False
    host = host.strip("[]").split("%")[0].lower()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_local_socket_address(sock: object, address: object) -> bool:
    """A unix-socket address (or a netlink one: the kernel, not the network), or loopback."""
    family = getattr(sock, "family", None)
    if family in (socket.AF_UNIX, getattr(socket, "AF_NETLINK", None)):
        return True
    if isinstance(address, str | bytes):  # a path: a unix socket
        return True
    return isinstance(address, tuple) and bool(address) and is_local_host(address[0])


def is_local_url(url: object) -> bool:
    """``file:`` and ``data:`` URLs, or an http(s) URL on a loopback host."""
    from urllib.parse import urlsplit

    text = getattr(url, "full_url", url)
    if not isinstance(text, str):
        return False
    parts = urlsplit(text)
    return parts.scheme in ("file", "data") or is_local_host(parts.hostname)


def audit(event: str, args: tuple) -> None:
    """The audit hook: record and refuse non-local network events."""
    if event in SOCKET_EVENTS:
        local = is_local_socket_address(args[0], args[1] if len(args) > 1 else None)
        shown = args[1] if len(args) > 1 else None
    elif event in HOST_EVENTS:
        shown = args[HOST_EVENTS[event]]
        local = is_local_host(shown)
    elif event in URL_EVENTS:
        shown = getattr(args[0], "full_url", args[0])
        local = is_local_url(args[0])
    else:
        return
    if not local:
        events.setdefault(current[0], []).append(f"{event} {shown!r}")
        raise NetworkRefused(f"network access refused by the audit hook: {event} {shown!r}")


sys.addaudithook(audit)


# ---- the steps --------------------------------------------------------------------------------

def _raw_connect(address: tuple[str, int]) -> None:
    with socket.socket() as s:
        s.settimeout(0.05)
        s.connect(address)


def _udp_send(address: tuple[str, int]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"x", address)


def step_control_remote(work: Path) -> None:
    """Try the network five ways (192.0.2.1 is TEST-NET-1, never routed); each must be recorded
    and none may get through."""
    import urllib.request

    for attempt in (lambda: socket.create_connection(("192.0.2.1", 9), timeout=0.05),
                    lambda: _raw_connect(("192.0.2.1", 9)),
                    lambda: _udp_send(("192.0.2.1", 9)),
                    lambda: socket.getaddrinfo("example.com", 80),
                    lambda: urllib.request.urlopen("http://example.com/", timeout=0.05)):
        with contextlib.suppress(OSError):  # refused by the hook (or unreachable)
            attempt()


def step_control_local(work: Path) -> None:
    """Local traffic that must not be recorded: a socket pair, a unix socket, loopback TCP."""
    a, b = socket.socketpair()
    a.sendall(b"x")
    assert b.recv(1) == b"x"
    a.close(), b.close()
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(work / "s.sock"))
    server.listen()
    client = socket.socket(socket.AF_UNIX)
    client.connect(str(work / "s.sock"))
    client.close(), server.close()
    with socket.socket() as tcp:
        tcp.bind(("127.0.0.1", 0))
        tcp.listen()
        socket.create_connection(tcp.getsockname(), timeout=1).close()


def step_model(work: Path) -> None:
    """The bundled model: load, suggest (next word, completion), correct, autocorrect."""
    import nextword

    model = nextword.load()
    assert model.suggest("I'll meet you at the ", 3)
    assert model.suggest("Good mor", 3)
    assert model.correct("teh", "I saw ", 3)[0].word == "the"
    assert model.autocorrect("I saw teh cat.") == "I saw the cat."


def step_train(work: Path) -> None:
    """A tiny training run on a small corpus, then the trained model loads and suggests."""
    import nextword
    from tests.conftest import TINY_OPTIONS, tiny_text

    corpus = work / "corpus"
    corpus.mkdir()
    (corpus / "notes.txt").write_text(tiny_text(20_000), "utf-8")
    out = nextword.train(corpus, work / "model", **dict(TINY_OPTIONS, epochs=1))
    assert nextword.load(out).suggest("the ", 3)


def step_forecast(work: Path) -> None:
    """``nextword forecast`` on a small monthly CSV, writing a forecast CSV and a PNG."""
    import math

    from nextword.cli import main

    rows = ["month,sales"] + [f"{2015 + i // 12}-{i % 12 + 1:02d}-01,"
                              f"{100 + i + 20 * math.sin(i * math.pi / 6):.2f}" for i in range(60)]
    (work / "sales.csv").write_text("\n".join(rows) + "\n")
    code = main(["forecast", str(work / "sales.csv"), "--horizon", "3", "--backtest", "1",
                 "--ensemble", "1", "--no-chart", "--out", str(work / "fc.csv"),
                 "--plot", str(work / "fc.png")])
    assert code == 0 and (work / "fc.csv").exists() and (work / "fc.png").exists()


def step_cli_suggest(work: Path) -> None:
    """``nextword suggest`` and ``nextword correct`` through the command-line entry point."""
    from nextword.cli import main

    assert main(["suggest", "I'll meet you at the "]) == 0
    assert main(["correct", "teh", "--context", "I saw "]) == 0


def step_editor(work: Path) -> None:
    """The Textual editor, headless: type with suggestions and autocorrect, accept, save."""
    import asyncio

    import nextword
    from nextword.app import make_app

    doc = work / "doc.txt"
    doc.write_text("Dear Sir,\n")
    app = make_app(doc, model=nextword.load(), data_directory=work / "userdata",
                   autosave_seconds=3600)

    async def drive() -> None:
        async with app.run_test() as pilot:
            app.editor.move_cursor((1, 0))
            await pilot.press(*["space" if ch == " " else ch for ch in "I saw teh cat at the"])
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("tab", "ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()

    asyncio.run(drive())
    assert doc.read_text().startswith("Dear Sir,\nI saw the cat at the")


STEPS: dict[str, Callable[[Path], None]] = {
    "control-remote": step_control_remote, "control-local": step_control_local,
    "model": step_model, "train": step_train, "forecast": step_forecast,
    "cli": step_cli_suggest, "editor": step_editor,
}


def main(report: Path, names: list[str]) -> None:
    """Run each named step in its own folder and write what the hook recorded."""
    import tempfile
    import traceback

    result = {}
    with tempfile.TemporaryDirectory(prefix="nextword-net-") as tmp:
        for name in names:
            current[0] = name
            work = Path(tmp) / name
            work.mkdir()
            error = None
            try:
                STEPS[name](work)
            except BaseException:  # noqa: BLE001 - reported to the test, which shows it
                error = traceback.format_exc(limit=-3)
            result[name] = {"events": events.get(name, []), "error": error}
    result["(start)"] = {"events": events.get("(start)", []), "error": None}
    report.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
