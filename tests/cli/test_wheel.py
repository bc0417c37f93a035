"""A wheel built from the tree, installed in a new virtualenv, finds its catalog."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_wheel_in_a_fresh_virtualenv_answers_lookup(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("smserror-*.whl")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    # Dependencies come from this test run's environment (no network needed); the project itself
    # only from the wheel: the path is appended, so the wheel's own files win.
    deps = sysconfig.get_paths()["purelib"]
    site = subprocess.run(
        [py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "deps-from-test-run.pth").write_text(deps + "\n")
    subprocess.run(
        [py, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    result = subprocess.run(
        [env_dir / "bin" / "smserror", "lookup", "30007"],
        capture_output=True,
        text=True,
        cwd=outside,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Twilio 30007: ")
    where = subprocess.run(
        [py, "-c", "import bot.core.catalog as c; print(c.builtin_dir())"],
        capture_output=True,
        text=True,
        cwd=outside,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(env_dir)), where  # the packaged catalog, not the source tree
    assert Path(where, "twilio.yaml").is_file()
