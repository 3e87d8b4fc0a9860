"""Link fields (RELIABILITY I8): one URL policy for what authors and readers write as links.

A browser trims C0 controls and spaces from an href and drops every tab and newline before it
reads the scheme, so `java<TAB>script:` runs script. `link_target` reads a value the same way
and lets through only http(s), mailto and paths; every link field uses it. What is published is
the normalised value, so the link a browser follows is the one that was checked.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from site_builder.load.values import link_target

ALLOWED = ("http", "https", "mailto")


def whatwg_scheme(value: str) -> str | None:
    """The scheme the WHATWG URL parser reads from `value`, step by step as the standard says
    (written apart from the code under test, to check it against)."""
    start, end = 0, len(value)
    while start < end and value[start] <= " ":  # leading C0 control or space
        start += 1
    while end > start and value[end - 1] <= " ":  # trailing C0 control or space
        end -= 1
    url = [c for c in value[start:end] if c not in "\t\n\r"]
    if not url or not (url[0].isascii() and url[0].isalpha()):  # scheme start state
        return None
    scheme = ""
    for c in url:  # scheme state
        if c == ":":
            return scheme
        if not (c.isascii() and (c.isalnum() or c in "+-.")):
            return None  # no scheme: a relative URL
        scheme += c.lower()
    return None


ATTACKS = [
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "\x01javascript:alert(1)",
    "\x00 \x1fjavascript:alert(1)",
    " JAVASCRIPT:alert(1)",
    "JaVaScRiPt:alert(1)",
    "j\ta\nv\ra\tscript\t:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/",
]


@pytest.mark.parametrize("value", ATTACKS, ids=repr)
def test_other_schemes_are_refused_however_they_are_hidden(value):
    with pytest.raises(ValueError, match="must be an http"):
        link_target(value)


@pytest.mark.parametrize(
    ("value", "published"),
    [
        ("https://example.org/a?b=c#d", "https://example.org/a?b=c#d"),
        ("HTTP://example.org/", "HTTP://example.org/"),
        ("mailto:ada@example.net", "mailto:ada@example.net"),
        ("/glossary/ripeness/", "/glossary/ripeness/"),
        ("glossary/ripeness/", "glossary/ripeness/"),
        ("//example.org/x", "//example.org/x"),
        ("#notes", "#notes"),
        ("notes:a/b", None),  # a scheme after all
        ("a/b:c", "a/b:c"),  # the slash comes first: a path
        ("\x01 https://exa\tmple.org/\n", "https://example.org/"),
        ("%6Aavascript:alert(1)", "%6Aavascript:alert(1)"),  # a path to a browser too
    ],
)
def test_http_mailto_and_paths_are_published_as_the_browser_reads_them(value, published):
    if published is None:
        with pytest.raises(ValueError):
            link_target(value)
    else:
        assert link_target(value) == published


@pytest.mark.parametrize("value", ["https://example.org/\x7f", "/a\x00b", "/a\x85b", "\x01"])
def test_a_control_character_left_inside_is_refused(value):
    with pytest.raises(ValueError, match="control character"):
        link_target(value)


# Scheme names broken up by the characters browsers skip or trim, and by some they keep.
NOISE = st.sampled_from([*"\t\n\r\x00\x01\x1f \x7f\x85\xa0\u2028:/\\%&#.+-", "&#9;", "&Tab;"])
WORDS = st.sampled_from(["javascript", "JavaScript", "data", "vbscript", "file", *ALLOWED, "x"])


@st.composite
def disguised(draw) -> str:
    word = list(draw(WORDS))
    for _ in range(draw(st.integers(0, 4))):
        word.insert(draw(st.integers(0, len(word))), draw(NOISE))
    head = "".join(draw(st.lists(NOISE, max_size=3)))
    return head + "".join(word) + draw(st.sampled_from([":", "", "::"])) + draw(st.text())


@given(st.one_of(disguised(), st.text()))
@example("java\tscript:alert(1)")
@example("\x01javascript:alert(1)")
def test_whatever_is_accepted_a_browser_reads_as_http_mailto_or_a_path(value):
    try:
        published = link_target(value)
    except ValueError:
        return
    assert whatwg_scheme(value) in (*ALLOWED, None)
    assert whatwg_scheme(published) == whatwg_scheme(value)
    # the browser reads the published form as it stands: nothing left to trim or skip
    assert published == published.strip("".join(map(chr, range(33))))
    assert not any(c in published for c in "\t\n\r")


def _published(value: str) -> str | None:
    try:
        return link_target(value)
    except ValueError:
        return None


def _disguised_corpus(count: int) -> list[str]:
    """Scheme names broken up by tabs, newlines, controls and spaces, the same every run."""
    rng = random.Random(19)
    noise = [*"\t\n\r\x00\x01\x1f \x7f\xa0:/\\%."]
    corpus = []
    for _ in range(count):
        word = list(rng.choice(["javascript", "data", "vbscript", *ALLOWED]))
        for _ in range(rng.randint(0, 3)):
            word.insert(rng.randint(0, len(word)), rng.choice(noise))
        corpus.append("".join(rng.choices(noise, k=rng.randint(0, 2))) + "".join(word) + ":x")
    return corpus


def test_chromium_reads_the_schemes_as_the_policy_does(browser):
    """The real parser: each attack is javascript: or data: to Chromium, and whatever the policy
    accepts goes, as written and as published, to an http(s) or mailto address or a path."""
    accepted = {v: p for v in _disguised_corpus(3000) if (p := _published(v)) is not None}
    page = browser.new_page()
    try:
        read = page.evaluate(
            """(lists) => lists.map(values => values.map(v => {
                 try { return new URL(v, "https://example.org/").href } catch (e) { return null }
               }))""",
            [ATTACKS[:9], list(accepted), list(accepted.values())],
        )
    finally:
        page.close()
    attacks, as_written, as_published = read
    assert [href.split(":")[0] for href in attacks] == ["javascript"] * 8 + ["data"]
    assert as_written == as_published  # the published form goes where the value would have
    assert all(h is None or h.startswith(("http:", "https:", "mailto:")) for h in as_written)
    assert len(accepted) > 100  # the corpus reached both sides of the policy


# --- every link field, in a whole podcast site -------------------------------------------------

MARK = "alert(document.domain)"
# (as written in YAML, the scheme the message names)
PAYLOADS = [
    (f'"java\\tscript:{MARK}"', "javascript"),  # a YAML escape gives a real tab
    (f'"java\\nscript:{MARK}"', "javascript"),
    (f'"\\x01javascript:{MARK}"', "javascript"),
    (f'" JAVASCRIPT:{MARK}"', "JAVASCRIPT"),
    (f'"data:text/html,<script>{MARK}</script>"', "data"),
    (f"java\tscript:{MARK}", "javascript"),  # a literal tab in a plain value
]
ESSAY = "content/essays/2026-03-14-after-the-talk"
# field -> (file, its text with the link as {url}, the link's line, the diagnostic's code)
FIELDS = {
    "url": (
        f"{ESSAY}.responses.yaml",
        "- name: Ada\n  date: 2026-03-15\n  body: Hello.\n  url: {url}\n",
        4,
        "responses",
    ),
    "sources.0.url": (
        "content/glossary/ripeness.md",
        "---\nterm: Ripeness\ndefinition: When both sides would rather talk.\nsources:\n"
        "  - author: Zartman\n    title: Ripe for Resolution\n    url: {url}\n---\nTiming.\n",
        7,
        "front-matter",
    ),
    "chapters.1.url": (
        "content/episodes/001-talk.md",
        "---\ntitle: Talking about ripeness\nnumber: 1\ndate: 2026-03-13\n"
        "audio: {{url: /media/001-talk.mp3}}\nchapters:\n"
        '  - {{start: "0:00", title: Hello}}\n  - start: "0:01"\n    title: The stalemate\n'
        "    url: {url}\nconcepts: [ripeness]\n"
        'season: 1\nguid: "urn:uuid:41213c57-bea3-540b-867c-88d11ce44af9"\n'  # as published
        "---\nNotes on [[ripeness]].\n",
        10,
        "front-matter",
    ),
    "audio.url": (
        "content/episodes/002-guarantees.md",
        "---\ntitle: Guarantees\nnumber: 2\ndate: 2026-05-08\naudio:\n  url: {url}\n"
        '  length: 50000000\n  type: audio/mpeg\nduration: "1:02:07"\n'
        'season: 1\nguid: "urn:uuid:3b35d8b7-1588-5ce4-a170-a2d53d2751e4"\n---\nNotes.\n',
        6,
        "front-matter",
    ),
}
GOOD = "https://example.net/checked"


def _output_text(out: Path) -> str:
    return "\n".join(
        p.read_bytes().decode("utf-8", "replace") for p in sorted(out.rglob("*")) if p.is_file()
    )


@pytest.mark.parametrize("field", FIELDS)
def test_a_good_link_in_each_field_is_published(cli, fixture_site, field):
    root = fixture_site("podcast")
    rel, text, _, _ = FIELDS[field]
    (root / rel).write_text(text.format(url=GOOD + ".mp3"), encoding="utf-8")
    assert cli("build", "--root", root, "--quiet").code == 0
    assert GOOD + ".mp3" in _output_text(root / "output")
    if field.startswith("chapters"):  # podcast apps read it from the chapters file
        assert GOOD + ".mp3" in (root / "output/episodes/talk/chapters.json").read_text()


def test_the_audio_link_is_checked_on_a_site_without_a_podcast(cli, site):
    # no podcast feed, so none of its checks: the episode page would link the audio as written
    root = site({"content/episodes/001-a.md": FIELDS["audio.url"][1].format(url=PAYLOADS[0][0])})
    run = cli("build", "--root", root)
    assert run.code == 1
    assert "content/episodes/001-a.md:6: error: 'audio.url' must be an http(s)" in run.err
    assert not (root / "output").exists()


@pytest.mark.parametrize(("payload", "scheme"), PAYLOADS, ids=lambda p: repr(p)[:24])
@pytest.mark.parametrize("field", FIELDS)
def test_a_hidden_script_link_in_each_field_fails_the_build_at_its_line(
    cli, fixture_site, field, payload, scheme
):
    root = fixture_site("podcast")
    rel, text, line, code = FIELDS[field]
    (root / rel).write_text(text.format(url=GOOD + ".mp3"), encoding="utf-8")
    assert cli("build", "--root", root, "--quiet").code == 0
    (root / rel).write_text(text.format(url=payload), encoding="utf-8")
    run = cli("build", "--root", root)
    assert run.code == 1
    assert (
        f"{rel}:{line}: error: '{field}' must be an http(s) or mailto link or a path, "
        f"not a {scheme}: address [{code}]\n    hint: "
    ) in run.err
    assert run.errors.endswith("\n1 error; nothing was written.\n")
    published = _output_text(root / "output")
    assert MARK not in published  # the previous output stands, without the payload
    assert GOOD + ".mp3" in published
