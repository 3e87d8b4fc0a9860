"""Writing the feeds' XML: ElementTree builds the tree, this turns it into bytes.

ElementTree's own writer passes control characters through, and a single U+0001 pasted into
an essay makes a feed that no XML parser (so no feed reader or podcast app) accepts. It also
walks the tree twice in Python, which is most of the time the 300 feeds of a large glossary
take. This writer drops what XML 1.0 forbids (and U+007F), declares the namespaces it is given
on the root element, and makes the whole document in one pass.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping

from ..model import UNCARRIED

XML_NS = "http://www.w3.org/XML/1998/namespace"


def xml_document(root: ET.Element, namespaces: Mapping[str, str]) -> bytes:
    """`root` as an XML document; `namespaces` maps each prefix ("" for the default) to its
    URI, and every tag and attribute name in the tree must be in one of them or in none."""
    prefixes = {uri: prefix for prefix, uri in namespaces.items()}
    prefixes[XML_NS] = "xml"
    names: dict[str, str] = {}

    def name(tag: str) -> str:
        found = names.get(tag)
        if found is None:
            if tag[0] == "{":
                uri, local = tag[1:].split("}", 1)
                found = f"{prefixes[uri]}:{local}" if prefixes[uri] else local
            else:
                found = tag
            names[tag] = found
        return found

    out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']
    declarations = "".join(
        f' xmlns{":" + prefix if prefix else ""}="{_attribute(uri)}"'
        for prefix, uri in sorted(namespaces.items())
    )
    _write(root, out, name, declarations)
    out.append("\n")
    return "".join(out).encode("utf-8")


def _write(el: ET.Element, out: list[str], name: Callable[[str], str], declarations: str = ""):
    # not a closure that calls itself: that is a reference cycle, and a build runs with the
    # cyclic collector off, so every feed's `out` (its whole text in pieces) would stay
    tag = name(el.tag)
    attrs = "".join(f' {name(k)}="{_attribute(v)}"' for k, v in el.attrib.items())
    if el.text is None and not len(el):
        out.append(f"<{tag}{declarations}{attrs}/>")
        return
    out.append(f"<{tag}{declarations}{attrs}>")
    if el.text:
        out.append(_text(el.text))
    for child in el:
        _write(child, out, name)
    out.append(f"</{tag}>")


def feed_text(value: str) -> str:
    """`value` without the characters no feed carries."""
    return UNCARRIED.sub("", value)


def _text(value: str) -> str:
    return feed_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    # a parser turns raw newlines and tabs in an attribute into spaces: keep them as written
    return (
        _text(value)
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )
