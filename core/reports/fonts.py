"""Which font file serves each printing role (docs/design.md §9), and registering them in reportlab.

Contract:
- `ROLES`: 仿宋 fangsong, 小标宋 xiaobiaosong, 黑体 heiti, 楷体 kaiti, 宋体 songti.
- `font_choices(db=None)` → {role: FontChoice}. Discovery order per role: the file the
  user chose (setting `font_<role>`), then the system's fonts (Windows: simfang.ttf,
  simsun.ttc, simhei.ttf, simkai.ttf, FZXBSJW.TTF in the fonts folders; elsewhere
  fontconfig's `fc-list`), then the files shipped in resources/fonts. Only
  TrueType-outline faces whose OS/2 fsType allows embedding are taken (CFF fonts
  such as Noto CJK are rejected). Never a blank: the shipped WenQuanYi Micro Hei
  serves any role nothing else covers. `substituted` is true when the face is not
  the one the role names (e.g. a serif standing in for 仿宋).
- The system scan is cached per process; `clear_cache()` forgets it and the parsed
  files (reportlab keeps what it registered: a name is per file and face, so a
  changed choice registers under a new name), `set_search(FontSearch(...))` replaces where to look
  (tests inject folders and an fc-list answer so nothing depends on the machine).
  CLOSELOOP_FONTS=shipped in the environment skips the system's fonts altogether
  (the user's choice, then the shipped files): for tests and golden renders.
- Shipped files (resources/fonts/README.md): Closeloop Serif SC regular (GBK) for 仿宋
  and 宋体, its bold (GB 2312 + the rarer characters of names) for 小标宋, Closeloop
  Kai SC (LXGW WenKai, GB 2312 + names) for 楷体, WenQuanYi Micro Hei (GBK, a real
  sans) for 黑体. Each is a stand-in of the role's style for the face the role names,
  so a shipped choice is always `substituted`; a role whose shipped file is missing
  falls back to the regular serif, then to WenQuanYi.
- `register_fonts(db=None)` → FontSet of reportlab font names (unique per file and
  face, registered once per process) for each role plus `fallback`, a font with GBK
  coverage for characters the main font lacks, and `chain`, every shipped face
  registered, for the per-character fallback.
- `fallback_chain(main, first)` → the registered fonts to try, in order, for a
  character `main` lacks: the faces closest in weight (OS/2 usWeightClass) to `main`
  first (a bold title's rare character is drawn bold when a bold face has it), `first`
  ahead of others of the same weight.
- `set_font_choice(s, role, path)` (Session write, audited `font_choice`): the user's
  file for a role; an empty path goes back to automatic discovery. A missing,
  non-TrueType or non-embeddable file is refused with a sentence and nothing changes.
- `check_font_file(path)` → FaceInfo of the first usable face, or Refusal.
Never imports Qt; safe on any thread (the cache is guarded by a lock).
"""
from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import sqlite_utils

from core.errors import Refusal
from core.i18n import N_, _
from core.office import Session, get_setting, set_setting
from core.paths import RESOURCES_DIR

ROLES = ("fangsong", "xiaobiaosong", "heiti", "kaiti", "songti")
ROLE_NAMES = {"fangsong": N_("FangSong (仿宋)"), "xiaobiaosong": N_("XiaoBiaoSong (小标宋)"),
              "heiti": N_("HeiTi (黑体)"), "kaiti": N_("KaiTi (楷体)"), "songti": N_("SongTi (宋体)")}
Source = Literal["user", "system", "shipped"]

SHIPPED_DIR = RESOURCES_DIR / "fonts"
SHIPPED_SANS = "wqy-microhei.ttc"
SHIPPED_SERIF = "closeloop-serif-sc.ttf"
SHIPPED_SERIF_BOLD = "closeloop-serif-sc-bold.ttf"
SHIPPED_KAI = "closeloop-kai-sc.ttf"
SHIPPED_ORDER = {"fangsong": (SHIPPED_SERIF, SHIPPED_SANS), "songti": (SHIPPED_SERIF, SHIPPED_SANS),
                 "xiaobiaosong": (SHIPPED_SERIF_BOLD, SHIPPED_SERIF, SHIPPED_SANS),
                 "kaiti": (SHIPPED_KAI, SHIPPED_SERIF, SHIPPED_SANS), "heiti": (SHIPPED_SANS,)}

