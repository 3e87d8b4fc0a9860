"""Reader responses: letters published under an essay, as a reader and an author see them."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

SITE_YAML = (
    "title: Letters\nbase_url: https://example.org/sub/\nsearch: false\n"
    "author: {name: Mara Linden}\nresponses: {email: letters@example.org}\n"
)
ESSAY = "content/essays/2024-03-01-ripe.md"
LETTERS = "content/essays/2024-03-01-ripe.responses.yaml"
FILES = {
    "content/glossary/ripeness.md": "---\nterm: Ripeness\ndefinition: Ready to settle.\n---\n",
    "content/glossary/stalemate.md": "---\nterm: Stalemate\ndefinition: No one wins.\n---\n",
    ESSAY: "---\ntitle: Ripe? A & B\ndate: 2024-03-01\n---\n\nOn ripeness.\n",
    "content/essays/2024-04-01-other.md": "---\ntitle: Other\ndate: 2024-04-01\n---\n\nText.\n",
    LETTERS: """\
        - name: Second Writer
          date: 2024-03-09
          body: Ripeness again, and a stalemate.
          reply: |
            Thank you. See [[other]].
        - name: <b>First</b> Writer
          date: 2024-03-02
          url: https://example.net/first
          body: |
            I disagree.

            <script>alert(1)</script> and </script> stay text.
        - name: Third
          date: 2024-03-20
          body: Short.
        """,
}


@pytest.fixture
def built(site, cli):
    root = site(FILES, SITE_YAML)
    run = cli("build", "--root", root)
    assert run.code == 0, run.err
    return root / "output"


def page(out, path: str) -> str:
    return (out / path).read_text(encoding="utf-8")


def test_responses_are_shown_oldest_first_with_anchors_and_dates(built):
    html = page(built, "essays/ripe/index.html")
    section = html.split('<section class="responses"')[1].split("</section>")[0]
    assert 'Responses <span class="count" data-pagefind-ignore>(3)</span>' in section
    ids = re.findall(r'<li id="([^"]+)" class="response">', section)
    assert ids == [
        "response-2024-03-02-b-first-b-writer",
        "response-2024-03-09-second-writer",
        "response-2024-03-20-third",
    ]
    assert '<a class="response-date" href="#response-2024-03-09-second-writer">' in section
    assert '<time datetime="2024-03-09' in section
    assert 'Reply from Mara Linden</p><p>Thank you. See <a href="/sub/essays/other/"' in section


def test_what_readers_wrote_is_never_markup(built):
    html = page(built, "essays/ripe/index.html")
    section = html.split('<section class="responses"')[1].split("</section>")[0]
    assert "<script>" not in section and "</script>" not in section
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and &lt;/script&gt; stay text." in section
    assert "&lt;b&gt;First&lt;/b&gt; Writer</a>" in section  # the name, escaped, as a link
    assert 'href="https://example.net/first" rel="nofollow ugc"' in section


def test_concept_names_in_responses_are_linked_unless_the_essay_linked_them(built):
    section = page(built, "essays/ripe/index.html").split('<section class="responses"')[1]
    assert 'class="concept-link autolink" title="No one wins.">stalemate</a>' in section
    assert 'title="Ready to settle.">Ripeness</a>' not in section  # the essay linked it first


def test_the_count_appears_in_essay_lists(built):
    listing = page(built, "essays/index.html")
    assert '<a href="/sub/essays/ripe/#responses">3 responses</a>' in listing
    assert "response" not in listing.split("/sub/essays/other/")[1].split("</article>")[0]


def test_write_a_response_is_a_mailto_with_the_title_as_subject(built):
    html = page(built, "essays/ripe/index.html")
    href = re.search(r'<a href="(mailto:[^"]+)">Write a response</a>', html).group(1)
    assert href.startswith("mailto:letters@example.org?subject=")
    assert unquote(href.split("subject=")[1].replace("&amp;", "&")) == "Response: Ripe? A & B"
    other = page(built, "essays/other/index.html")
    assert "Write a response" in other and "Responses <span" not in other


def test_no_email_no_invitation(site, cli):
    root = site(FILES, SITE_YAML.replace("responses: {email: letters@example.org}\n", ""))
    assert cli("build", "--root", root).code == 0
    assert "Write a response" not in page(root / "output", "essays/ripe/index.html")
    assert "Responses" not in page(root / "output", "essays/other/index.html")


def test_an_email_that_is_not_one_is_an_error(site, cli):
    root = site(FILES, SITE_YAML.replace("letters@example.org", "letters at example"))
    run = cli("check", "--root", root)
    assert run.code == 1
    assert "site.yaml:5: error: 'responses.email': 'letters at example' is not an email" in run.err


BROKEN = {
    "content/essays/2024-05-01-gone.responses.yaml": "- {name: A, date: 2024-05-02, body: Hi}\n",
    LETTERS: """\
        - name: Fine
          date: 2024-03-02
          body: Fine, and [[nowhere]].
        - date: 2024-02-30
          body: No name, and no such day.
        - name: Only a name
          colour: blue
        - just text
        """,
}


def test_broken_responses_are_reported_at_their_lines(site, cli, monkeypatch):
    root = site({**FILES, **BROKEN}, SITE_YAML)
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    errors = [line for line in run.err.splitlines() if ": error: " in line]
    assert errors == [
        "content/essays/2024-03-01-ripe.responses.yaml:3: error: unknown link target "
        "[[nowhere]] [reference]",
        "content/essays/2024-03-01-ripe.responses.yaml:4: error: 'date': '2024-02-30' is not a "
        "real date (day is out of range for month) [responses]",
        "content/essays/2024-03-01-ripe.responses.yaml:4: error: response 2 has no name "
        "[responses]",
        "content/essays/2024-03-01-ripe.responses.yaml:6: error: response 3 has no date and no "
        "body [responses]",
        "content/essays/2024-03-01-ripe.responses.yaml:7: error: unknown key 'colour' [responses]",
        "content/essays/2024-03-01-ripe.responses.yaml:8: error: response 4 must be a mapping of "
        "keys [responses]",
        "content/essays/2024-05-01-gone.responses.yaml:1: error: responses without an essay: "
        "there is no 2024-05-01-gone.md [responses]",
    ]


def test_a_responses_file_must_be_a_list(site, cli, monkeypatch):
    root = site({**FILES, LETTERS: "name: A\ndate: 2024-03-02\nbody: Hi\n"}, SITE_YAML)
    monkeypatch.chdir(root)
    run = cli("check")
    assert run.code == 1
    assert f"{LETTERS}:1: error: this file must be a list" in run.err
