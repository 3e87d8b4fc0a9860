"""The command line when it is used wrongly: short messages and exit status 2."""

from __future__ import annotations

import pytest


def test_a_folder_without_site_yaml_is_a_usage_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("build", "--root", tmp_path / "missing")
    assert run.code == 2
    assert run.err.startswith("site-builder: error: no site.yaml in missing: run this in a site")


@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_a_root_naming_the_site_yaml_itself_is_told_to_name_its_folder(
    cli, site, command, monkeypatch
):
    monkeypatch.chdir(site({}).parent)
    run = cli(command, "--root", "site/site.yaml")
    assert (run.code, run.out) == (2, "")
    assert (
        run.err == "site-builder: error: --root takes the site's folder, not a file: --root site\n"
    )


@pytest.mark.parametrize(
    "args", [["biuld"], ["new", "blog", "x"], ["new", "essay"], ["serve", "--port", "eighty"]]
)
def test_mistyped_commands_exit_2_without_a_traceback(cli, args, capsys):
    with pytest.raises(SystemExit) as stop:
        cli(*args)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "error:" in err


def test_no_command_shows_the_commands(cli):
    run = cli()
    assert run.code == 2 and "build" in run.err and "serve" in run.err


def test_bad_base_url_is_a_usage_error(cli):
    from pathlib import Path

    root = Path(__file__).parent / "sites" / "basic"
    run = cli("build", "--root", root, "--base-url", "example.org")
    assert (run.code, run.err) == (
        2,
        "site-builder: error: --base-url: 'example.org' is not an absolute http(s) URL\n",
    )


@pytest.mark.parametrize(
    ("url", "said"),
    [
        # every href would be `//double/…`: a link to a host called "double"
        (
            "https://e.org//double/",
            "has an empty folder (//) in its path: write https://e.org/double/",
        ),
        ("https://e.org/a b/", "cannot hold as they are: write https://e.org/a%20b/"),
        ("https://e.org/100%/", "cannot hold as they are: write https://e.org/100%25/"),
        ('https://e.org/a"b/', "cannot hold as they are: write https://e.org/a%22b/"),
        ("https://user:pw@e.org/", "holds a user name or password: every page would show it"),
        ("https://bücher.de/", "not a plain domain name: write https://xn--bcher-kva.de/"),
        ("https://e .org/", "not a plain domain name: write its name in ASCII letters"),
        ("", "'' is not an absolute http(s) URL"),  # given empty: refused, not ignored
    ],
)
def test_a_base_url_that_would_break_every_link_is_refused_with_what_to_write(cli, url, said):
    from pathlib import Path

    root = Path(__file__).parent / "sites" / "basic"
    run = cli("build", "--root", root, "--base-url", url, "--output", "/nonexistent/never")
    assert run.code == 2 and run.err.startswith("site-builder: error: --base-url: '"), run.err
    assert said in run.err and run.err.count("\n") == 1


def test_a_host_of_many_labels_that_is_refused_is_refused_at_once(cli):
    from site_builder.config import BaseUrlError, normalise_base_url

    # a pattern with nested repeats took seconds at 24 letters and doubled with each one more
    with pytest.raises(BaseUrlError):
        normalise_base_url("https://" + "a" * 5000 + "!/")
    with pytest.raises(BaseUrlError):
        normalise_base_url("https://" + "a." * 5000 + "!/")


def test_a_base_url_in_site_yaml_is_refused_at_its_line_with_what_to_write(cli, site):
    root = site({}, site_yaml="title: T\nsearch: false\nbase_url: https://e.org//double/\n")
    run = cli("check", "--root", root)
    assert run.code == 1
    assert (
        "site.yaml:3: error: 'https://e.org//double/' has an empty folder (//) in its path"
        " [config]\n    hint: write https://e.org/double/\n"
    ) in run.out + run.err


def test_jobs_must_be_positive(cli):
    from pathlib import Path

    root = Path(__file__).parent / "sites" / "basic"
    run = cli("build", "--root", root, "--jobs", "0")
    assert (run.code, run.err) == (
        2,
        "site-builder: error: --jobs takes a number of processes, 1 or more\n",
    )


@pytest.mark.parametrize(
    "option, value, said",
    [
        ("--port", "99999", "--port takes a port number from 1 to 65535, or 0 for any free one"),
        ("--port", "-5", "--port takes a port number from 1 to 65535, or 0 for any free one"),
        ("--host", "", "--host takes a name or address: 127.0.0.1 (this machine only)"),
    ],
)
def test_serve_refuses_an_address_it_cannot_listen_on_before_building(cli, option, value, said):
    from pathlib import Path

    root = Path(__file__).parent / "sites" / "basic"
    run = cli("serve", "--root", root, option, value)
    assert (run.code, run.err, run.out) == (2, f"site-builder: error: {said}\n", "")
