#!/usr/bin/env python3
"""Checks of a built Closeloop: the .deb's layout and metadata, and the frozen app run like a user.

    python packaging/check_package.py --deb dist/closeloop_0.1.0_amd64.deb [--runs 3]

`python3 dev.py package` calls it after building. It extracts the .deb with `dpkg -x`
(and its control file with `dpkg-deb -e`) into a scratch folder and checks:
- the layout (`check_layout`): the executable /opt/closeloop/closeloop, the /usr/bin launcher,
  /usr/share/applications/closeloop.desktop, the icon in hicolor, and inside the bundle the
  compiled catalogs, the fonts with their licences, the page icons, the holiday calendar and
  Qt's own catalog qtbase_zh_CN.qm;
- the .desktop entry (`check_desktop`) and the control file (`check_control`), including that
  every system library the bundle links to is named in Depends or Recommends (`needed_sonames`,
  `SONAME_PACKAGES`) and that Depends holds the xcb libraries Qt's xcb plugin needs;
- the glibc the bundle needs (`glibc_floor`: the highest GLIBC_2.x symbol version its ELF
  files ask for), which must equal the control's `libc6 (>= …)`;
- the frozen app, run from the extracted tree (`run_app_checks`): `--version`, `demo` into a
  temporary folder, `task list` on it, a printed document (`report monthly`, reportlab with the
  shipped fonts), the user manual's PDF, an Excel export (openpyxl), and `--smoke` (the main window on the offscreen
  platform, quitting after its first paint) — each timed, the median of `runs`.
The pure functions (everything but `main` and `run_app_checks`) are tested in
tests/core/test_check_package.py on small fixtures; the build itself is not part of the suite.
Standard library only.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

APP = "opt/closeloop"
INTERNAL = f"{APP}/_internal"
EXPECTED_FILES = (
    "usr/share/applications/closeloop.desktop",
    "usr/share/icons/hicolor/scalable/apps/closeloop.svg",
    "usr/share/icons/hicolor/48x48/apps/closeloop.png",
    "usr/share/icons/hicolor/256x256/apps/closeloop.png",
    "usr/share/doc/closeloop/copyright",
    f"{INTERNAL}/i18n/zh_CN/LC_MESSAGES/messages.mo",
    f"{INTERNAL}/i18n/en/LC_MESSAGES/messages.mo",
    f"{INTERNAL}/resources/fonts/wqy-microhei.ttc",
    f"{INTERNAL}/resources/fonts/wqy-microhei.LICENSE.txt",
    f"{INTERNAL}/resources/fonts/closeloop-serif-sc.ttf",
    f"{INTERNAL}/resources/fonts/closeloop-serif-sc-bold.ttf",
    f"{INTERNAL}/resources/fonts/closeloop-serif-sc.LICENSE-OFL-1.1.txt",
    f"{INTERNAL}/resources/fonts/closeloop-kai-sc.ttf",
    f"{INTERNAL}/resources/fonts/closeloop-kai-sc.LICENSE-OFL-1.1.txt",
    f"{INTERNAL}/resources/icons/closeloop.svg",
    f"{INTERNAL}/resources/icons/ledger.svg",
    f"{INTERNAL}/resources/holidays/cn_holidays.csv",
    f"{INTERNAL}/resources/manual/zh_CN.md",
    f"{INTERNAL}/resources/manual/en.md",
    f"{INTERNAL}/PySide6/Qt/translations/qtbase_zh_CN.qm",
    f"{INTERNAL}/PySide6/Qt/plugins/platforms/libqxcb.so",
    f"{INTERNAL}/PySide6/Qt/plugins/platforms/libqoffscreen.so",
)
EXECUTABLES = (f"{APP}/closeloop", "usr/bin/closeloop")
# Qt modules the app must not carry (packaging/closeloop.spec leaves them out)
FORBIDDEN = ("libQt6WebEngineCore", "libQt6Quick.", "libQt6Qml.", "libQt6Multimedia", "libQt63DCore")

# Qt's xcb platform plugin aborts without these (shared/NOTES.md): Depends must name them all
XCB_PACKAGES = (
    "libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
    "libxcb-randr0", "libxcb-render-util0", "libxcb-xinerama0", "libxcb-xkb1", "libxcb-shape0",
    "libegl1", "libgl1",
)

# the system libraries the bundle links to and the Debian package (same names on Debian 10+,
# UOS 20, Ubuntu 20.04+ and Kylin V10) that provides each; the GTK ones come with libgtk-3-0
_LIBC = ("ld-linux-x86-64.so.2", "libc.so.6", "libdl.so.2", "libm.so.6", "libpthread.so.0",
         "libresolv.so.2", "librt.so.1", "libutil.so.1")
_GTK = ("libatk-1.0.so.0", "libcairo-gobject.so.2", "libcairo.so.2", "libgdk-3.so.0",
        "libgdk_pixbuf-2.0.so.0", "libgtk-3.so.0", "libpango-1.0.so.0", "libpangocairo-1.0.so.0")
SONAME_PACKAGES: dict[str, str] = {
    **{name: "libc6" for name in _LIBC},
    **{name: "libgtk-3-0" for name in _GTK},
    "libstdc++.so.6": "libstdc++6", "libgcc_s.so.1": "libgcc-s1 | libgcc1", "libatomic.so.1": "libatomic1",
    "libzstd.so.1": "libzstd1", "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0", "libgio-2.0.so.0": "libglib2.0-0", "libdbus-1.so.3": "libdbus-1-3",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6",
    "libgssapi_krb5.so.2": "libgssapi-krb5-2", "libcups.so.2": "libcups2", "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1", "libX11.so.6": "libx11-6", "libX11-xcb.so.1": "libx11-xcb1", "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0", "libxcb-glx.so.0": "libxcb-glx0", "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0", "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1", "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0", "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0", "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0", "libwayland-egl.so.1": "libwayland-egl1",
}
GLIBC = re.compile(rb"GLIBC_2\.(\d+)(?:\.(\d+))?")


# -- metadata ------------------------------------------------------------------------------------

def parse_control(text: str) -> dict[str, str]:
    """A Debian control paragraph: field → value (continuation lines joined with newlines)."""
    fields: dict[str, str] = {}
    key = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key] += "\n" + line.strip()
        elif ":" in line:
            key, _, value = line.partition(":")
            key = key.strip()
            fields[key] = value.strip()
    return fields


def relations(value: str) -> list[str]:
    """A Depends-style field as its relations, version constraints dropped: 'a (>= 1), b | c' → ['a', 'b | c']."""
    out = []
    for part in value.split(","):
        alternatives = [re.sub(r"\s*\(.*?\)", "", alt).strip() for alt in part.split("|")]
        if any(alternatives):
            out.append(" | ".join(a for a in alternatives if a))
    return out


def check_control(text: str, *, needed: Iterable[str] = (), glibc: str | None = None) -> list[str]:
    """Problems with a control file: required fields, the xcb libraries, every needed library's package."""
    fields = parse_control(text)
    problems = [f"control: no {name} field" for name in
                ("Package", "Version", "Architecture", "Maintainer", "Description", "Depends") if not fields.get(name)]
    if fields.get("Package") not in (None, "closeloop"):
        problems.append(f"control: Package is {fields['Package']}, not closeloop")
    if fields.get("Architecture") not in (None, "amd64"):
        problems.append(f"control: Architecture is {fields['Architecture']}, not amd64")
    if re.search(r"@[A-Z_]+@", text):
        problems.append("control: a template placeholder (@…@) was left in")
    depends = relations(fields.get("Depends", ""))
    recommends = relations(fields.get("Recommends", ""))
    for package in XCB_PACKAGES:
        if package not in depends:
            problems.append(f"control: Depends lacks {package} (Qt's xcb plugin needs it)")
    offered = set(depends) | set(recommends)
    for soname in sorted(set(needed)):
        package = SONAME_PACKAGES.get(soname)
        if package is None:
            problems.append(f"control: the bundle links to {soname}, which no known package provides "
                            "(bundle it, or add it to SONAME_PACKAGES and Depends)")
        elif package not in offered:
            problems.append(f"control: the bundle links to {soname}; Depends or Recommends lacks {package}")
    libc = re.search(r"libc6 \(>= ([0-9.]+)\)", fields.get("Depends", ""))
    if libc is None:
        problems.append("control: Depends lacks libc6 (>= …), the glibc the build needs")
    elif glibc is not None and libc.group(1) != glibc:
        problems.append(f"control: Depends says libc6 (>= {libc.group(1)}) but the bundle needs glibc {glibc}")
    return problems


