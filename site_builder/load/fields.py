"""Typed reading of front-matter and config values, every problem collected with its line
(the values themselves are read by values.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from ..errors import Diagnostic, closest, did_you_mean
from .frontmatter import Source
from .values import (
    ABSOLUTE_URL,
    Refused,
    link_target,
    parse_datetime,
    parse_duration,
    parse_whole_number,
)

# The keys a mapping accepts, each with the table of its value when that is a mapping or a list
# of mappings (None: any value). OPEN among them: other keys are the author's own words.
Keys = Mapping[str, "Keys | None"]

OPEN = "*"
EXTRA = "extra"  # the author's own data, for templates: any value, never checked


def keys(*names: str, **tables: Keys) -> Keys:
    """A table of accepted keys: `names` take any value, `tables` nest keys of their own."""
    return {**dict.fromkeys(names), **tables}


_EXAMPLES = {str: '"…" (in quotes)', int: "3", bool: "true", list: "[first, second]", dict: "{…}"}
_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "a mapping",
}


class FieldReader:
    """Reads typed values out of a Source, appending a Diagnostic for each problem."""

    def __init__(
        self,
        source: Source,
        diagnostics: list[Diagnostic],
        prefix: tuple = (),
        code: str = "front-matter",
    ):
        self.source = source
        self.diagnostics = diagnostics
        self.prefix = prefix
        self.code = code  # the [code] its diagnostics carry
        self.read: set[tuple[str, ...]] = set()  # key paths looked up, list positions left out

    def within(self, *key: str | int) -> FieldReader:
        """A reader for a nested mapping (e.g. `audio`), sharing this reader's diagnostics."""
        return _NestedReader(self, key)

    @property
    def data(self) -> Any:
        return self.source.data

    def has(self, key: str | int) -> bool:
        self._note(key)
        if isinstance(self.data, list):  # a reader `within` a list reads its items by index
            return isinstance(key, int) and 0 <= key < len(self.data)
        return isinstance(self.data, dict) and key in self.data

    def get(self, key: str | int) -> Any:
        self._note(key)
        if isinstance(self.data, list):
            return self.data[key] if self.has(key) else None
        return self.data.get(key) if isinstance(self.data, dict) else None

    def _note(self, key: str | int) -> None:
        self.read.add(tuple(k for k in (*self.prefix, key) if isinstance(k, str)))

    def error(self, key: str | int | tuple | None, message: str, hint: str | None = None) -> None:
        """A problem at `key` (a tuple: at a path below it, such as a list's item)."""
        below = key if isinstance(key, tuple) else (key,) if key is not None else ()
        at = (*self.prefix, *below)
        self.diagnostics.append(
            Diagnostic(
                self.source.path, self.source.line_of(*at), message, hint=hint, code=self.code
            )
        )

    def name(self, key: str | int) -> str:
        return ".".join(str(k) for k in (*self.prefix, key))

    def missing(self, key: str | int, value: str = "...") -> None:
        """The error for a required key that is not there, with where it goes when that is
        inside another (a `slug:` of its own would be the page's, and change its URL)."""
        if not self.prefix:
            hint = f"add a line `{key}: {value}`"
        elif isinstance(self.prefix[-1], int):
            *outer, last = self.prefix
            hint = f"add `{key}: {value}` to item {last + 1} of `{'.'.join(map(str, outer))}`"
        else:
            last = self.prefix[-1]
            hint = f"add `{key}: {value}` inside `{last}:` ({last}: {{{key}: {value}, …}})"
        self.error(None, f"missing required key '{self.name(key)}'", hint)

    def _typed(self, key: str | int, kind: type, required: bool) -> Any:
        value = self.get(key)
        if value is None:
            if required and self.has(key):
                self.error(key, f"'{self.name(key)}' is empty", f"write a value after `{key}:`")
            elif required:
                self.missing(key)
            return None
        if kind is int and isinstance(value, str):
            try:
                return parse_whole_number(value)
            except Refused as exc:
                self.error(key, f"'{self.name(key)}': {exc.message}", exc.hint)
                return None
        if kind is str and isinstance(value, (int, bool)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            said = f"'{self.name(key)}' must be {_TYPE_NAMES[kind]}, not {_describe(value)}"
            self.error(key, said, f"write {key}: {_EXAMPLES[kind]}")
            return None
        return value

    def text(self, key: str | int, required: bool = False) -> str | None:
        value = self._typed(key, str, required)
        if value is not None and not value.strip():
            if required:
                self.error(key, f"'{self.name(key)}' is empty")
            return None
        return value.strip() if value is not None else None

    def url(self, key: str | int, required: bool = False, absolute: bool = False) -> str | None:
        """A link target as `link_target` publishes it; a refused one is an error at its line.

        With `absolute`, only a full http(s) address will do: feeds are read away from the site.
        """
        value = self.text(key, required)
        if value is None:
            return None
        try:
            url = link_target(value)
        except Refused as exc:
            self.error(key, f"'{self.name(key)}' {exc.message}", exc.hint)
            return None
        if absolute and not ABSOLUTE_URL.match(url):
            self.error(
                key,
                f"'{self.name(key)}' must be an absolute http(s) URL, not '{url}'",
                "podcast apps read it away from the site: write https://…",
            )
            return None
        return url

    def mapping(self, key: str) -> dict[str, Any]:
        """A mapping of the author's own (such as `extra:`), empty when there is none."""
        return self._typed(key, dict, False) or {}

    def integer(self, key: str, required: bool = False, minimum: int | None = None) -> int | None:
        value = self._typed(key, int, required)
        if value is not None and minimum is not None and value < minimum:
            said = f"'{self.name(key)}' must be at least {minimum}"
            self.error(key, said, f"write {minimum} or more")
            return None
        return value

    def boolean(self, key: str, default: bool | None = False) -> bool | None:
        value = self.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        hint = None
        if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = f"write {'true' if value.lower() in ('yes', 'on', 'y') else 'false'}"
        self.error(key, f"'{self.name(key)}' must be true or false, not {_describe(value)}", hint)
        return default

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.text(key)
        if value is None:
            return default
        if value not in choices:
            said = f"'{self.name(key)}' must be one of {', '.join(choices)}, not '{value}'"
            self.error(
                key, said, did_you_mean(value, choices) or f"write one of those ({choices[0]}, say)"
            )
            return default
        return value

    def when(self, key: str, tz: tzinfo, required: bool = False) -> datetime | None:
        value = self.get(key)
        if value is None:
            if required:
                self.missing(key, "YYYY-MM-DD")
            return None
        try:
            return parse_datetime(str(value), tz)
        except Refused as exc:
            self.error(key, f"'{self.name(key)}': {exc.message}", exc.hint)
            return None

    def duration(self, key: str) -> int | None:
        value = self.get(key)
        if value is None:
            return None
        try:
            return parse_duration(value)
        except Refused as exc:
            self.error(key, f"'{self.name(key)}': {exc.message}", exc.hint)
            return None

    def text_list(self, key: str, hint: str | None = None) -> tuple[str, ...]:
        """A list of texts; a single text is taken as a list of one. `hint` is what an item
        that is not text is told."""
        value = self.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(
                key,
                f"'{self.name(key)}' must be a list, not {_describe(value)}",
                f"write `{key}: [first, second]`",
            )
            return ()
        out = []
        for i, item in enumerate(value):
            if isinstance(item, (str, int)) and not isinstance(item, bool) and str(item).strip():
                out.append(str(item).strip())
            else:
                self.error(
                    (key, i),
                    f"'{self.name(key)}' item {i + 1} must be text, not {_describe(item)}",
                    hint or f"write each item as text: `{key}: [first, second]`",
                )
        return tuple(out)

    def mappings(self, key: str) -> list[FieldReader]:
        """Readers for each mapping in a list of mappings (e.g. `chapters`)."""
        value = self.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"'{self.name(key)}' must be a list, not {_describe(value)}")
            return []
        readers = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                readers.append(self.within(key, i))
            else:
                self.error(
                    key,
                    f"'{self.name(key)}' item {i + 1} must be a mapping "
                    f"(`{{key: value}}`), not {_describe(item)}",
                )
        return readers

    def warn_unknown(self, keys: Keys, where: str, extra_seen_as: str) -> None:
        """A warning at every key of the source that `keys` does not list, with the key it
        was probably meant to be, or the mapping it belongs under. `where` names the file's
        kind ("an essay"); `extra_seen_as` is how templates see `extra:` ("page.extra")."""
        for at, key, table in _unknown(self.data, keys, ()):
            name = ".".join(str(k) for k in (*at, key))
            # where a key of this name is at home one level down, e.g. a relation kind
            home_of = {
                inner_key: home
                for home, inner in sorted(table.items(), reverse=True)
                for inner_key in inner or ()
                if inner_key != OPEN
            }
            homes = [f"`{home}:`" for home, inner in table.items() if inner and key in inner]
            meant = closest(key, [*table, *home_of])
            if homes:
                hint = f"'{key}' goes under {' or '.join(homes)}"
            elif meant in table:
                hint = f"did you mean '{meant}'?"
            elif meant:
                hint = f"did you mean '{meant}', under `{home_of[meant]}:`?"
            elif at:
                hint = f"it takes {', '.join(sorted(table))}"
            else:
                hint = (
                    f"your own data goes under `{EXTRA}:`, which templates see as {extra_seen_as}"
                )
            self.diagnostics.append(
                Diagnostic(
                    self.source.path,
                    self.source.line_of(*at, key),
                    f"unknown key '{name}' in {where}",
                    hint=hint,
                    code="unknown-key",
                    severity="warning",
                )
            )


def _unknown(data: Any, keys: Keys, at: tuple) -> list[tuple[tuple, str, Keys]]:
    """(path of the mapping, key, its table) for each key `keys` does not list, at any depth."""
    found: list[tuple[tuple, str, Keys]] = []
    if not isinstance(data, dict):
        return found
    for key, value in data.items():
        inner = keys.get(key)
        if key in keys and inner is not None:
            if isinstance(value, list):
                for i, entry in enumerate(value):
                    found += _unknown(entry, inner, (*at, key, i))
            else:
                found += _unknown(value, inner, (*at, key))
        elif key not in keys and OPEN not in keys:
            found.append((at, key, {k: v for k, v in keys.items() if k != OPEN}))
    return found


class _NestedReader(FieldReader):
    def __init__(self, parent: FieldReader, key: tuple):
        super().__init__(parent.source, parent.diagnostics, (*parent.prefix, *key), parent.code)
        self.read = parent.read
        self._data = parent.source.data
        for k in self.prefix:
            self._data = self._data[k]

    @property
    def data(self) -> Any:
        return self._data


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (list, dict)):
        return _TYPE_NAMES[type(value)]
    if isinstance(value, int):
        return f"the number {value}"
    return f"'{value}'"
