"""The package's layout (README, "Layout of the code"): which package may import which and
which modules touch the disk, read from the source with `ast`, and how long a module may grow."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
# phase packages in the order data flows: each may import those before it, never those after
PHASES = ("load", "markdown", "link", "render", "feeds", "incremental", "preview")
TOP = ("build", "steps", "cli")  # the orchestrator, its steps, the face: no phase imports them
MAX_LINES = 350
MAX_FUNCTION_LINES = 80
# functions allowed to be longer, each with its reason (`module:function`)
LONG_FUNCTIONS = {
    "cli/__init__.py:_parser": "argparse's declarations: a data table, one call per option",
}


# Who touches the disk: the I/O edges, the incremental store and the caches that are part of it
DISK = (
    *("atomic.py", "write.py", "load/", "preview/", "cli/"),
    *("incremental/store.py", "incremental/signed.py", "incremental/manifest.py"),
)
CACHES = ("charts/drawing.py", "images/process.py")  # the chart cache; the image phase's cache
# the others that do, each with its reason (a module that starts to touch the disk goes here
# with one, or moves its reading into load/ or its writing into write/atomic)
DISK_EXCEPTIONS = {
    "config.py": "reads site.yaml, and asks whether the icon it names exists",
    "ledger.py": "reads and writes podcast-ledger.yaml, the podcast's guid ledger",
    "importers/": "`import` reads a feed or an export and writes the new content/ files",
    "scaffold.py": "`new` writes the new file",
    "suggest/store.py": "keeps `suggest`'s cache in .site-builder-cache/ (signed: see signed.py)",
    "search.py": "runs Pagefind over the written site and keeps its index",
    "render/theme.py": "reads the theme: template folders and static/ assets",
    "incremental/state.py": "hashes the theme's files, for the digest a cached build is keyed by",
    "charts/__init__.py": "hashes the data files in content/media, for the chart cache's key",
    "charts/data.py": "lists content/media's data files for a 'did you mean' hint",
    "images/icons.py": "asks whether content/static/ holds the author's own icon",
    "pool.py": "workers hand their results back through files in a temporary folder",
}
_DISK_METHODS = {
    *("read_text", "read_bytes", "write_text", "write_bytes", "open", "touch", "mkdir"),
    *("unlink", "rmdir", "rename", "symlink_to", "hardlink_to", "chmod", "iterdir", "glob"),
    *("rglob", "stat", "lstat", "exists", "is_file", "is_dir", "is_symlink", "readlink"),
}
_OS_CALLS = {
    *("open", "fdopen", "replace", "rename", "remove", "unlink", "link", "symlink", "mkdir"),
    *("makedirs", "rmdir", "removedirs", "listdir", "scandir", "walk", "stat", "lstat"),
    *("chmod", "utime", "truncate", "readlink", "access"),
}


def _disk_calls(path: Path) -> set[str]:
    """The calls in a module that reach the disk: open(), a Path's reading, writing, listing
    and asking (read_*, write_*, glob, is_file, ...), os's file functions, shutil."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open":
            found.add("open()")
        elif not isinstance(func, ast.Attribute):
            continue
        elif isinstance(func.value, ast.Name) and func.value.id in ("os", "shutil"):
            if func.value.id == "shutil" or func.attr in _OS_CALLS:
                found.add(f"{func.value.id}.{func.attr}")
        # PIL's Image.open reads the bytes it is given
        elif func.attr in _DISK_METHODS and getattr(func.value, "id", "") != "Image":
            found.add(f".{func.attr}()")
    return found


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
    assert importers == ["cli/commands.py"]


def test_modules_stay_short():
    long = {
        rel: n
        for rel, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def _listed(rel: str, places) -> str | None:
    return next((p for p in places if rel == p or (p.endswith("/") and rel.startswith(p))), None)


def test_only_the_io_edges_touch_the_disk():
    touching = {rel: calls for rel, path in _modules().items() if (calls := _disk_calls(path))}
    unexplained = {
        rel: sorted(calls)
        for rel, calls in touching.items()
        if not _listed(rel, (*DISK, *CACHES, *DISK_EXCEPTIONS))
    }
    assert unexplained == {}
    # an exception that no longer touches the disk is taken off the list
    stale = [p for p in DISK_EXCEPTIONS if not any(_listed(rel, (p,)) for rel in touching)]
    assert stale == []


def test_the_disk_rule_sees_each_kind_of_call(tmp_path):
    source = tmp_path / "m.py"
    source.write_text(
        "import os, shutil\n"
        "open('x')\nroot.read_text()\nroot.write_bytes(b'')\nos.replace(a, b)\n"
        "shutil.rmtree(d)\nImage.open(io.BytesIO(b''))\nos.path.join(a, b)\n",
        encoding="utf-8",
    )
    assert _disk_calls(source) == {
        "open()",
        ".read_text()",
        ".write_bytes()",
        "os.replace",
        "shutil.rmtree",
    }


def _long_functions(path: Path) -> dict[str, int]:
    """Each function (or method) of a module over MAX_FUNCTION_LINES, from `def` to its end."""
    return {
        node.name: n
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and (n := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES
    }


def test_functions_stay_short():
    long = {
        f"{rel}:{name}": n
        for rel, path in _modules().items()
        for name, n in _long_functions(path).items()
        if f"{rel}:{name}" not in LONG_FUNCTIONS
    }
    assert long == {}
    # an exemption whose function got short (or went) is taken off the table
    still = {f"{rel}:{name}" for rel, path in _modules().items() for name in _long_functions(path)}
    assert sorted(set(LONG_FUNCTIONS) - still) == []


def test_the_function_rule_sees_a_long_function(tmp_path):
    source = tmp_path / "m.py"
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    source.write_text(f"def short():\n    pass\n\n\ndef long():\n{body}", encoding="utf-8")
    assert _long_functions(source) == {"long": MAX_FUNCTION_LINES + 1}
