"""`site-builder suggest`: the concepts and people an archive already has (issue 18, part 4)."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

from conftest import REPO, Run
from hypothesis import given, settings
from hypothesis import strategies as st
from sitecheck import content_files, copy_example

from site_builder.cli.commands import shown  # the site folder as paths are printed
from site_builder.config import load_config
from site_builder.suggest import suggest
from site_builder.suggest.phrases import Tokens, count_phrases, words_of
from site_builder.suggest.prose import plain_runs

ESSAY = "---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n"


def essays(*bodies: str, start: int = 1) -> dict[str, str]:
    """One essay a body, a month apart, from January 2024."""
    files = {}
    for n, body in enumerate(bodies, start):
        date = f"{2023 + (n - 1) // 12 + 1}-{(n - 1) % 12 + 1:02d}-10"
        files[f"content/essays/{date}-essay-{n}.md"] = ESSAY.format(
            title=f"Essay {n}", date=date, body=body
        )
    return files


def suggested(cli, root: Path, *args: str) -> dict:
    run = cli("suggest", "--root", root, "--json", *args)
    assert run.code == 0, run.err
    return json.loads(run.out)


def texts(found: dict, kind: str = "concepts") -> list[str]:
    return [s["text"].lower() for s in found[kind]]


def test_the_example_sites_own_concepts_rank_first_once_its_glossary_is_gone(tmp_path, cli):
    """The glossary's terms of two words or more that its essays and episodes use in two pieces
    or more (by a plain reading of the files: the term, or its slug in a wikilink), found again
    by `suggest` among its first fifteen phrases: most of them. Not all: a term used twice,
    both times in one essay and the episode of the same week, is fairly outranked by one used
    all year (and "line of contact" is, but for one use, always in quotation marks)."""
    root = copy_example(tmp_path / "site")
    glossary = content_files(root / "content" / "glossary")
    shutil.rmtree(root / "content" / "glossary")
    pieces = [
        p.read_text(encoding="utf-8").lower() for p in sorted((root / "content").glob("e*/*.md"))
    ]
    recurring = []
    for name, data in glossary.items():
        term = data["term"].lower()
        slug = name.removesuffix(".md")
        used = sum(term in text or f"[[{slug}" in text for text in pieces)
        if len(term.split()) > 1 and used >= 2:
            recurring.append(term)
    assert len(recurring) >= 6  # the test means something: buffer zone, korea model, …
    top = texts(suggested(cli, root, "--limit", "15"))
    found = [term for term in recurring if term in top]
    assert len(found) * 2 > len(recurring), (recurring, top)
    assert {"mutually hurting stalemate", "root causes", "korea model"} <= set(top)


def test_a_concept_the_site_has_is_never_suggested(tmp_path, cli):
    root = copy_example(tmp_path / "site")
    found = suggested(cli, root, "--limit", "100", "--min-count", "1")
    names = set()
    for data in content_files(root / "content" / "glossary").values():
        aliases = [a if isinstance(a, str) else a["name"] for a in data.get("aliases") or ()]
        names |= {n.lower() for n in (data["term"], *aliases)}
    listed = texts(found)
    assert listed  # something is suggested, and none of it is already there
    assert not [t for t in listed if t in names or t.rstrip("s") in names]
    assert not [t for t in listed if "buffer zone" in t or "korea model" in t]


def test_a_phrase_overlapping_a_concepts_name_is_not_suggested(site, cli):
    """A concept's name is cut out of the text as the build would link it (plurals too), so
    its neighbours do not make a phrase with part of it."""
    root = site(
        {
            "content/glossary/security-guarantee.md": "---\nterm: Security guarantee\n"
            "definition: A promise.\n---\n",
            **essays(
                "Written security guarantees failed.",
                "Written security guarantee terms.",
                "The written security guarantees went.",
            ),
        }
    )
    assert not [t for t in texts(suggested(cli, root)) if "security" in t or "written" in t]


def test_code_links_quotes_and_headings_are_not_the_authors_phrases(site, cli):
    hidden = [
        "Run `mutual veto power` here.",
        "See [mutual veto power](https://example.org/) there.",
        "She called it “mutual veto power” twice.",
        'He called it "mutual veto power" once.',
        "> A mutual veto power, a reader wrote.",
        "## Mutual veto power\n\nText.",
        "```\nmutual veto power\n```",
        "    mutual veto power in an indented block",
        "<div>mutual veto power</div>",
        "![mutual veto power](/media/x.png)",
    ]
    root = site(
        essays(
            *hidden,
            *hidden,  # twice each: one way of hiding it that fails would list it
            "Each side holds a *frozen front line* now.",
            "A frozen front line, they said.",
        )
    )
    found = suggested(cli, root, "--min-count", "2")
    listed = texts(found)
    assert "mutual veto power" not in " ".join(listed)
    (front,) = [s for s in found["concepts"] if s["text"] == "frozen front line"]
    assert front["pieces"] == 2 and front["uses"] == 2
    assert [(e["path"], e["line"]) for e in front["examples"]] == [
        ("content/essays/2025-09-10-essay-21.md", 6),
        ("content/essays/2025-10-10-essay-22.md", 6),
    ]
    assert front["examples"][0]["text"] == "Each side holds a *frozen front line* now."


def test_a_wikilink_to_nothing_names_a_phrase_and_one_to_an_item_is_a_link(site, cli):
    root = site(
        {
            **essays(
                "The [[security-guarantees|guarantees]] failed.",
                "Written security guarantees were signed.",
                "More [[essays/essay-1|security guarantees]] here, and [[essay-2]].",
            ),
        }
    )
    (found,) = [s for s in suggested(cli, root)["concepts"] if s["text"] == "security guarantees"]
    assert found["pieces"] == 2  # the third names them only as a link's text
    assert found["examples"][0]["text"] == "The [[security-guarantees|guarantees]] failed."


def test_a_wikilink_to_nothing_is_not_matched_against_every_name_in_the_site(site, monkeypatch):
    """An imported archive links to many concepts it does not have yet; whether a target
    exists is all `suggest` asks, never what it might have meant (the build's did-you-mean
    compares it with every name in the site, each time)."""
    root = site(essays(*["The [[security-guarantees]] held."] * 3))

    def did_you_mean(*args):
        raise AssertionError("a did-you-mean was asked for")

    monkeypatch.setattr("site_builder.link.index.did_you_mean", did_you_mean)
    found = suggest(load_config(root))
    assert [s.text for s in found.concepts] == ["security guarantees"]


def test_the_best_are_used_most_and_longest_and_a_part_used_only_in_them_is_not_listed(site, cli):
    spread = ["They were in a mutually hurting stalemate again."] * 4
    burst = [
        "A brief offensive pause came; a brief offensive pause went; brief offensive pause."
    ] * 2
    root = site(essays(*spread, "Then a pause.", *burst))
    found = suggested(cli, root)
    listed = texts(found)
    assert listed[:2] == ["mutually hurting stalemate", "brief offensive pause"]
    mhs = found["concepts"][0]
    assert (mhs["pieces"], mhs["uses"], mhs["months"]) == (
        4,
        4,
        ["2024-01", "2024-02", "2024-03", "2024-04"],
    )
    assert "hurting stalemate" not in listed and "mutually hurting" not in listed


def test_random_neighbours_are_not_phrases():
    """Words that sit side by side no more often than chance would put them are not counted
    on (the generated benchmark corpus is all such text)."""
    import random

    rng = random.Random(4)
    vocabulary = ("war", "front", "line", "talks", "summit", "border", "treaty", "winter")
    pieces = [
        words_of([(1, " ".join(rng.choice(vocabulary) for _ in range(400)))]) for _ in range(50)
    ]
    pieces = [[*p, "|", "ceasefire", "monitors", "|"] for p in pieces]
    counts = count_phrases(pieces, 2)
    assert list(counts.pieces) == [("ceasefire", "monitors")]
    assert len(counts.pieces[("ceasefire", "monitors")]) == 50


def test_words_are_read_as_the_token_pattern_reads_them_whatever_the_spacing():
    """The text is split at spaces before the token pattern sees it (for speed): the words,
    dashes, apostrophes, emphasis and punctuation come out as the pattern alone reads them."""
    import random

    from site_builder.suggest.phrases import TOKEN

    rng = random.Random(7)
    alphabet = [
        "war",
        "Cease",
        "fire",
        "o",
        "ßa",
        "élan",
        "42",
        *" \t\n\u00a0-'\u2019*_.,;:!?\u2014|",
    ]
    seen = Tokens()
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        expected = TOKEN.findall(text.lower().replace("\u2019", "'"))
        assert words_of([(1, text)], seen=seen) == expected, text
        assert words_of([(1, text)]) == expected, text


def test_names_are_candidate_people_and_a_person_on_file_is_not(site, cli):
    root = site(
        essays(
            "I asked Dr. Ines Carvalho about it. When Lena Hartvig spoke, we listened.",
            "Ines Carvalho\u2019s answer came later. Lena Hartvig agreed.",
        )
    )
    assert texts(suggested(cli, root), "people") == ["ines carvalho", "lena hartvig"]
    (root / "content" / "people").mkdir()
    (root / "content" / "people" / "ines-carvalho.md").write_text(
        "---\nname: Dr. Ines Carvalho\naliases: [Ines Carvalho]\n---\n", encoding="utf-8"
    )
    assert texts(suggested(cli, root), "people") == ["lena hartvig"]


def test_new_concept_writes_the_best_for_the_author_to_define_and_keeps_what_is_there(site, cli):
    root = site(
        essays(
            *["A mutually hurting stalemate and a ceasefire line, again."] * 3,
            *["Only the ceasefire line here."] * 2,
        )
    )
    run = cli("suggest", "--root", root, "--new", "concept", "2")
    assert run.code == 0, run.err
    made = run.out.split()
    assert made == [
        f"{shown(root)}/content/glossary/ceasefire-line.md",
        f"{shown(root)}/content/glossary/mutually-hurting-stalemate.md",
    ] or made == [
        f"{shown(root)}/content/glossary/mutually-hurting-stalemate.md",
        f"{shown(root)}/content/glossary/ceasefire-line.md",
    ]
    data = content_files(root / "content" / "glossary")["ceasefire-line.md"]
    assert data["term"] == "Ceasefire line"
    assert "define ceasefire line" in data["definition"]  # the author's to write
    # the new concepts are concepts now: not suggested again
    assert "ceasefire line" not in texts(suggested(cli, root))
    # and a file already there is kept as it is
    path = root / "content" / "glossary" / "ceasefire-line.md"
    path.write_text("---\nterm: Front line\ndefinition: Mine.\n---\n", encoding="utf-8")
    again = cli("suggest", "--root", root, "--new", "concept", "1")
    assert again.code == 0
    assert path.read_text(encoding="utf-8") == "---\nterm: Front line\ndefinition: Mine.\n---\n"


def test_new_person_writes_the_best_names_for_the_author_to_describe_and_keeps_what_is_there(
    site, cli
):
    root = site(
        essays(
            "I asked Dr. Ines Carvalho about it. When Lena Hartvig spoke, we listened.",
            "Ines Carvalho\u2019s answer came later. Lena Hartvig agreed.",
            "Ines Carvalho again.",
        )
    )
    run = cli("suggest", "--root", root, "--new", "person", "1")
    assert run.code == 0, run.err
    assert run.out.split() == [f"{shown(root)}/content/people/ines-carvalho.md"]
    data = content_files(root / "content" / "people")["ines-carvalho.md"]
    assert data["name"] == "Ines Carvalho"
    assert "bio" not in data  # the author's to write
    # she is a person now: not suggested again, and the next name is the first
    assert texts(suggested(cli, root), "people") == ["lena hartvig"]
    # a file already there (another Lena's) is kept as it is, and said so
    path = root / "content" / "people" / "lena-hartvig.md"
    path.write_text("---\nname: Lena Hartvig-Berg\n---\n", encoding="utf-8")
    again = cli("suggest", "--root", root, "--new", "person", "1")
    assert again.code == 0 and again.out.split() == []
    assert "kept:" in again.err and "lena-hartvig.md already exists" in again.err
    assert path.read_text(encoding="utf-8") == "---\nname: Lena Hartvig-Berg\n---\n"


def test_wrong_arguments_are_usage_errors(site, cli, capsys):
    root = site(essays("A text."))
    for args, words in (
        (["--new", "essay", "2"], "--new takes what to make (concept or person)"),
        (["--new", "concept", "two"], "--new takes what to make"),
        (["--limit", "0"], "1 or more"),
        (["--min-count", "x"], "invalid int value"),
        (["--new", "concept"], "expected 2 arguments"),
    ):
        try:
            run = cli("suggest", "--root", root, *args)
        except SystemExit as exc:  # argparse's own: its usage line, then the error
            run = Run(exc.code, *capsys.readouterr())
        assert run.code == 2 and words in run.err, (args, run.err)


def test_a_file_that_cannot_be_read_is_reported_where_it_is(site, cli):
    root = site({**essays("Fine."), "content/essays/2024-05-01-bad.md": "---\ntitle: [\n---\n"})
    run = cli("suggest", "--root", root)
    assert run.code == 1
    assert re.search(r"content/essays/2024-05-01-bad\.md:\d+: error:", run.err)


def test_the_text_report_shows_counts_and_examples_at_path_and_line(site, cli):
    root = site(essays("Both sides watched the line of contact.", "The line of contact moved."))
    run = cli("suggest", "--root", root)
    assert run.code == 0
    assert "  line of contact: 2 pieces, 2 uses, 2 months (2024-01 to 2024-02)\n" in run.out
    assert f"    {shown(root)}/content/essays/2024-01-10-essay-1.md:6: Both sides" in run.out


def test_reading_in_worker_processes_suggests_the_same(tmp_path):
    """The Markdown is read in processes (as the build parses) when the site is large enough;
    the suggestions are the same as when it is read in one."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    root = tmp_path / "site"
    generate(root, essays=90, episodes=10, concepts=20)
    for n, path in enumerate(sorted((root / "content" / "essays").glob("*.md"))):
        if n % 3 == 0:  # something to find, in a third of the essays
            with path.open("a", encoding="utf-8") as file:
                file.write(f"\nA ceasefire monitoring mission {('came', 'left')[n % 2]}.\n")
    config = load_config(root)
    alone, shared = suggest(config, jobs=1), suggest(config, jobs=2)
    assert alone == shared
    assert alone.concepts[0].text == "ceasefire monitoring mission"
    assert alone.concepts[0].pieces == 30


