"""`import substack EXPORT` and `import feed FEED` (issue 15.3): each post an essay, its old
address an alias, links between posts wikilinks, images listed or fetched."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from sitecheck import content_files, tree

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXPORT = FIXTURES / "substack"
SITE = "title: Companion\nbase_url: https://example.org/\nsearch: false\n"
RIPENESS = "---\nterm: Ripeness\ndefinition: When a conflict is ready to end.\n---\nBody.\n"


@pytest.fixture
def root(tmp_path):
    folder = tmp_path / "site"
    (folder / "content/glossary").mkdir(parents=True)
    (folder / "site.yaml").write_text(SITE)
    (folder / "content/glossary/ripeness.md").write_text(RIPENESS)
    return folder


def essays(root: Path) -> dict[str, dict]:
    return content_files(root / "content/essays")


@pytest.fixture
def served(tmp_path, static_server):
    """served(files) -> base URL of a local HTTP server of those files."""

    def serve(files: dict[str, bytes]) -> str:
        folder = tmp_path / "www-files"
        for rel, data in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
        return static_server(folder)

    return serve


def test_each_substack_post_becomes_an_essay(cli, root):
    run = cli("import", "substack", EXPORT, "--root", root)
    assert run.code == 0, run.err
    assert run.out == "imported 3 new posts, 0 skipped (imported before), 2 refused\n"
    found = essays(root)
    why = found["2023-05-01-why-wars-end.md"]
    assert (why["title"], why["date"]) == ("Why Wars End", "2023-05-01T12:00:00+00:00")
    assert why["summary"] == "On ripeness and the moment talks begin."  # the subtitle
    assert why["aliases"] == ["/p/why-wars-end/"]
    assert "draft" not in why and "audience" not in why
    korea = found["2023-06-12-the-korea-model.md"]
    assert korea["title"] == "The Korea Model & Its Critics"
    assert korea["audience"] == "only_paid"  # paid-only posts say so
    drafts = [e for name, e in found.items() if name.endswith("-draft-thoughts.md")]
    assert [d["draft"] for d in drafts] == [True]  # never published: a draft


def test_substack_bodies_become_markdown(cli, root):
    cli("import", "substack", EXPORT, "--root", root)
    body = essays(root)["2023-05-01-why-wars-end.md"]["body"]
    assert "the theory of **ripeness**.[^1]" in body
    assert "[^1]: Zartman, *Ripe for Resolution*, 1985." in body  # the footnote
    assert "*Delegates at the 1953 talks.*" in body  # the caption
    assert "[[essays/the-korea-model|the Korea model]]" in body  # a post of the publication
    assert "[a paper](https://example.org/elsewhere)" in body
    assert "[On Ceasefires](https://other.substack.com/p/ceasefires)" in body  # embedded post
    assert "[Tweet by @mara](https://twitter.com/mara/status/123)" in body
    assert "Subscribe now" not in body and "<div" not in body
    back = essays(root)["2023-06-12-the-korea-model.md"]["body"]
    assert "[[essays/why-wars-end|why wars end]]" in back  # ?utm_source=x and all


def test_refused_posts_are_reported_by_position_and_title(cli, root):
    run = cli("import", "substack", EXPORT, "--root", root)
    assert (
        f"{EXPORT}: post 4 'Missing Body': its body, posts/104.missing-body….html, is not there"
        in run.err
    )
    assert f"{EXPORT}: post 5 'Bad Date': unreadable date 'last tuesday': not imported" in run.err
    assert "note: 1 image is kept elsewhere (--download-media copies them" in run.err
    assert "https://substackcdn.com/image/fetch/" in run.err


def test_a_post_at_the_address_of_one_before_is_refused_and_says_so(cli, root, tmp_path):
    feed = tmp_path / "twice.rss"
    text = (FIXTURES / "wordpress.rss").read_text(encoding="utf-8")
    feed.write_text(text.replace("on-mediation-part-two/</link>", "on-mediation-part-one/</link>"))
    run = cli("import", "feed", feed, "--root", root)
    assert (
        f"{feed}: item 2 'On Mediation \u2013 Part Two': its address is also item 1"
        " 'On Mediation \u2013 Part One''s: not imported"
    ) in run.err


def test_a_post_known_only_by_a_query_address_is_refused_saying_how_to_export_it(
    cli, root, tmp_path
):
    feed = tmp_path / "plain.rss"
    text = (FIXTURES / "wordpress.rss").read_text(encoding="utf-8")
    feed.write_text(
        text.replace("https://mara.example/on-mediation-part-one/", "https://mara.example/?p=12")
    )
    run = cli("import", "feed", feed, "--root", root)
    assert (
        f"{feed}: item 1 'On Mediation \u2013 Part One': its address https://mara.example/?p=12"
        " names it by a query, which a static site cannot answer at its old address (WordPress:"
        " set Permalinks to 'Post name' and export again): not imported"
    ) in run.err


def test_the_zip_is_read_as_the_folder_is(cli, root, tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(EXPORT.rglob("*")):
            if path.is_file():
                z.write(path, f"mara-export/{path.relative_to(EXPORT).as_posix()}")
    cli("import", "substack", EXPORT, "--root", root)
    other = tmp_path / "other"
    shutil.copytree(root, other, ignore=shutil.ignore_patterns("essays"))
    run = cli("import", "substack", archive, "--root", other)
    assert run.code == 0, run.err
    same = {k: v for k, v in essays(root).items() if "draft" not in k}
    assert {k: v for k, v in essays(other).items() if "draft" not in k} == same


def test_a_second_run_skips_what_was_imported(cli, root):
    cli("import", "substack", EXPORT, "--root", root)
    before = tree(root)
    run = cli("import", "substack", EXPORT, "--root", root)
    assert run.out == "imported 0 new posts, 3 skipped (imported before), 2 refused\n"
    assert tree(root) == before


def test_the_imported_site_builds_with_autolinks_wikilinks_and_old_urls(cli, root):
    assert cli("import", "substack", EXPORT, "--root", root).code == 0
    build = cli("build", "--root", root)
    assert build.code == 0, build.err
    out = root / "output"
    html = (out / "essays/why-wars-end/index.html").read_text()
    assert (
        'href="/glossary/ripeness/" class="concept-link autolink"' in html
    )  # Markdown, autolinked
    assert 'href="/essays/the-korea-model/"' in html
    assert 'class="footnote' in html
    assert (
        "url=https://example.org/essays/why-wars-end/"
        in (out / "p/why-wars-end/index.html").read_text()
    )
    assert "/p/the-korea-model/ /essays/the-korea-model/ 301" in (out / "_redirects").read_text()


def test_an_atom_feed_of_posts(cli, root):
    run = cli("import", "feed", FIXTURES / "blog.atom", "--root", root)
    assert run.code == 0, run.err
    assert f"{FIXTURES / 'blog.atom'}: item 3 'No Link': no link" in run.err
    found = essays(root)
    summits = found["2023-11-05-summits-handshakes.md"]
    assert summits["date"] == "2023-11-05T09:15:00+01:00"
    assert summits["tags"] == ["diplomacy"]
    assert summits["aliases"] == ["/2023/11/summits-handshakes/"]
    assert "Compare [[essays/after-the-handshake|the sequel]]." in summits["body"]
    after = found["2023-12-01-after-the-handshake.md"]
    assert "What comes **next**." in after["body"]  # xhtml content
    assert cli("check", "--root", root).code == 0


def test_a_wordpress_rss_feed_of_posts(cli, root):
    run = cli("import", "feed", FIXTURES / "wordpress.rss", "--root", root)
    assert run.code == 0, run.err
    found = essays(root)
    one = found["2023-03-04-on-mediation-part-one.md"]
    assert one["title"] == "On Mediation \u2013 Part One"
    assert one["tags"] == ["Mediation"]
    assert "The [[essays/on-mediation-part-two|second part]] follows." in one["body"]
    assert "pixel" not in one["body"]
    two = found["2023-03-11-on-mediation-part-two.md"]
    assert two["date"] == "2023-03-11T15:00:00-06:00"
    # a link written without the host, as WordPress bodies have them, is a post's link too
    assert "after [[essays/on-mediation-part-one|the first part]]." in two["body"]
    assert cli("check", "--root", root).code == 0


# a real 1 x 1 PNG: `check` reads every image it publishes, and a fake one is an error
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de"
    "0000000c4944415478da63f8ffff3f0005fe02fe0def46b80000000049454e44ae426082"
)


def test_download_media_fetches_images_and_rewrites_the_links(cli, root, served, tmp_path):
    base = served({"img/handshake.png": PNG})
    feed = tmp_path / "blog.atom"
    feed.write_text(
        (FIXTURES / "blog.atom")
        .read_text()
        .replace("https://blog.example/wp-content/uploads", f"{base}/img")
    )
    run = cli("import", "feed", feed, "--root", root, "--download-media")
    assert run.code == 0, run.err
    media = root / "content/media/summits-handshakes/handshake.png"
    assert media.read_bytes() == PNG
    body = essays(root)["2023-11-05-summits-handshakes.md"]["body"]
    assert "![A handshake](/media/summits-handshakes/handshake.png)" in body
    assert cli("check", "--root", root).code == 0


def test_download_media_offline_says_so_and_leaves_the_links(cli, root, tmp_path):
    feed = tmp_path / "blog.atom"
    gone = "http://127.0.0.1:9/img"  # the discard port: nothing answers
    feed.write_text(
        (FIXTURES / "blog.atom")
        .read_text()
        .replace("https://blog.example/wp-content/uploads", gone)
    )
    run = cli("import", "feed", feed, "--root", root, "--download-media")
    assert run.code == 0, run.err
    assert f"cannot download {gone}/handshake.png" in run.err
    assert "the link to it is left as it is" in run.err
    assert f"]({gone}/handshake.png)" in essays(root)["2023-11-05-summits-handshakes.md"]["body"]
    assert not (root / "content/media").exists()


def test_a_feed_of_posts_from_a_url(cli, root, served):
    base = served({"feed.rss": (FIXTURES / "wordpress.rss").read_bytes()})
    run = cli("import", "feed", f"{base}/feed.rss", "--root", root)
    assert run.code == 0, run.err
    assert len(essays(root)) == 2


def test_what_is_not_an_export_or_a_feed_is_one_clear_error(cli, root, tmp_path):
    (tmp_path / "empty").mkdir()
    run = cli("import", "substack", tmp_path / "empty", "--root", root)
    assert run.code == 2 and "is not a Substack export: it has no posts.csv" in run.err
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    run = cli("import", "substack", tmp_path / "x.zip", "--root", root)
    assert run.code == 2 and "is not a Substack export (a zip or a folder)" in run.err
    (tmp_path / "page.xml").write_text("<html><body/></html>")
    run = cli("import", "feed", tmp_path / "page.xml", "--root", root)
    assert run.code == 2 and "is not an RSS or Atom feed: its root is <html>" in run.err
    assert not (root / "content/essays").exists()


def test_nothing_is_half_written(cli, root, monkeypatch):
    real, calls = os.replace, []

    def failing(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr("site_builder.importers.common.os.replace", failing)
    before = tree(root)
    run = cli("import", "substack", EXPORT, "--root", root)
    assert run.code == 2 and "nothing was written" in run.err
    assert tree(root) == before
    assert not (root / "content/essays").exists()