def parse_desktop(text: str) -> dict[str, str]:
    """The [Desktop Entry] group of a .desktop file: key → value."""
    entries: dict[str, str] = {}
    group = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            group = line
        elif group == "[Desktop Entry]" and "=" in line:
            key, _, value = line.partition("=")
            entries[key.strip()] = value.strip()
    return entries


def check_desktop(text: str) -> list[str]:
    """Problems with closeloop.desktop: what a Kylin/UOS menu needs to list and start the app in Chinese."""
    entry = parse_desktop(text)
    expected = {"Type": "Application", "Name": "Closeloop", "Name[zh_CN]": "闭环督办", "Icon": "closeloop",
                "Terminal": "false"}
    problems = [f"desktop: {key} is {entry.get(key)!r}, not {value!r}" for key, value in expected.items()
                if entry.get(key) != value]
    exec_line = entry.get("Exec", "")
    if exec_line.split()[:1] not in (["closeloop"], ["/usr/bin/closeloop"]):
        problems.append(f"desktop: Exec is {exec_line!r}, not the closeloop launcher")
    if not entry.get("Categories", "").endswith(";"):
        problems.append("desktop: Categories missing or not ';'-terminated")
    return problems


# -- the files -----------------------------------------------------------------------------------

def check_layout(root: Path) -> list[str]:
    """Problems with an extracted package tree rooted at `root` (what `dpkg -x` made)."""
    problems = [f"layout: missing /{rel}" for rel in EXPECTED_FILES if not (root / rel).is_file()]
    for rel in EXECUTABLES:
        path = root / rel
        if not path.is_file():
            problems.append(f"layout: missing /{rel}")
        elif not os.access(path, os.X_OK):
            problems.append(f"layout: /{rel} is not executable")
    launcher = root / "usr/bin/closeloop"
    if launcher.is_file() and f"/{APP}/closeloop" not in launcher.read_text(encoding="utf-8", errors="replace"):
        problems.append(f"layout: /usr/bin/closeloop does not start /{APP}/closeloop")
    internal = root / INTERNAL
    if internal.is_dir():
        for path in internal.rglob("*"):
            if path.is_symlink() and not path.exists():
                problems.append(f"layout: /{path.relative_to(root)} is a link to nothing")
            if path.name.startswith(FORBIDDEN):
                problems.append(f"layout: /{path.relative_to(root)} is a Qt module the app does not use")
            if path.suffix in (".db", ".clbak") or path.name.endswith((".db-wal", ".db-shm")):
                problems.append(f"layout: /{path.relative_to(root)} is a database inside the app")
    return problems


