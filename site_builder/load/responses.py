"""Reader responses: the letters an author chose to publish under an essay.

They live beside the essay, in `<essay file name>.responses.yaml`: a list of
`{name, date, body, url?, reply?}`. Bodies and replies are Markdown with raw HTML turned off
(what a reader wrote is never trusted as markup); names and links are escaped by the templates.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from pathlib import Path

from ..errors import Diagnostic
from ..model import Response
from ..slugs import slugify
from .fields import FieldReader
from .frontmatter import Source, decode, parse_yaml

SUFFIX = ".responses.yaml"
_KEYS = {"name", "date", "body", "url", "reply"}
_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


def responses_file(essay: Path) -> Path:
    return essay.with_name(essay.stem + SUFFIX)


def essay_of(responses: Path) -> Path:
    return responses.with_name(responses.name.removesuffix(SUFFIX) + ".md")


def read_responses(
    rel: str, raw: bytes, tz: tzinfo
) -> tuple[tuple[Response, ...], list[Diagnostic]]:
    """The good responses in one file, oldest first, and the problems with the others (a file
    that cannot be read at all raises ContentError)."""
    text = decode(raw, rel)
    data, lines = parse_yaml(text, rel, listing=True)
    problems: list[Diagnostic] = []
    found: list[Response] = []
    taken: set[str] = set()
    for i, entry in enumerate(data):
        at = lines.get((i,), 1)
        if not isinstance(entry, dict):
            message = f"response {i + 1} must be a mapping of keys"
            problems.append(Diagnostic(rel, at, message, code="responses"))
            continue
        own = {k[1:]: v for k, v in lines.items() if k[:1] == (i,) and len(k) > 1}
        r = FieldReader(Source(rel, entry, own), problems, code="responses")
        for key in sorted(set(entry) - _KEYS, key=str):
            r.error(key, f"unknown key '{key}'", "a response has name, date, body, url and reply")
        missing = [key for key in ("name", "date", "body") if entry.get(key) in (None, "")]
        if missing:
            problems.append(
                Diagnostic(
                    rel,
                    at,
                    f"response {i + 1} has no {' and no '.join(missing)}",
                    "each response needs `name:`, `date: YYYY-MM-DD` and `body:`",
                    code="responses",
                )
            )
        name, when, body = r.text("name"), r.when("date", tz), r.text("body")
        url, reply = r.url("url"), r.text("reply")
        if name is None or when is None or body is None:
            continue
        anchor = f"response-{when.date().isoformat()}-{slugify(name, 'response')}"
        while anchor in taken:
            anchor += "-2"
        taken.add(anchor)
        found.append(
            Response(
                name,
                when,
                body,
                _content_line(text, own.get(("body",), at)),
                anchor,
                url,
                reply,
                _content_line(text, own.get(("reply",), at)) if reply else 0,
            )
        )
    return tuple(sorted(found, key=lambda x: x.date)), problems


def _content_line(text: str, key_line: int) -> int:
    """Where a value starts: the key's line, or the next one for a `|` or `>` block."""
    lines = text.split("\n")
    block = key_line <= len(lines) and _BLOCK.search(lines[key_line - 1])
    return key_line + 1 if block else key_line