def test_the_words_are_counted_as_they_are_read_and_none_again_at_the_end(tmp_path, monkeypatch):
    """Each slice's words are counted as it comes (this process counts while the others read),
    so the tally finished after the reading counts no piece again; and it counts what a tally
    of them all at once counts."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from generate import generate

    import site_builder.suggest.phrases as phrases

    root = tmp_path / "site"
    generate(root, essays=90, episodes=10, concepts=20)
    finished, real = [], phrases.count_into

    def counting(counted, pieces):
        finished.append(len(pieces))
        real(counted, pieces)

    monkeypatch.setattr(phrases, "count_into", counting)  # what `tally` calls, not the reading
    found = suggest(load_config(root), jobs=2)
    assert finished == [0]
    monkeypatch.undo()
    begun = phrases.Tally(phrases.Counter(), phrases.Counter(), {})
    pieces = {"a": ["the", "ceasefire", "line", "held"], "b": ["the", "line", "held"]}
    phrases.count_into(begun, {"a": pieces["a"]})
    both, afresh = phrases.tally(pieces, None, begun), phrases.tally(pieces)
    assert both is begun and both.of == pieces
    assert dict(both.words) == dict(afresh.words) and dict(both.pairs) == dict(afresh.pairs)
    assert found == suggest(load_config(root), jobs=1)


def test_the_cyclic_collector_is_off_while_suggest_counts_and_on_again_after(site, monkeypatch):
    """As in a build: its passes over the millions of words and phrases kept find nothing."""
    import gc

    import site_builder.suggest.answer as module

    root = site(essays("A ceasefire line.", "The ceasefire line."))
    collecting = []
    count = module.count_phrases

    def counting(*args, **kwargs):
        collecting.append(gc.isenabled())
        return count(*args, **kwargs)

    monkeypatch.setattr(module, "count_phrases", counting)
    assert gc.isenabled()
    assert [s.text for s in suggest(load_config(root)).concepts] == ["ceasefire line"]
    assert collecting == [False] and gc.isenabled()


def test_the_readme_documents_the_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "site-builder suggest" in readme and "--new concept" in readme


def test_each_kind_of_quotation_ends_a_run_of_prose_alone_in_its_paragraph():
    for quoted in ("\u2018ripe moment\u2019", "\u201cripe moment\u201d", '"ripe moment"'):
        assert [text for _, text in plain_runs(f"a {quoted} came", 3)] == ["a ", " came"]
    assert list(plain_runs("no quotation at all", 3)) == [(3, "no quotation at all")]
    assert list(plain_runs("", 3)) == []


WIKILINKED = [
    "On [[ripeness]] and [[security-guarantees|the guarantees]] alike.",
    "[[ripeness|Ripe]] at the start,\nand [[nothing-here]] on the next line.",
    "A start,\nthen [[ripeness]] on the second line\nand the third.",
    "One,\n[[ripeness]] then [[ripeness]] again.",
    "A [[ripeness#when|moment]]; a [[#top|self link]]; [[  ripeness  ]].",
    "Two [[ripeness]][[ripeness]] side by side, [[no-such|none]][[ripeness]].",
    "Empty [[]] and [[ ]] brackets, [[ripeness]].",
    "Broken [[ripe\nness]] over a line, [[ripeness]].",
    "Trailing spaces  \nmake a hard break before [[ripeness]].",
    "A tab\t\nand an indent\n  after [[ripeness]].",
    "*Emphasis* with [[ripeness]], and _more_, ~~struck~~.",
    "An image ![[ripeness]] and a footnote ^[[[ripeness]]] and a ref [^1] [[ripeness]].",
    "A [link](https://example.org) and [[ripeness]]; [[[ripeness]]; [[ripeness]]].",
    "Code `[[ripeness]]`, <b>html</b> [[ripeness]], &amp; \\[[ripeness]].",
    "A claim.[^1] And [[ripeness]].[^9] An end.",
    "A link [^1](https://example.org), [[ripeness]].",
    "A full reference [^1][ref], [[ripeness]].",
    "A reference [^2] defined as a link, [[ripeness]].",
    "[[ripeness]]",
    "[[no-such]]",
]


def _reading(source: str, spare: bool) -> tuple[list, list[str]]:
    """prose.py's runs of an inline `source`, and the wikilink targets asked for, in order:
    with its shortcut past markdown-it's inline parse (`spare`) or without it."""
    from site_builder.markdown import make_markdown
    from site_builder.markdown.wikilinks import UnknownTarget, WikiTarget
    from site_builder.suggest import prose

    asked: list[str] = []

    def resolve(target: str) -> WikiTarget:
        asked.append(target)
        if target not in ("ripeness", "essays/self"):
            raise UnknownTarget(f"no {target}")
        return WikiTarget(target, f"/{target}/", target.title())

    env = {"resolve_wikilink": resolve, "self_key": "essays/self", "path": "x.md"}
    md = make_markdown()  # footnote 1, and a link's reference named ^2
    md.block.parse("[^1]: A note.\n\n[ ^2]: /elsewhere\n", md, env, [])
    if spare:
        return list(prose._inline_runs(md, source, 7, env)), asked
    only = prose._only_links
    prose._only_links = lambda source, env: None
    try:
        return list(prose._inline_runs(md, source, 7, env)), asked
    finally:
        prose._only_links = only


