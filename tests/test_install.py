"""The wheel carries the default theme: a plain (non-editable) install builds a theme-less site."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).parent.parent


def _venv_with_the_running_dependencies(env_dir: Path) -> Path:
    """Make a venv that imports the dependencies from the running interpreter, and nothing else.

    system_site_packages would show the *base* interpreter, which on a fresh machine has none of
    them. A plain path in a .pth file adds the running environment's site-packages to sys.path
    without processing the .pth files inside it, so the editable install of site_builder there
    stays out: site_builder can only come from the wheel.
    """
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    running = sysconfig.get_paths()
    dirs = dict.fromkeys((running["purelib"], running["platlib"]))
    (Path(own) / "running-dependencies.pth").write_text(
        "".join(f"{d}\n" for d in dirs), encoding="utf-8"
    )
    return python


def test_wheel_ships_the_theme_and_builds_a_site_without_templates(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    shutil.copytree(
        REPO / "site_builder", source / "site_builder", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO / "templates", source / "templates")
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(source),
        ],
        check=True,
    )
    (wheel,) = wheels.glob("site_builder-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "site_builder/theme/base.html" in names
    assert "site_builder/theme/static/style.css" in names
    assert "site_builder/preview/reload.js" in names
    assert "site_builder/fonts/DejaVuSerif-Bold.ttf" in names  # social cards' font,
    assert "site_builder/fonts/DejaVu-LICENSE.txt" in names  # and its licence

    env_dir = tmp_path / "venv"
    python = _venv_with_the_running_dependencies(env_dir)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-index",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
    )
    site = tmp_path / "site"
    shutil.copytree(REPO / "tests" / "sites" / "basic", site)
    assert not (site / "templates").exists()
    where = subprocess.run(
        [str(python), "-c", "import site_builder; print(site_builder.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert str(env_dir) in where, "the test must run the installed copy, not the checkout"
    result = subprocess.run(
        [str(env_dir / "bin" / "site-builder"), "build", "--root", str(site)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert 'class="site-header"' in (site / "output" / "index.html").read_text(encoding="utf-8")
    assert list((site / "output" / "assets" / "cards").glob("*.jpg"))  # drawn with that font
