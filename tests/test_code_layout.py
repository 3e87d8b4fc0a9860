"""The package's layout (README, "Layout of the code"): which package may import which, read
from the source with `ast`, and how long a module may grow."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
# phase packages in the order data flows: each may import those before it, never those after
PHASES = ("load", "markdown", "link", "render", "feeds", "incremental", "preview")
TOP = ("build", "cli")  # the orchestrator and the face: no phase imports them
MAX_LINES = 350
# modules over the limit today, at the size they may not grow past (issue 13: to be split)
OVER = {
    "build.py": 488,  # + people (issue 18): who is who in the shape, their link phase
    "feeds/podcast_checks.py": 462,
    "load/fields.py": 443,
    "preview/server.py": 441,
    "config.py": 401,  # + icon: (issue 17) and people: (issue 18): field, key, reading
    "cli.py": 393,
    "render/pages.py": 384,
    "charts/__init__.py": 381,
    "load/readers.py": 367,
    "importers/podcast.py": 365,
}


def _modules() -> dict[str, Path]:
    return {p.relative_to(PACKAGE).as_posix(): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(rel: str, path: Path) -> set[str]:
    """The package modules `rel` imports, as dotted names below site_builder."""
    here = rel.removesuffix(".py").split("/")
    package = here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)]
            module = [*base, *(node.module.split(".") if node.module else [])]
            names = [a.name for a in node.names] if not node.module else [""]
            for name in names:
                found.add(".".join(filter(None, [*module, name])))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("site_builder"):
            found.add(node.module.removeprefix("site_builder").lstrip("."))
    return {f for f in found if f and f != "__version__"}


def _top(name: str) -> str:
    return name.split(".")[0]


def test_model_imports_nothing_of_the_package():
    assert _imports("model.py", PACKAGE / "model.py") == set()


def test_phases_import_only_the_phases_before_them():
    wrong = []
    for rel, path in _modules().items():
        phase = rel.split("/")[0]
        if phase not in PHASES:
            continue
        later = set(PHASES[PHASES.index(phase) + 1 :]) | set(TOP)
        if phase == "preview":  # serve runs the build: the one phase allowed to call it
            later.discard("build")
        wrong += [(rel, name) for name in _imports(rel, path) if _top(name) in later]
    assert wrong == []


def test_only_cli_starts_the_preview_server():
    importers = [
        rel
        for rel, path in _modules().items()
        if not rel.startswith("preview/")
        and any(_top(name) == "preview" for name in _imports(rel, path))
    ]
    assert importers == ["cli.py"]


def test_modules_stay_short():
    long = {
        rel: n
        for rel, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > OVER.get(rel, MAX_LINES)
    }
    assert long == {}
