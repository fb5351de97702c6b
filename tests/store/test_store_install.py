"""The migrations ship inside an installed (non-editable) package and run from there."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[2]

UPGRADE = """
import sys
import monitor
from monitor.store.db import connect, migrations_dir, require_current_schema, upgrade_schema
assert monitor.__file__.startswith(sys.argv[2]), monitor.__file__
assert str(migrations_dir()).startswith(sys.argv[2]), migrations_dir()
engine = connect(sys.argv[1])
upgrade_schema(engine)
require_current_schema(engine)
print("at", migrations_dir())
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from the source tree, installed into a directory of its own."""
    tmp_path = tmp_path_factory.mktemp("install")
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "monitor", source / "monitor", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "migrations", source / "migrations", ignore=ignore)
    target = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("monitor-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True)
    shutil.rmtree(source)  # the installed copy must not need the source tree
    return target


def test_upgrade_from_an_installed_wheel(
    installed: Path, tmp_path: Path, blank_database_url: str
) -> None:
    site = installed
    assert (site / "monitor" / "migrations" / "versions" / "0001_initial.py").is_file()
    assert not (site / "monitor" / "migrations").is_symlink()
    env = os.environ | {"PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", UPGRADE, blank_database_url, str(site)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    engine = sa.create_engine(blank_database_url, poolclass=sa.NullPool)
    with engine.connect() as connection:
        assert {"feeds", "entries", "events"} <= set(sa.inspect(connection).get_table_names())
    engine.dispose()
