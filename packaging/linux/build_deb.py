#!/usr/bin/env python3
"""Assemble the Linux .deb from the frozen one-folder build (dist/closeloop, packaging/closeloop.spec).

    python packaging/linux/build_deb.py --dist dist/closeloop --out dist

Lays out a package root and builds it with `dpkg-deb --root-owner-group --build`:
    /opt/closeloop/                     the frozen app (closeloop and _internal/)
    /usr/bin/closeloop                  launcher (packaging/linux/closeloop.sh)
    /usr/share/applications/closeloop.desktop   (resources/closeloop.desktop)
    /usr/share/icons/hicolor/scalable/apps/closeloop.svg and <n>x<n>/apps/closeloop.png
    /usr/share/doc/closeloop/copyright
    DEBIAN/control                      packaging/linux/control.in with the version, the
                                        installed size and libc6 (>= the glibc the bundle needs)
No maintainer scripts: dpkg's triggers refresh the menu and the icon cache. The user's
data (~/.local/share/closeloop) is never part of the package, so removing or purging it
leaves every office database in place. Prints the .deb's path.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

from check_package import elf_files, glibc_floor  # noqa: E402  (packaging/ is not a package)


def project_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def control_text(template: str, *, version: str, installed_kib: int, glibc: str) -> str:
    return (template.replace("@VERSION@", version).replace("@INSTALLED_SIZE@", str(installed_kib))
            .replace("@GLIBC@", glibc))


def stage(dist: Path, root: Path, version: str) -> Path:
    """Lay out the package root in `root` (emptied first); returns it."""
    if root.exists():
        shutil.rmtree(root)
    app = root / "opt" / "closeloop"
    shutil.copytree(dist, app, symlinks=True)
    (root / "usr" / "bin").mkdir(parents=True)
    shutil.copy2(HERE / "closeloop.sh", root / "usr" / "bin" / "closeloop")
    (root / "usr" / "bin" / "closeloop").chmod(0o755)
    applications = root / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "closeloop.desktop", applications / "closeloop.desktop")
    icons = root / "usr" / "share" / "icons" / "hicolor"
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(ROOT / "resources" / "icons" / "closeloop.svg", icons / "scalable" / "apps" / "closeloop.svg")
    subprocess.run([sys.executable, str(HERE.parent / "make_icons.py"), "--png-dir", str(icons)],
                   check=True, stdout=subprocess.DEVNULL)
    doc = root / "usr" / "share" / "doc" / "closeloop"
    doc.mkdir(parents=True)
    shutil.copy2(HERE / "copyright", doc / "copyright")
    for path in root.rglob("*"):  # dpkg wants 0755 folders and no group/other write bits
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() or path.stat().st_mode & 0o111 else 0o644)
    installed = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink())
    glibc = glibc_floor(elf_files(app))
    if glibc is None:
        raise SystemExit("build_deb: no ELF file in the bundle asks for a glibc version; is it a Linux build?")
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        control_text((HERE / "control.in").read_text(encoding="utf-8"), version=version,
                     installed_kib=(installed + 1023) // 1024, glibc=glibc), encoding="utf-8")
    return root


def build(dist: Path, out: Path, version: str | None = None) -> Path:
    version = version or project_version()
    root = stage(dist, out / "deb-root", version)
    deb = out / f"closeloop_{version}_amd64.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(root)
    return deb


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Build the Closeloop .deb from dist/closeloop.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "closeloop")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    if not (args.dist / "closeloop").is_file():
        sys.exit(f"build_deb: {args.dist / 'closeloop'} is missing; run PyInstaller on packaging/closeloop.spec first")
    print(build(args.dist, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
