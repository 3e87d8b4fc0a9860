"""The command line when it is used wrongly: short messages and exit status 2."""

from __future__ import annotations

import pytest


def test_a_folder_without_site_yaml_is_a_usage_error(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run = cli("build", "--root", tmp_path / "missing")
    assert run.code == 2
    assert run.err.startswith("site-builder: error: no site.yaml in missing: run this in a site")


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


def test_jobs_must_be_positive(cli):
    from pathlib import Path

    root = Path(__file__).parent / "sites" / "basic"
    run = cli("build", "--root", root, "--jobs", "0")
    assert (run.code, run.err) == (
        2,
        "site-builder: error: --jobs takes a number of processes, 1 or more\n",
    )
