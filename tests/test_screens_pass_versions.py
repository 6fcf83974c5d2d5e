"""Every screen passes the version it showed to every write command that takes one.

The commands require ``expected_version`` (tests/test_command_shape.py), so a call without it
fails when it runs; this test finds such a call before anyone clicks: it reads ``pages/`` and
``ui/`` and checks each call of a versioned command — made directly, or handed to a helper
such as ``act(command, …)`` — for an ``expected_version=`` that is not the literal ``None``
(``None`` turns the stale check off: scripts may, screens may not, except where the record
the command would check is absent, written as a conditional expression).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import data_access.commands

ROOT = Path(__file__).resolve().parents[1]
SCREENS = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"])


def _versioned_commands() -> set[str]:
    found = set()
    for info in pkgutil.iter_modules(data_access.commands.__path__):
        module = importlib.import_module(f"data_access.commands.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if (fn.__module__ == module.__name__ and not name.startswith("_")
                    and "expected_version" in inspect.signature(fn).parameters):
                found.add(name)
    return found


VERSIONED = _versioned_commands()


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def calls_without_version(source: str) -> list[tuple[int, str]]:
    """(line, command) of each call of a versioned command in ``source`` that passes no
    version, or passes the literal ``None``."""
    missing = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        command = _name(node.func)
        if command not in VERSIONED:  # handed to a helper: act(mc.close_meeting, …)
            command = next((_name(a) for a in node.args[:1] if _name(a) in VERSIONED), None)
        if command is None:
            continue
        given = {k.arg: k.value for k in node.keywords}
        if None in given:  # **kwargs: cannot be read here
            continue
        value = given.get("expected_version")
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            missing.append((node.lineno, command))
    return missing


def test_the_scan_finds_a_forgotten_version():
    # The scan itself: a call without a version, or with None, is found; one with it is not.
    assert calls_without_version("mc.close_meeting(user, 1)") == [(1, "close_meeting")]
    assert calls_without_version("act(mc.close_meeting, 1, expected_version=None)") == [(1, "close_meeting")]
    assert calls_without_version("act(mc.close_meeting, 1, expected_version=m.version)") == []
    assert {"close_meeting", "acknowledge_referral", "select_item", "save_rule_settings"} <= VERSIONED


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_screen_call_passes_a_version(path):
    missing = calls_without_version(path.read_text(encoding="utf-8"))
    assert not missing, f"{path.name}: calls without the version shown: {missing}"
