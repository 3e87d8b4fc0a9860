"""The feeds' XML writer: what any XML parser reads back is what the tree held, minus only the
characters XML 1.0 cannot carry."""

from __future__ import annotations

import gc
import xml.etree.ElementTree as ET

from site_builder.feeds.xmlout import XML_NS, xml_document

ATOM = "http://www.w3.org/2005/Atom"
ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"


def test_text_and_attributes_read_back_as_written_without_forbidden_characters():
    root = ET.Element(f"{{{ATOM}}}feed", {f"{{{XML_NS}}}lang": "en-GB"})
    entry = ET.SubElement(root, f"{{{ATOM}}}entry")
    entry.text = "Tom & Jerry <b>\x01bold</b> \"quoted\" 'single' ]]> \ud800 end"
    ET.SubElement(
        entry,
        f"{{{ITUNES}}}category",
        {"text": 'News & "Politics"\n\tline\x0b two', "plain": "x"},
    )
    ET.SubElement(entry, f"{{{ATOM}}}empty")
    data = xml_document(root, {"": ATOM, "itunes": ITUNES})
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns=')
    back = ET.fromstring(data)
    assert back.get(f"{{{XML_NS}}}lang") == "en-GB"
    got = back.find(f"{{{ATOM}}}entry")
    assert got.text == "Tom & Jerry <b>bold</b> \"quoted\" 'single' ]]>  end"
    category = got.find(f"{{{ITUNES}}}category")
    assert category.attrib == {"text": 'News & "Politics"\n\tline two', "plain": "x"}
    assert got.find(f"{{{ATOM}}}empty") is not None
    assert b"<itunes:category " in data and b"<empty/>" in data


def test_a_feed_written_leaves_nothing_for_the_cyclic_collector():
    """A build runs with the collector off: what writing a feed leaves in reference cycles
    stays until the build ends (it was every feed's text, in pieces)."""
    root = ET.Element(f"{{{ATOM}}}feed")
    for n in range(50):
        ET.SubElement(ET.SubElement(root, f"{{{ATOM}}}entry"), f"{{{ATOM}}}title").text = str(n)
    collecting = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        xml_document(root, {"": ATOM})
        assert gc.collect() == 0
    finally:
        if collecting:
            gc.enable()
