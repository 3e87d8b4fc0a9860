"""Adding an imported section to site.yaml as text, so the author's comments and layout stay."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from ..errors import UsageError
from .common import dump_yaml


def merge_section(
    text: str, section: str, values: Mapping[str, Any], alike: Iterable[set[str]] = ()
) -> tuple[str, list[str]]:
    """site.yaml with the keys of `values` that its `section:` lacks added (the section made
    if there is none), and a note for each key it has with another value: what is there is
    kept. Never rewrites a line that is there. Each set of `alike` is one setting written
    under several keys (`category:` or `categories:`): one of them there is the setting there."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise UsageError("site.yaml is not a mapping of keys to values")
    have = data.get(section)
    if have is None:
        block = dump_yaml({section: dict(values)})
        lead = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{lead}{block}", []
    if not isinstance(have, dict):
        raise UsageError(f"site.yaml's `{section}:` is not a mapping: cannot add to it")
    written = {key: key for key in have}
    for keys in alike:
        there = next((k for k in sorted(keys) if k in have), None)
        written.update(dict.fromkeys(keys, there) if there else {})
    notes = [
        f"site.yaml {section}.{there} is {have[there]!r}; the import has"
        f" {'' if there == key else f'{key}: '}{value!r}: kept site.yaml's"
        for key, value in values.items()
        if (there := written.get(key)) and (there, have[there]) != (key, value)
    ]
    missing = {k: v for k, v in values.items() if k not in written}
    if not missing:
        return text, notes
    lines = text.splitlines(keepends=True)
    start = next(
        (i for i, line in enumerate(lines) if re.match(rf"{re.escape(section)}:\s*(#.*)?$", line)),
        None,
    )
    if start is None:  # a flow mapping (`podcast: {title: …}`): the author adds them
        notes.append(
            f"site.yaml's `{section}:` is written on one line: add these keys to it by hand:\n"
            + dump_yaml(missing)
        )
        return text, notes
    end, indent = start + 1, None
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            break
        indent = indent or re.match(r"\s*", line).group()
        end = i + 1
    pad = indent or "  "
    added = "".join(pad + line for line in dump_yaml(missing).splitlines(keepends=True))
    if end == len(lines) and lines and not lines[-1].endswith("\n"):
        added = "\n" + added
    merged = "".join([*lines[:end], added, *lines[end:]])
    check = yaml.safe_load(merged)
    if not all(check[section].get(k) == v for k, v in missing.items()):  # pragma: no cover
        raise UsageError(f"could not add to site.yaml's `{section}:`: add the keys by hand")
    return merged, notes
