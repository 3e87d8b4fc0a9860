"""The theme: which template folders apply, their static assets, and the Jinja environment."""

from __future__ import annotations

import hashlib
from pathlib import Path

import jinja2

from ..config import SiteConfig

PACKAGED_THEME = Path(__file__).parents[1] / "theme"
# In a source checkout the default theme is the repository's own templates/ folder;
# the wheel carries a copy of it as site_builder/theme (see pyproject.toml).
DEFAULT_THEME = (
    PACKAGED_THEME if PACKAGED_THEME.is_dir() else Path(__file__).parents[2] / "templates"
)


def theme_dirs(config: SiteConfig) -> tuple[Path, ...]:
    """Template folders, most specific first: the site's own, then the default theme."""
    own = config.templates_dir
    dirs = [own] if own.is_dir() else []
    if DEFAULT_THEME.resolve() not in {d.resolve() for d in dirs}:
        dirs.append(DEFAULT_THEME)
    return tuple(dirs)


def collect_assets(dirs: tuple[Path, ...]) -> dict[str, tuple[str, bytes]]:
    """`static/` files of the theme: name -> (fingerprinted output path, bytes)."""
    assets: dict[str, tuple[str, bytes]] = {}
    for theme in reversed(dirs):  # the site's own files replace the default theme's
        static = theme / "static"
        for path in sorted(static.rglob("*")) if static.is_dir() else ():
            if path.is_file() and not path.name.startswith("."):
                name = path.relative_to(static).as_posix()
                data = path.read_bytes()
                digest = hashlib.sha256(data).hexdigest()[:10]
                stem, dot, ext = name.rpartition(".")
                out = f"assets/{stem}.{digest}.{ext}" if dot else f"assets/{name}.{digest}"
                assets[name] = (out, data)
    return assets


def make_environment(
    dirs: tuple[Path, ...], compiled: dict[str, bytes] | None = None
) -> jinja2.Environment:
    """The Jinja2 environment for a theme. `serve` keeps one between builds: it compiles each
    template once, and again only when its file changes. With `compiled` (the build cache's),
    each template's compiled code is kept there and taken from there while its source is the
    same, so that a cached build in a new process does not compile them again."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        bytecode_cache=None if compiled is None else _Compiled(compiled),
        autoescape=True,  # every template, .xml and .txt included
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class _Compiled(jinja2.BytecodeCache):
    """Compiled templates kept in a mapping (the build cache, signed on disk: marshalled code
    is run when loaded), by template and Jinja2 version; Jinja2 compiles again any whose source
    changed."""

    def __init__(self, store: dict[str, bytes]):
        self.store = store

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.store.get(f"{jinja2.__version__} {bucket.key}")
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.store[f"{jinja2.__version__} {bucket.key}"] = bucket.bytecode_to_string()


def template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost template file and line in a traceback that Jinja2 rewrote."""
    found: tuple[str | None, int | None] = (None, None)
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
