"""Decode a source file, split off its front matter and read that YAML with line numbers.

YAML is read with a narrowed safe resolver so that YAML 1.1's surprises never reach authors:
only `true`/`false` are booleans, only plain decimal numbers are integers, and everything else
that looks numeric or like a date (`01234`, `1.10`, `0x1F`, `no`, `58:41`, `2024-02-30`) stays
the string the author wrote. Typed fields are converted later, by `fields`, with positioned errors.
Aliases are refused outright, which also rules out alias-expansion bombs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import ContentError, Diagnostic
from ..model import Path_, key_line

# How many levels of lists and mappings may sit below the top one: real front matter and charts
# use a handful, and everything that later walks the values (templates, the cache's pickle)
# recurses.
MAX_NESTING = 50
_FENCE = re.compile(r"---[ \t]*")
_CLOSE = re.compile(r"(---|\.\.\.)[ \t]*")
# A top-level key commented out, `# audio: {url: …}` as `new` writes it: its line is kept under
# the key path (COMMENTED, "audio"), so that a problem with what is missing can point there.
COMMENTED = "#"
_COMMENTED_KEY = re.compile(r"#[ \t]*([A-Za-z_][\w-]*)[ \t]*:")


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded text file: its front matter (with the line of every key) and its body."""

    path: str
    data: dict[str, Any]
    lines: dict[Path_, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line number, in the file, of the body's first line
    has_front_matter: bool = False

    def line_of(self, *key: str | int) -> int:
        return key_line(self.lines, key)


def decode(raw: bytes, path: str) -> str:
    """UTF-8 (with or without BOM) to text with `\\n` line endings."""
    bom = 3 if raw.startswith(b"\xef\xbb\xbf") else 0
    raw = raw[bom:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ContentError(
            [
                Diagnostic(
                    path,
                    line,
                    f"not valid UTF-8 at byte {exc.start + bom} (0x{raw[exc.start]:02x})",
                    hint="save the file as UTF-8 (most editors have 'Save with encoding')",
                    code="encoding",
                )
            ]
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split(text: str, path: str) -> Source:
    """Split `---` fenced YAML front matter from the body and parse it."""
    lines = text.split("\n")
    if not lines or not _FENCE.fullmatch(lines[0]):
        if lines and lines[0].strip() == "+++":
            raise _error(
                path,
                1,
                "front matter in TOML (+++) is not supported",
                "write YAML between --- lines: `title: My title`",
                "front-matter",
            )
        return Source(path, {}, {}, text, 1, False)
    for i in range(1, len(lines)):
        if _CLOSE.fullmatch(lines[i]):
            yaml_text = "\n".join(lines[1:i])
            data, key_lines = parse_yaml(yaml_text, path, first_line=2)
            for n, line in enumerate(lines[1:i], start=2):
                commented = _COMMENTED_KEY.match(line)
                if commented:
                    key_lines.setdefault((COMMENTED, commented.group(1)), n)
            return Source(path, data, key_lines, "\n".join(lines[i + 1 :]), i + 2, True)
    raise _error(
        path,
        1,
        "front matter is not closed",
        "add a line with just --- after the last front-matter key",
        "front-matter",
    )


def parse_yaml(
    text: str, path: str, first_line: int = 1, listing: bool = False
) -> tuple[Any, dict[Path_, int]]:
    """Parse a YAML mapping (or with `listing`, a list); returns the data and the line of every
    key and list item (by key path)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:  # PyYAML's own composer, without libyaml, recurses per level
        raise _too_deep(path, first_line) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        message = exc.problem or str(exc)
        if message == "exceeded maximum nesting depth":  # libyaml's limit, a thousand levels
            raise _too_deep(path, line) from None
        raise _error(
            path, line, f"YAML syntax: {message}", _yaml_hint(text, mark), "yaml"
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML raises marked errors for text input
        raise _error(path, first_line, f"YAML syntax: {exc}", None, "yaml") from None
    if node is None:
        return ([] if listing else {}), {}
    if listing and not isinstance(node, yaml.SequenceNode):
        raise _error(
            path,
            first_line + node.start_mark.line,
            "this file must be a list (each item starting with `- `)",
            "write `- name: …` for the first entry, and indent its other keys under it",
            "yaml",
        )
    if not listing and not isinstance(node, yaml.MappingNode):
        hint = "write one `key: value` per line"
        if re.search(r"^\s*\w+\s*=", text, re.M):
            hint = "this looks like TOML; front matter is YAML: write `key: value`"
        raise _error(
            path,
            first_line + node.start_mark.line,
            f"{'front matter' if path.endswith('.md') else 'this file'} must be a mapping of keys"
            " to values",
            hint,
            "front-matter",
        )
    key_lines: dict[Path_, int] = {}
    data = _construct(node, (), key_lines, path, first_line, set())
    return data, key_lines


# libyaml's parser when PyYAML has it (ten times faster), with our own resolver either way.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    pass


_Loader.yaml_implicit_resolvers = {}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?(?:0|[1-9][0-9]*))$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)

_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _construct(
    node: yaml.Node, at: Path_, lines: dict[Path_, int], path: str, first: int, seen: set[int]
) -> Any:
    # An alias makes the composer reuse a node: refusing any node met twice refuses aliases,
    # and with them alias-expansion bombs, before anything is expanded.
    if id(node) in seen:
        raise _error(
            path,
            lines.get(at, first + node.start_mark.line),
            "aliases (*name) are not supported in front matter",
            "write the value out again instead of referring to an &anchor",
            "yaml",
        )
    seen.add(id(node))
    if isinstance(node, yaml.CollectionNode) and len(at) > MAX_NESTING:
        raise _too_deep(path, first + node.start_mark.line)
    if isinstance(node, yaml.ScalarNode):
        if node.tag == _STR:
            return node.value
        if node.tag == _INT:
            # past Python's 4,300-digit limit it cannot be a number anyone meant
            return int(node.value) if len(node.value) < 100 else node.value
        if node.tag == _BOOL:
            return node.value.lower() == "true"
        if node.tag == _NULL:
            return None
        raise _error(
            path,
            first + node.start_mark.line,
            f"unsupported YAML tag {node.tag!r}",
            "remove the !tag; quote the value if it is text",
            "yaml",
        )
    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
        out = []
        for i, item in enumerate(node.value):
            lines[(*at, i)] = first + item.start_mark.line
            out.append(_construct(item, (*at, i), lines, path, first, seen))
        return out
    if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _error(
                    path, first + key_node.start_mark.line, "a key must be plain text", None, "yaml"
                )
            key = key_node.value
            if key in result:
                raise _error(
                    path,
                    first + key_node.start_mark.line,
                    f"duplicate key '{key}'",
                    "keep one of them",
                    "yaml",
                )
            lines[(*at, key)] = first + key_node.start_mark.line
            result[key] = _construct(value_node, (*at, key), lines, path, first, seen)
        return result
    raise _error(
        path,
        first + node.start_mark.line,
        f"unsupported YAML tag {node.tag!r}",
        "remove the !tag",
        "yaml",
    )


def _yaml_hint(text: str, mark: Any) -> str | None:
    if mark is None:
        return None
    lines = text.split("\n")
    line = lines[mark.line] if mark.line < len(lines) else ""
    if "\t" in line[: len(line) - len(line.lstrip())]:
        return "indent with spaces, not tabs"
    key, sep, value = line.partition(": ")
    key, value = key.strip(), value.strip()
    if (sep and ": " in value) or value.endswith(":"):
        if value[:1] in ("'", '"'):
            return f"a quoted value ends at its closing quote: put all of {key} inside the quotes"
        return f"quote the value when it contains a colon: {key}: {_quoted(value)}"
    return "quote values that contain ':', '#', or start with a special character"


def _quoted(value: str) -> str:
    """`value` as a YAML string that reads back as typed."""
    if '"' not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _too_deep(path: str, line: int) -> ContentError:
    return _error(
        path,
        line,
        f"lists and mappings nested more than {MAX_NESTING} levels deep",
        "flatten the structure: a few levels are all a site needs",
        "yaml",
    )


def _error(path: str, line: int, message: str, hint: str | None, code: str) -> ContentError:
    return ContentError([Diagnostic(path, line, message, hint=hint, code=code)])