def elf_files(folder: Path) -> list[Path]:
    """The ELF files under `folder` (symbolic links skipped)."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of a 64-bit little-endian ELF file (the libraries it links to)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    needed = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab_offset = sections[link][4]
        for i in range(0, size, entsize or 16):
            tag, value = struct.unpack_from("<qQ", data, offset + i)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab_offset + value)
                needed.append(data[strtab_offset + value:end].decode())
    return needed


def needed_sonames(folder: Path) -> set[str]:
    """Libraries the ELF files under `folder` link to that the folder does not hold: the system's part."""
    present = {path.name for path in folder.rglob("*")}
    return {name for path in elf_files(folder) for name in elf_needed(path) if name not in present}


def glibc_floor(paths: Iterable[Path]) -> str | None:
    """The highest GLIBC_2.x symbol version the files ask for ('2.35'), None if none does."""
    best: tuple[int, int] | None = None
    for path in paths:
        for match in GLIBC.finditer(path.read_bytes()):
            version = (int(match.group(1)), int(match.group(2) or 0))
            best = version if best is None or version > best else best
    if best is None:
        return None
    return f"2.{best[0]}" + (f".{best[1]}" if best[1] else "")


# -- running the frozen app ----------------------------------------------------------------------

@dataclass
class Timing:
    name: str
    seconds: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000


def isolated_env(home: Path) -> dict[str, str]:
    """An environment whose settings, data and fonts cache are in `home`, signed in as the demo's admin."""
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), CLOSELOOP_USER="admin", CLOSELOOP_PASSWORD="demo",
               QT_QPA_PLATFORM="offscreen", CLOSELOOP_LANG="zh_CN")
    env.pop("CLOSELOOP_DB", None)
    return env


