"""Frontline as a package: a wheel carries the bundled data and the web assets, and an
installed copy (not editable) serves the bundled data when run from any other folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # Built from a copy of the tracked files: the build's scratch folders stay out of the
    # checkout, and what is not committed cannot end up in the wheel.
    source = tmp_path_factory.mktemp("source") / "frontline"
    tracked = subprocess.check_output(["git", "ls-files"], cwd=ROOT, text=True).split()
    for name in tracked:
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
         str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    (wheel,) = out.glob("frontline-*.whl")
    return wheel


def test_the_wheel_holds_every_package_the_data_and_the_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.check_output(["git", "ls-files"], cwd=ROOT, text=True).split()
    for package in ("geo", "dashboard"):
        for init in (ROOT / package).rglob("__init__.py"):
            if str(init.relative_to(ROOT)) not in tracked:
                continue
            assert str(init.relative_to(ROOT)) in names, f"{init} is not in the wheel"
    for path in (ROOT / "data").rglob("*"):
        if str(path.relative_to(ROOT)) in tracked:
            packed = "frontline_data/" + str(path.relative_to(ROOT / "data"))
            assert packed in names, f"{packed} is not in the wheel"
    for path in (ROOT / "assets").iterdir():
        if str(path.relative_to(ROOT)) in tracked:
            assert f"frontline_assets/{path.name}" in names


def test_an_installed_copy_serves_from_another_folder(wheel, tmp_path):
    # A new virtualenv sees the test environment's dependencies (a .pth line: no downloads
    # here) but not this checkout, and gets Frontline itself from the wheel only.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(subprocess.check_output([str(venv / "bin" / "python"), "-c", purelib],
                                        text=True).strip())  # fmt: skip
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
         str(wheel)],
        check=True, timeout=300,
    )  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    python = str(venv / "bin" / "python")
    where = subprocess.check_output(
        [python, "-c", "import geo.paths as p; print(p.__file__); print(p.bundled_data_dir())"],
        cwd=elsewhere, text=True, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    ).split()  # fmt: skip
    assert str(ROOT) not in where[0] and where[1].endswith("frontline_data"), where
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["FRONTLINE_DATA_DIR"] = str(tmp_path / "user")
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [python, "-m", "dashboard.cli", "serve", "--port", str(port)],
            cwd=elsewhere, stdout=out, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 90
        while time.time() < deadline:
            assert proc.poll() is None, log.read_text()
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        page = urllib.request.urlopen(base + "/", timeout=30).read().decode()
        assert "explorer.css" in page
        css = urllib.request.urlopen(base + "/assets/explorer.css", timeout=30)
        assert css.status == 200
        changes = urllib.request.urlopen(
            base + "/api/v1/territory/changes.csv?from=2024-10-01&to=2024-11-01&regions=UA-14",
            timeout=60,
        ).read()  # fmt: skip
        assert b",398.6," in changes
    finally:
        proc.terminate()
        proc.wait(timeout=30)
