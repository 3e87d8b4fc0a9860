"""tests/RELIABILITY.md names the test behind each case: every one it names must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

HERE = Path(__file__).parent
# `test_x.py::name`, and `::name` for another test of the file named last in the same cell
NAMED = re.compile(r"`(?:(test_\w+\.py))?::(\w+)")


def named_tests(text: str) -> list[tuple[str, str]]:
    found = []
    for line in text.splitlines():
        current = None
        for file, name in NAMED.findall(line):
            current = file or current
            found.append((current, name))
    return found


def defined_in(file: str) -> set[str]:
    tree = ast.parse((HERE / file).read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_every_test_the_reliability_cases_name_exists():
    named = named_tests((HERE / "RELIABILITY.md").read_text(encoding="utf-8"))
    assert len(named) > 50
    missing = [f"{f}::{n}" for f, n in named if f is None or n not in defined_in(f)]
    assert missing == []


def test_every_broken_site_the_reliability_cases_name_exists():
    text = (HERE / "RELIABILITY.md").read_text(encoding="utf-8")
    sites = re.findall(r"`(sites_invalid\w*/[\w-]+)`", text)
    assert sites
    assert [s for s in sites if not (HERE / s).is_dir()] == []