def timed(cmd: list[str], env: dict[str, str], *, until: str | None = None, timeout: float = 120) -> tuple[float, str]:
    """Run `cmd`; seconds until it ends (or until a stderr line contains `until`), and its output."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen_at = None
    if until is not None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if until in line:
                seen_at = time.perf_counter() - started
                rest = line
                break
        else:
            rest = ""
    out, err = proc.communicate(timeout=timeout)
    elapsed = seen_at if seen_at is not None else time.perf_counter() - started
    if proc.returncode != 0 or (until is not None and seen_at is None):
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}):\n{out}\n{err}")
    return elapsed, out + (rest if until is not None else "") + err


def run_app_checks(command: list[str], work: Path, runs: int = 3) -> tuple[list[Timing], list[str]]:
    """Run the app as a user would (`command` starts it: the frozen executable, or python main.py)."""
    home = work / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = isolated_env(home)
    db = str(work / "demo.db")
    problems: list[str] = []
    _, out = timed([*command, "--version"], env)
    if "0." not in out and "1." not in out:
        problems.append(f"run: --version printed {out!r}")
    timed([*command, "--db", db, "demo", "--today", "2026-12-07"], env, timeout=300)
    _, listing = timed([*command, "--db", db, "task", "list", "--limit", "5"], env)
    if "2026-" not in listing and "2025-" not in listing:
        problems.append(f"run: task list printed no assignment:\n{listing}")
    for what, args, out in (("report monthly", ["--db", db, "report", "monthly", "2026-11"], "monthly.pdf"),
                            ("manual", ["manual", "--lang", "en"], "manual.pdf"),
                            ("export-xlsx ledger", ["--db", db, "export-xlsx", "ledger"], "ledger.xlsx")):
        target = work / out
        try:
            timed([*command, *args, "--out", str(target)], env, timeout=300)
        except RuntimeError as exc:
            problems.append(f"run: {what} failed: {exc}")
            continue
        magic = b"%PDF" if out.endswith(".pdf") else b"PK"
        if not target.is_file() or not target.read_bytes().startswith(magic):
            problems.append(f"run: {what} wrote no {out}")
    _, smoke = timed([*command, "--db", db, "--smoke"], env, until="closeloop smoke: first paint")
    if "qt: 取消" not in smoke:
        problems.append(f"run: Qt's own catalog (qtbase_zh_CN.qm) was not loaded: {smoke.strip()}")
    timings = [Timing("--version", []), Timing("task list --limit 5", []), Timing("window to first paint", [])]
    for _ in range(runs):
        timings[0].seconds.append(timed([*command, "--version"], env)[0])
        timings[1].seconds.append(timed([*command, "--db", db, "task", "list", "--limit", "5"], env)[0])
        timings[2].seconds.append(timed([*command, "--db", db, "--smoke"], env,
                                        until="closeloop smoke: first paint")[0])
    return timings, problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Check a built Closeloop .deb (layout, metadata, the app run).")
    parser.add_argument("--deb", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each check (medians are shown)")
    parser.add_argument("--source", action="store_true", help="also time the source run (python main.py) beside it")
    args = parser.parse_args(argv)
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="closeloop-check-") as scratch:
        root, meta = Path(scratch) / "root", Path(scratch) / "DEBIAN"
        subprocess.run(["dpkg", "-x", str(args.deb), str(root)], check=True)
        subprocess.run(["dpkg-deb", "-e", str(args.deb), str(meta)], check=True)
        problems += check_layout(root)
        bundle = root / APP
        floor = glibc_floor(elf_files(bundle))
        needed = needed_sonames(bundle)
        problems += check_control((meta / "control").read_text(encoding="utf-8"), needed=needed, glibc=floor)
        problems += check_desktop((root / "usr/share/applications/closeloop.desktop").read_text(encoding="utf-8"))
        print(f"check: {args.deb.name}: {args.deb.stat().st_size / 2**20:.1f} MiB, "
              f"{sum(p.stat().st_size for p in bundle.rglob('*') if p.is_file() and not p.is_symlink()) / 2**20:.0f} MiB "
              "installed, "
              f"needs glibc >= {floor}, links to {len(needed)} system libraries")
        if not problems:
            timings, run_problems = run_app_checks([str(bundle / "closeloop")], Path(scratch) / "frozen", args.runs)
            problems += run_problems
            rows = [("frozen", t) for t in timings]
            if args.source:
                repo = Path(__file__).resolve().parent.parent
                source, _ = run_app_checks([sys.executable, str(repo / "main.py")], Path(scratch) / "source", args.runs)
                rows += [("source", t) for t in source]
            for kind, t in rows:
                print(f"check: {kind:6} {t.name:24} median {t.median_ms:6.0f} ms of {len(t.seconds)} "
                      f"({', '.join(f'{s * 1000:.0f}' for s in t.seconds)})")
    for problem in problems:
        print(f"check: PROBLEM {problem}", file=sys.stderr)
    print("check: the package is good" if not problems else f"check: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if shutil.which("dpkg") is None:
        sys.exit("check_package: needs dpkg and dpkg-deb (Debian, Ubuntu, Kylin, UOS)")
    sys.exit(main(sys.argv[1:]))
