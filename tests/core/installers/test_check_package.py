"""The installers' checks (packaging/check_package.py) and the frozen-build seams of the code.

Fast: small trees in tmp_path and the real recipe files, never a build. The build and
its full check run in `python3 dev.py package` (issue 17), outside this suite.
"""
from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "packaging"))
sys.path.insert(0, str(ROOT / "packaging" / "linux"))

import build_deb  # noqa: E402
import check_package as cp  # noqa: E402

CONTROL_IN = (ROOT / "packaging" / "linux" / "control.in").read_text(encoding="utf-8")
DESKTOP = (ROOT / "resources" / "closeloop.desktop").read_text(encoding="utf-8")


def control(glibc: str = "2.28", template: str = CONTROL_IN) -> str:
    return build_deb.control_text(template, version="0.1.0", installed_kib=200_000, glibc=glibc)


def test_the_control_file_names_every_library_qt_and_the_bundle_need() -> None:
    assert cp.check_control(control(), needed=cp.SONAME_PACKAGES, glibc="2.28") == []
    fields = cp.parse_control(control())
    assert fields["Package"] == "closeloop" and fields["Version"] == "0.1.0"
    assert fields["Installed-Size"] == "200000" and "libc6 (>= 2.28)" in fields["Depends"]
    assert "闭环督办" in fields["Description"]


def test_a_control_file_without_an_xcb_library_or_with_the_wrong_glibc_is_refused() -> None:
    text = control().replace(" libxcb-keysyms1,", "")
    assert cp.check_control(text) == ["control: Depends lacks libxcb-keysyms1 (Qt's xcb plugin needs it)"]
    assert cp.check_control(control("2.28"), glibc="2.36") == [
        "control: Depends says libc6 (>= 2.28) but the bundle needs glibc 2.36"]
    assert "a template placeholder" in cp.check_control(CONTROL_IN)[0]


def test_a_linked_library_no_package_provides_is_named() -> None:
    problems = cp.check_control(control(), needed={"libQt6Core.so.6", "libX11.so.6"})
    assert len(problems) == 1 and "libQt6Core.so.6" in problems[0]
    without_cups = control().replace(" libcups2,", "")
    assert cp.check_control(without_cups, needed={"libcups.so.2"}) == [
        "control: the bundle links to libcups.so.2; Depends or Recommends lacks libcups2"]


def test_relations_drop_versions_and_keep_alternatives() -> None:
    assert cp.relations("libc6 (>= 2.28), libgcc-s1 | libgcc1 ,x") == ["libc6", "libgcc-s1 | libgcc1", "x"]


def test_the_desktop_entry_starts_the_app_in_chinese() -> None:
    assert cp.check_desktop(DESKTOP) == []
    assert cp.parse_desktop(DESKTOP)["Name[zh_CN]"] == "闭环督办"
    broken = DESKTOP.replace("Name[zh_CN]=闭环督办", "Name[zh_CN]=Closeloop").replace("Exec=closeloop", "Exec=foo")
    assert cp.check_desktop(broken) == ["desktop: Name[zh_CN] is 'Closeloop', not '闭环督办'",
                                        "desktop: Exec is 'foo', not the closeloop launcher"]


def make_tree(root: Path) -> Path:
    for rel in cp.EXPECTED_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    for rel in cp.EXECUTABLES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("#!/bin/sh\nexec /opt/closeloop/closeloop \"$@\"\n", encoding="utf-8")
        (root / rel).chmod(0o755)
    return root


@pytest.mark.skipif(os.name == "nt", reason="a Linux package tree")
def test_the_layout_check_passes_a_complete_tree_and_names_what_is_wrong(tmp_path: Path) -> None:
    root = make_tree(tmp_path)
    assert cp.check_layout(root) == []
    (root / "usr/share/applications/closeloop.desktop").unlink()
    (root / "opt/closeloop/closeloop").chmod(0o644)
    (root / cp.INTERNAL / "libQt6WebEngineCore.so.6").write_bytes(b"x")
    (root / cp.INTERNAL / "closeloop.db").write_bytes(b"x")
    (root / cp.INTERNAL / "libgone.so").symlink_to("nowhere.so")
    assert sorted(cp.check_layout(root)) == sorted([
        "layout: missing /usr/share/applications/closeloop.desktop",
        "layout: /opt/closeloop/closeloop is not executable",
        "layout: /opt/closeloop/_internal/libQt6WebEngineCore.so.6 is a Qt module the app does not use",
        "layout: /opt/closeloop/_internal/closeloop.db is a database inside the app",
        "layout: /opt/closeloop/_internal/libgone.so is a link to nothing",
    ])


def test_the_glibc_floor_is_the_highest_version_asked_for(tmp_path: Path) -> None:
    (tmp_path / "a.so").write_bytes(b"\x7fELF..GLIBC_2.2.5\0GLIBC_2.17\0GLIBC_PRIVATE\0")
    (tmp_path / "b.so").write_bytes(b"\x7fELF..GLIBC_2.28\0GLIBC_2.3.4\0")
    (tmp_path / "c.txt").write_bytes(b"nothing")
    assert cp.glibc_floor([tmp_path / "a.so"]) == "2.17"
    assert cp.glibc_floor(sorted(tmp_path.iterdir())) == "2.28"
    assert cp.glibc_floor([tmp_path / "c.txt"]) is None
    assert cp.elf_files(tmp_path) == [tmp_path / "a.so", tmp_path / "b.so"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads a Linux ELF file")
def test_the_libraries_an_elf_file_links_to_are_read(tmp_path: Path) -> None:
    import _ctypes

    needed = cp.elf_needed(Path(_ctypes.__file__))  # a C extension of this Python
    assert needed and all(name.startswith(("lib", "ld-")) for name in needed)
    (tmp_path / "_ctypes.so").write_bytes(Path(_ctypes.__file__).read_bytes())
    assert cp.needed_sonames(tmp_path) >= {n for n in needed if n != "_ctypes.so"}


def test_the_version_is_the_projects(capsys) -> None:
    import core
    from core.cli import main

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert core.__version__ == project["version"]
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip().endswith(f" {project['version']}")


def test_a_frozen_build_reads_its_files_from_the_bundle(monkeypatch, tmp_path: Path) -> None:
    from core import paths

    assert paths.app_dir() == ROOT and (paths.LOCALE_DIR / "zh_CN").is_dir() and not paths.is_frozen()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths.app_dir() == tmp_path and paths.is_frozen()


def test_the_windows_installer_is_per_user_bilingual_and_keeps_the_data() -> None:
    iss = (ROOT / "packaging" / "windows" / "closeloop.iss").read_text(encoding="utf-8")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f'#define AppVersion "{project["version"]}"' in iss
    lines = {line.strip() for line in iss.splitlines()}
    assert {"PrivilegesRequired=lowest", "DefaultDirName={autopf}\\Closeloop", "chinesesimplified.AppName=闭环督办",
            'Name: "english"; MessagesFile: "compiler:Default.isl"'} <= lines
    assert "[UninstallDelete]" not in lines and "{userappdata}\\Closeloop" in iss  # named only to say it is kept
    assert (ROOT / "resources" / "closeloop.ico").read_bytes()[:4] == b"\0\0\1\0"