def test_text_whose_only_markup_is_wikilinks_reads_as_markdown_it_reads_it():
    """prose.py spares markdown-it's inline parse where the wikilinks are the only markup: the
    runs, their lines and the targets asked for (in order) are the parse's, and so is every
    case it leaves to the parse."""
    from site_builder.suggest import prose

    references = {"references": {"^2": {}}}
    spared = [s for s in WIKILINKED if prose._only_links(s, references) is not None]
    assert len(spared) == 9  # the first six, and the last three but two
    for source in WIKILINKED:
        assert _reading(source, spare=True) == _reading(source, spare=False), source


# inline Markdown near the shortcut's edges, put together at random around a link or reference
_LINK = st.sampled_from(
    ["[[ripeness]]", "[[no-such|none]]", "[[ripeness#when|moment]]", "[[#top]]", "[^1]", "[^9]"]
)
_MARKS = ["[[ ]]", "[^2]", "[", "]", "(", ")", "*", "_", "~", "`", "!", "^", "\\", "<", "&", ":"]
_WORDS = [
    "word",
    "Two words",
    "*word*",
    "_word_",
    "**two words**",
    "~~word~~",
    "\u201cquoted\u201d",
]
_SPACES = [" ", "  ", "\t", "\n", ", ", '"said"', "#", "|"]
_PIECES = st.sampled_from(_WORDS + _SPACES) | st.sampled_from(_MARKS) | _LINK
_AROUND = st.lists(_PIECES, max_size=6).map("".join)


@settings(max_examples=300, deadline=None)
@given(_AROUND, _LINK, _AROUND)
def test_any_text_the_shortcut_takes_reads_as_markdown_it_reads_it(before, link, after):
    source = (before + link + after).strip()  # a paragraph's inline source has no outer spaces
    assert _reading(source, spare=True) == _reading(source, spare=False)
