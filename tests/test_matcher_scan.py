"""The Matcher's Aho-Corasick scan finds exactly what its trie walk finds, on any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.markdown.matcher import Matcher, Target

NAMES = [
    "Ripeness",
    "BATNA",  # an acronym: only in its exact case
    "zone of possible agreement",
    "ZOPA",
    "cease-fire",
    "Track II",
    "Straße",  # casefolds to a longer string: the walk's case
    "o'clock",
    "policy",  # a plural: policies
    "zone",  # a prefix of a longer name
    "Hobson",
    "Hobson's",  # the word itself wins over the possessive of "Hobson"
]
PIECES = [
    *(w for name in NAMES for w in name.split()),
    "RIPENESS",
    "x-zone",  # one word: no name inside it
    "zone-x",
    "x'zone",
    "zone's-x",
    "Hobson's",
    "HOBSON\u2019s",
    "batna",
    "Batna",
    "policies",
    "zones",
    "agreement",
    "possible",
    "of",
    "'s",
    "\u2019s",
    "-",
    "'",
    "_",
    "x",
    "2",
    "İ",
    ".",
    ",",
    "(",
]
GAPS = [" ", " ", " ", "", "", "\n", "\t", "  ", "\xa0", " - ", ", "]


def matcher() -> Matcher:
    m = Matcher()
    for i, name in enumerate(NAMES):
        m.add(name, Target(f"c{i}", f"/glossary/c{i}/", ""), forms=True)
    return m


TEXT = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(GAPS)), max_size=40).map(
    lambda parts: "".join(p + g for p, g in parts)
)


@settings(max_examples=600, deadline=None)
@given(TEXT)
def test_the_scan_finds_what_the_trie_walk_finds(text):
    m = matcher()
    assert list(m.find(text)) == list(m._walk(text, text.casefold()))


@settings(max_examples=600, deadline=None)
@given(TEXT)
def test_text_said_to_be_spaced_once_is_found_in_as_any_text(text):
    """`spaced` skips the searches for other spacing; with words one space apart, as a join
    of the split leaves them, what is found is the same."""
    m, spaced = matcher(), " ".join(text.split())
    assert list(m.find(spaced, spaced=True)) == list(m._walk(spaced, spaced.casefold()))


def test_the_scan_keeps_whole_words_possessives_and_exact_acronyms():
    m = matcher()
    text = (
        "Ripeness's zone of possible agreement, batna, BATNA's policies; cease-fire-line zones"
        " x-zone Hobson's choice"
    )
    found = [(text[a:b], key) for a, b, key in m.find(text)]
    assert found == [
        ("Ripeness's", "c0"),
        ("zone of possible agreement", "c2"),
        ("BATNA's", "c1"),
        ("policies", "c8"),
        ("zones", "c9"),
        ("Hobson's", "c11"),
    ]
