"""Nothing goes over the network: real nextword work in a child process under an audit hook.

``tests/network_audit_child.py`` installs ``sys.addaudithook`` before nextword is imported; the
hook records (and refuses) every socket connect/bind/sendto, DNS look-up, http/urllib/... event
whose address is not a unix socket or loopback. The control steps show that the hook does
record remote attempts and does not count local ones, so the other tests can fail.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHILD = ROOT / "tests" / "helpers" / "network_audit_child.py"
STEPS = ["control-remote", "control-local", "model", "train", "forecast", "cli", "editor"]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    """One child process runs every step (one import of torch and nextword for all of them)."""
    tmp = tmp_path_factory.mktemp("network")
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1",
               NEXTWORD_DATA_DIR=str(tmp / "userdata"), COLUMNS="100")
    proc = subprocess.run([sys.executable, str(CHILD), str(tmp / "report.json"), *STEPS],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads((tmp / "report.json").read_text())


def assert_no_network(step: dict) -> None:
    assert step["error"] is None, step["error"]
    assert step["events"] == []


def test_the_hook_records_and_refuses_every_remote_attempt(report):
    step = report["control-remote"]
    assert step["error"] is None, step["error"]
    assert step["events"] == [
        "socket.getaddrinfo '192.0.2.1'",          # create_connection resolves first ...
        "socket.connect ('192.0.2.1', 9)",         # ... a raw connect
        "socket.sendto ('192.0.2.1', 9)",          # a UDP datagram
        "socket.getaddrinfo 'example.com'",        # a DNS look-up
        "urllib.Request 'http://example.com/'",    # an HTTP request
    ]


def test_the_hook_does_not_count_unix_sockets_or_loopback(report):
    assert_no_network(report["control-local"])


def test_loading_the_bundled_model_suggesting_and_correcting_use_no_network(report):
    assert_no_network(report["model"])


def test_training_a_model_uses_no_network(report):
    assert_no_network(report["train"])


def test_forecasting_a_csv_uses_no_network(report):
    assert_no_network(report["forecast"])


def test_the_command_line_suggest_and_correct_use_no_network(report):
    assert_no_network(report["cli"])


def test_the_editor_typing_autocorrecting_and_saving_uses_no_network(report):
    assert_no_network(report["editor"])


def test_nothing_reaches_the_network_before_the_first_step(report):
    assert_no_network(report["(start)"])
