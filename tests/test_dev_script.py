"""`make test` provisions the browser itself: scripts/dev.py installs Debian's chromium when it is
missing and it may, and otherwise stops with the one command to run."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def dev(monkeypatch):
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "scripts" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.delenv("CHROMIUM_PATH", raising=False)
    return module


def test_found_chromium_is_used(dev, monkeypatch):
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/opt/x/chromium" if name == "chromium" else None)
    assert dev.ensure_chromium() == "/opt/x/chromium"


def test_not_root_names_the_install_command(dev, monkeypatch):
    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None)
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(dev.subprocess, "run", lambda *a, **k: pytest.fail("must not run apt-get"))
    with pytest.raises(SystemExit) as exc:
        dev.ensure_chromium()
    assert "sudo apt-get update && sudo apt-get install -y chromium" in str(exc.value)


def test_root_installs_and_retries_after_update(dev, monkeypatch):
    installed = {"chromium": False}
    calls = []

    def which(name):
        if name == "apt-get":
            return "/usr/bin/apt-get"
        if name == "chromium" and installed["chromium"]:
            return "/usr/bin/chromium"
        return None

    def run(cmd, **kwargs):
        calls.append(cmd[1])
        if cmd[1] == "install" and "update" in calls:
            installed["chromium"] = True
            return subprocess.CompletedProcess(cmd, 0)
        return subprocess.CompletedProcess(cmd, 100 if cmd[1] == "install" else 0)

    monkeypatch.setattr(dev.shutil, "which", which)
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    monkeypatch.setattr(dev.subprocess, "run", run)
    assert dev.ensure_chromium() == "/usr/bin/chromium"
    assert calls == ["install", "update", "install"]


def test_no_apt_fails_with_the_command(dev, monkeypatch):
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit) as exc:
        dev.ensure_chromium()
    assert "apt-get install -y chromium" in str(exc.value)


def test_cjk_font_present_installs_nothing(dev, monkeypatch):
    calls = []
    monkeypatch.setattr(dev, "has_cjk_font", lambda: True)
    monkeypatch.setattr(dev.subprocess, "run", lambda *a, **k: calls.append(a))
    assert dev.ensure_cjk_font() is True
    assert calls == []


def test_cjk_font_missing_without_root_names_the_package(dev, monkeypatch, capsys):
    monkeypatch.setattr(dev, "has_cjk_font", lambda: False)
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    assert dev.ensure_cjk_font() is False
    assert dev.CJK_FONT_PACKAGE in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "workers", "cpus", "expected"),
    [
        ([], "2", 2, ["-n", "2"]),
        ([], "2", 1, []),
        ([], "4", 2, ["-n", "2"]),
        ([], "1", 8, []),
        (["tests/cadres"], "2", 2, ["-n", "2"]),
        (["-n", "3"], "2", 2, []),
        (["-n3"], "2", 2, []),
        (["-p", "no:xdist"], "2", 2, []),
        (["tests/test_auth.py::test_login"], "2", 2, []),
    ],
)
def test_the_suite_runs_on_one_worker_per_core_unless_told(dev, monkeypatch, argv, workers, cpus, expected):
    monkeypatch.setenv("CS_TEST_WORKERS", workers)
    monkeypatch.setattr(dev.os, "cpu_count", lambda: cpus)
    assert dev.test_workers(argv) == expected