WINDOWS_FILES = {"fangsong": ("simfang.ttf",), "xiaobiaosong": ("FZXBSJW.TTF", "FZXBSK.TTF"),
                 "heiti": ("simhei.ttf",), "kaiti": ("simkai.ttf",), "songti": ("simsun.ttc",)}
# fontconfig families: the role's own faces first (not substituted), then stand-ins of the same style
ROLE_FAMILIES = {
    "fangsong": ("FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "华文仿宋"),
    "xiaobiaosong": ("FZXiaoBiaoSong-B05S", "方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong"),
    "heiti": ("SimHei", "黑体", "STHeiti", "华文黑体"),
    "kaiti": ("KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "STKaiti", "华文楷体"),
    "songti": ("SimSun", "宋体", "NSimSun", "新宋体", "STSong", "华文宋体"),
}
STAND_INS = {
    "fangsong": ("AR PL UMing CN", "AR PL SungtiL GB"),
    "xiaobiaosong": (),
    "heiti": ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei"),
    "kaiti": ("AR PL UKai CN", "AR PL KaitiM GB", "LXGW WenKai"),
    "songti": ("AR PL UMing CN", "AR PL SungtiL GB"),
}


@dataclass(frozen=True)
class FontChoice:
    """The face that prints one role."""

    role: str
    path: Path
    subfont_index: int
    family: str
    source: Source
    substituted: bool


@dataclass(frozen=True)
class FontSet:
    """reportlab font names per role, and the fallback for characters a main font lacks."""

    fangsong: str
    xiaobiaosong: str
    heiti: str
    kaiti: str
    songti: str
    fallback: str
    chain: tuple[str, ...] = ()


@dataclass(frozen=True)
class FaceInfo:
    """What the font file's tables say about one face."""

    path: Path
    index: int
    family: str
    truetype: bool
    embeddable: bool
    weight: int = 400


def _default_fc_list() -> str:
    exe = shutil.which("fc-list")
    if not exe:
        return ""
    try:
        return subprocess.run([exe, ":lang=zh-cn", "-f", "%{file}|%{index}|%{family}|%{fontformat}\n"],
                              capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _default_windows_dirs() -> tuple[Path, ...]:
    if sys.platform != "win32":
        return ()
    dirs = [Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"]
    if os.environ.get("LOCALAPPDATA"):
        dirs.append(Path(os.environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    return tuple(dirs)


@dataclass(frozen=True)
class FontSearch:
    """Where discovery looks: Windows font folders, an fc-list answer, the shipped folder."""

    windows_dirs: tuple[Path, ...] = field(default_factory=_default_windows_dirs)
    fc_list: Callable[[], str] | None = _default_fc_list
    shipped_dir: Path = SHIPPED_DIR


_lock = threading.RLock()
_search = FontSearch()
_system: dict[str, FontChoice | None] | None = None
_faces: dict[tuple[str, int], FaceInfo | None] = {}
_registered: dict[tuple[str, int], str] = {}
_weights: dict[str, int] = {}          # registered name -> OS/2 usWeightClass


def set_search(search: FontSearch) -> None:
    """Replace where discovery looks (tests) and forget everything cached."""
    global _search
    with _lock:
        _search = search
        clear_cache()


def clear_cache() -> None:
    """Forget the system scan and parsed faces (e.g. after fonts were installed)."""
    global _system
    with _lock:
        _system = None
        _faces.clear()


# ------------------------------------------------------------------ reading font files

def _read_faces(path: Path) -> list[FaceInfo]:
    """Every face of a .ttf/.otf/.ttc file, from its table directory, OS/2 and name tables."""
    with path.open("rb") as f:
        data = f.read(12)
        if data[:4] == b"ttcf":
            count = struct.unpack(">I", data[8:12])[0]
            offsets = list(struct.unpack(f">{count}I", f.read(4 * count)))
        else:
            offsets = [0]
        return [_read_face(f, path, i, off) for i, off in enumerate(offsets)]


def _read_face(f, path: Path, index: int, offset: int) -> FaceInfo:  # noqa: ANN001
    f.seek(offset)
    head = f.read(12)
    if len(head) < 12:
        raise ValueError("short file")
    num = struct.unpack(">H", head[4:6])[0]
    tables = {}
    for _i in range(num):
        tag, _sum, toff, tlen = struct.unpack(">4sIII", f.read(16))
        tables[tag] = (toff, tlen)
    truetype = b"glyf" in tables and b"loca" in tables
    embeddable = True
    weight = 400
    if b"OS/2" in tables:
        f.seek(tables[b"OS/2"][0] + 4)
        raw = f.read(6)     # usWeightClass, usWidthClass, fsType
        if len(raw) == 6:
            weight, _width, fs_type = struct.unpack(">HHH", raw)
            embeddable = not (fs_type == 0x0002 or fs_type & 0x0300)
    family = _family(f, tables.get(b"name")) or path.stem
    return FaceInfo(path, index, family, truetype, embeddable, weight or 400)


def _family(f, where: tuple[int, int] | None) -> str:  # noqa: ANN001
    if not where:
        return ""
    f.seek(where[0])
    blob = f.read(where[1])
    if len(blob) < 6:
        return ""
    _fmt, count, strings = struct.unpack(">HHH", blob[:6])
    found: dict[tuple[int, int], str] = {}
    for i in range(min(count, (len(blob) - 6) // 12)):
        pid, _eid, lang, nid, length, off = struct.unpack(">HHHHHH", blob[6 + 12 * i: 18 + 12 * i])
        if nid not in (1, 16):
            continue
        raw = blob[strings + off: strings + off + length]
        try:
            text = raw.decode("utf-16-be") if pid in (0, 3) else raw.decode("latin-1")
        except UnicodeDecodeError:
            continue
        rank = (0 if nid == 16 else 1, {0x804: 0, 0x409: 1}.get(lang, 2) if pid == 3 else 3)
        found.setdefault(rank, text)
    return found[min(found)] if found else ""


def _face(path: Path, index: int) -> FaceInfo | None:
    key = (str(path), index)
    with _lock:
        if key not in _faces:
            try:
                faces = _read_faces(path)
                _faces[key] = faces[index] if index < len(faces) else None
            except (OSError, ValueError, struct.error):
                _faces[key] = None
        return _faces[key]


def _usable(path: Path, index: int) -> FaceInfo | None:
    info = _face(path, index)
    return info if info and info.truetype and info.embeddable else None


def check_font_file(path: Path | str) -> FaceInfo:
    """The first usable face of `path`, or a Refusal saying why the file cannot print."""
    path = Path(path)
    if not path.is_file():
        raise Refusal(_("There is no font file at {path}; choose an existing .ttf or .ttc file.").format(path=path))
    try:
        faces = _read_faces(path)
    except (OSError, ValueError, struct.error) as err:
        raise Refusal(_("{path} is not a font file that can be read; choose a .ttf or .ttc file.")
                      .format(path=path)) from err
    if not any(x.truetype for x in faces):
        raise Refusal(_("{path} has PostScript (CFF) outlines, which cannot be embedded in a PDF; "
                        "choose a TrueType (.ttf or .ttc) font.").format(path=path))
    good = [x for x in faces if x.truetype and x.embeddable]
    if not good:
        raise Refusal(_("The licence of {path} forbids embedding it in a PDF; choose another font.")
                      .format(path=path))
    return good[0]


# ------------------------------------------------------------------ discovery

def _user_choice(db: sqlite_utils.Database | None, role: str) -> FontChoice | None:
    if db is None:
        return None
    value = get_setting(db, f"font_{role}", "")
    if not value:
        return None
    path, _sep, idx = value.partition("|")
    info = _usable(Path(path), int(idx or 0))
    if info is None:
        return None
    return FontChoice(role, Path(path), info.index, info.family, "user", False)


def _scan_system() -> dict[str, FontChoice | None]:
    found: dict[str, FontChoice | None] = {role: None for role in ROLES}
    for role in ROLES:
        for folder in _search.windows_dirs:
            for name in WINDOWS_FILES[role]:
                for candidate in (folder / name, folder / name.lower(), folder / name.upper()):
                    info = _usable(candidate, 0) if candidate.is_file() else None
                    if info and found[role] is None:
                        found[role] = FontChoice(role, candidate, 0, info.family, "system", False)
    listing = _search.fc_list() if _search.fc_list else ""
    entries = []
    for line in listing.splitlines():
        parts = line.split("|")
        if len(parts) < 4 or parts[3].strip() != "TrueType":
            continue
        families = [x.strip() for x in parts[2].split(",")]
        entries.append((Path(parts[0]), int(parts[1] or 0), families))
    for role in ROLES:
        if found[role] is not None:
            continue
        for wanted, substituted in [(f, False) for f in ROLE_FAMILIES[role]] + [(f, True) for f in STAND_INS[role]]:
            hit = next(((p, i, fams) for p, i, fams in entries if wanted in fams and _usable(p, i)), None)
            if hit:
                found[role] = FontChoice(role, hit[0], hit[1], hit[2][0], "system", substituted)
                break
    return found


def _shipped(role: str) -> FontChoice:
    folder = _search.shipped_dir
    for name in SHIPPED_ORDER[role]:
        info = _usable(folder / name, 0)
        if info:
            return FontChoice(role, folder / name, 0, info.family, "shipped", True)
    raise Refusal(_("No font for printing was found, and the fonts shipped with Closeloop are missing "
                    "from {folder}; reinstall the application.").format(folder=folder))


def font_choices(db: sqlite_utils.Database | None = None) -> dict[str, FontChoice]:
    """The face for each role, in the order of docs/design.md §9 (see the module docstring)."""
    global _system
    with _lock:
        if os.environ.get("CLOSELOOP_FONTS") == "shipped":
            system: dict[str, FontChoice | None] = dict.fromkeys(ROLES)
        else:
            if _system is None:
                _system = _scan_system()
            system = dict(_system)
    return {role: _user_choice(db, role) or system[role] or _shipped(role) for role in ROLES}


def fallback_choice() -> FontChoice:
    """The shipped font with GBK coverage that prints characters a main font lacks."""
    folder = _search.shipped_dir
    for name in (SHIPPED_SERIF, SHIPPED_SANS):
        info = _usable(folder / name, 0)
        if info:
            return FontChoice("fallback", folder / name, 0, info.family, "shipped", True)
    return _shipped("heiti")


def _register(choice: FontChoice) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    key = (str(choice.path), choice.subfont_index)
    with _lock:
        if key not in _registered:
            digest = hashlib.sha1(f"{key[0]}|{key[1]}".encode()).hexdigest()[:10]
            name = f"CL-{choice.path.stem[:20]}-{choice.subfont_index}-{digest}"
            try:
                pdfmetrics.registerFont(TTFont(name, str(choice.path), subfontIndex=choice.subfont_index))
            except TTFError as err:
                raise Refusal(_("The font file {path} cannot be used for printing ({reason}); "
                                "choose another font in the settings.").format(path=choice.path, reason=err)) from err
            _registered[key] = name
            info = _face(choice.path, choice.subfont_index)
            _weights[name] = info.weight if info else 400
        return _registered[key]


def _shipped_chain() -> tuple[str, ...]:
    folder = _search.shipped_dir
    names = []
    for file in (SHIPPED_SERIF, SHIPPED_SERIF_BOLD, SHIPPED_KAI, SHIPPED_SANS):
        info = _usable(folder / file, 0)
        if info:
            names.append(_register(FontChoice("fallback", folder / file, 0, info.family, "shipped", True)))
    return tuple(names)


def register_fonts(db: sqlite_utils.Database | None = None) -> FontSet:
    """Register the faces of `font_choices(db)` in reportlab (once per file) and name them."""
    choices = font_choices(db)
    names = {role: _register(choices[role]) for role in ROLES}
    return FontSet(**names, fallback=_register(fallback_choice()), chain=_shipped_chain())


def fallback_chain(main: str, first: str | None, chain: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The fonts to try for a character `main` lacks: `first` and `chain` (or every shipped face
    registered), nearest in weight to `main` first, `first` ahead of others of its weight."""
    with _lock:
        pool = [n for n in dict.fromkeys([first, *(chain or _registered_shipped())]) if n and n != main]
        target = _weights.get(main, 400)
        return tuple(sorted(pool, key=lambda n: abs(_weights.get(n, 400) - target)))


def _registered_shipped() -> tuple[str, ...]:
    folder = str(_search.shipped_dir)
    return tuple(name for (path, _i), name in _registered.items() if str(Path(path).parent) == folder)


def set_font_choice(s: Session, role: str, path: Path | str | None) -> FontChoice | None:
    """The user's file for `role` (empty: automatic again); audited. Returns the new choice."""
    if role not in ROLES:
        raise Refusal(_("There is no font role {role}; use one of {roles}.").format(role=role, roles=", ".join(ROLES)))
    s.require_write()
    value = ""
    info = None
    if path:
        info = check_font_file(path)
        value = f"{Path(path).resolve()}|{info.index}"
    with s.write() as db:
        set_setting(db, f"font_{role}", value)
        s.audit("font_choice", ref=role, path=value)
    return _user_choice(s.db, role) if info else None
