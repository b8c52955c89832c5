"""Font discovery for printing (docs/design.md §9): order, TrueType-only, embedding, the user's choice, the CLI.

Discovery never looks at this machine's fonts here: every test injects the Windows
folders and the fc-list answer.
"""
from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from _pdf_layout_checks import restore_fonts, shipped_fonts_only

from core.reports import fonts

SHIPPED = fonts.SHIPPED_DIR
SERIF = SHIPPED / fonts.SHIPPED_SERIF
SERIF_BOLD = SHIPPED / fonts.SHIPPED_SERIF_BOLD
SANS = SHIPPED / fonts.SHIPPED_SANS
KAI = SHIPPED / fonts.SHIPPED_KAI


@pytest.fixture(autouse=True)
def _fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("CLOSELOOP_FONTS", raising=False)  # these tests choose the search themselves
    shipped_fonts_only()
    yield
    restore_fonts()


def _search(windows: tuple[Path, ...] = (), fc: str = "") -> None:
    fonts.set_search(fonts.FontSearch(windows_dirs=windows, fc_list=lambda: fc, shipped_dir=SHIPPED))


def cff_font(path: Path) -> Path:
    """A font file whose table directory says PostScript (CFF) outlines, like Noto CJK."""
    tables = [b"CFF ", b"OS/2", b"cmap", b"head", b"name"]
    header = b"OTTO" + struct.pack(">HHHH", len(tables), 64, 2, 16)
    offset = 12 + 16 * len(tables)
    directory = b"".join(struct.pack(">4sIII", t, 0, offset, 0) for t in tables)
    path.write_bytes(header + directory + b"\0" * 128)
    return path


def restricted_font(source: Path, path: Path) -> Path:
    """A copy of a TrueType font whose OS/2 fsType forbids embedding (restricted licence)."""
    data = bytearray(source.read_bytes())
    num = struct.unpack(">H", data[4:6])[0]
    for i in range(num):
        tag, _sum, off, _len = struct.unpack(">4sIII", data[12 + 16 * i: 28 + 16 * i])
        if tag == b"OS/2":
            data[off + 8: off + 10] = struct.pack(">H", 0x0002)
    path.write_bytes(bytes(data))
    return path


def test_shipped_files_are_truetype_embeddable_and_cover_gbk_names() -> None:
    from reportlab.pdfbase.ttfonts import TTFontFile

    for path in (SERIF, SERIF_BOLD, SANS):
        info = fonts.check_font_file(path)
        assert info.truetype and info.embeddable, path
        assert path.stat().st_size < 10 * 1024 * 1024, f"{path.name} is too big to ship"
    assert fonts.check_font_file(SERIF).family == "Closeloop Serif SC"
    for path in (SERIF, SANS):
        cmap = TTFontFile(str(path), subfontIndex=0).charToGlyph
        assert all(ord(ch) in cmap for ch in "镕堃喆，。、《》〔〕—…ABC123"), path
    bold = TTFontFile(str(SERIF_BOLD)).charToGlyph
    assert all(ord(ch) in bold for ch in "关于督办事项的通知示例县委督查室〔〕")
    assert (SHIPPED / "closeloop-serif-sc.LICENSE-OFL-1.1.txt").read_text(encoding="utf-8").count("SIL OPEN FONT LICENSE")


def test_nothing_on_the_system_means_the_shipped_fonts() -> None:
    _search()
    choices = fonts.font_choices()
    assert list(choices) == list(fonts.ROLES)
    assert {c.source for c in choices.values()} == {"shipped"}
    assert all(c.substituted for c in choices.values())
    assert choices["heiti"].path == SANS
    assert choices["xiaobiaosong"].path == SERIF_BOLD
    assert choices["fangsong"].path == choices["songti"].path == SERIF
    assert choices["kaiti"].path == KAI


def test_windows_folder_comes_before_the_shipped_fonts(tmp_path: Path) -> None:
    win = tmp_path / "Fonts"
    win.mkdir()
    shutil.copy(SERIF_BOLD, win / "simfang.ttf")
    shutil.copy(SERIF_BOLD, win / "simhei.ttf")
    _search(windows=(win,))
    choices = fonts.font_choices()
    assert choices["fangsong"] == fonts.FontChoice("fangsong", win / "simfang.ttf", 0, "Closeloop Serif SC",
                                                   "system", False)
    assert choices["heiti"].source == "system" and not choices["heiti"].substituted
    assert choices["kaiti"].source == "shipped" and choices["kaiti"].substituted


def test_fontconfig_takes_truetype_only_and_rejects_cff_and_restricted(tmp_path: Path) -> None:
    noto = cff_font(tmp_path / "NotoSerifCJK-Regular.ttc")
    restricted = restricted_font(SERIF_BOLD, tmp_path / "restricted-kai.ttf")
    fangsong = tmp_path / "fangsong.ttf"
    shutil.copy(SERIF_BOLD, fangsong)
    fc = "\n".join([
        f"{noto}|2|Noto Serif CJK SC,Noto Serif CJK SC Regular|CFF",
        f"{noto}|2|FangSong,仿宋|TrueType",                 # fontconfig says TrueType, the tables say CFF
        f"{restricted}|0|KaiTi,楷体|TrueType",              # fsType forbids embedding
        f"{fangsong}|0|FangSong,仿宋|TrueType",
        f"{SANS}|0|WenQuanYi Micro Hei,文泉驿微米黑|TrueType",
    ])
    _search(fc=fc)
    choices = fonts.font_choices()
    assert (choices["fangsong"].path, choices["fangsong"].source, choices["fangsong"].substituted) == \
        (fangsong, "system", False)
    assert choices["kaiti"].source == "shipped"
    assert (choices["heiti"].path, choices["heiti"].substituted) == (SANS, True)   # a stand-in, named as such
    assert choices["songti"].source == "shipped"


def test_discovery_is_cached_until_cleared(tmp_path: Path) -> None:
    calls: list[int] = []

    def fc() -> str:
        calls.append(1)
        return ""

    fonts.set_search(fonts.FontSearch(windows_dirs=(), fc_list=fc, shipped_dir=SHIPPED))
    fonts.font_choices()
    fonts.font_choices()
    assert len(calls) == 1
    fonts.clear_cache()
    fonts.font_choices()
    assert len(calls) == 2


def test_check_font_file_refusals(tmp_path: Path) -> None:
    from core.errors import Refusal

    with pytest.raises(Refusal, match="no font file"):
        fonts.check_font_file(tmp_path / "missing.ttf")
    with pytest.raises(Refusal, match="PostScript"):
        fonts.check_font_file(cff_font(tmp_path / "noto.otf"))
    with pytest.raises(Refusal, match="forbids embedding"):
        fonts.check_font_file(restricted_font(SERIF_BOLD, tmp_path / "r.ttf"))
    junk = tmp_path / "junk.ttf"
    junk.write_bytes(b"not a font")
    with pytest.raises(Refusal):
        fonts.check_font_file(junk)


def test_user_choice_comes_first_is_audited_and_refusals_change_nothing(hub_db: Path, tmp_path: Path,
                                                                       state) -> None:  # noqa: ANN001
    from core.errors import Refusal
    from core.office import open_session

    _search()
    chosen = tmp_path / "my-fangsong.ttf"
    shutil.copy(SERIF_BOLD, chosen)
    s = open_session(hub_db, "clerk", "test-pass")
    try:
        before = state(hub_db)
        for bad in (tmp_path / "nope.ttf", cff_font(tmp_path / "cff.otf")):
            with pytest.raises(Refusal):
                fonts.set_font_choice(s, "fangsong", bad)
        with pytest.raises(Refusal):
            fonts.set_font_choice(s, "gothic", chosen)
        assert state(hub_db) == before
        choice = fonts.set_font_choice(s, "fangsong", chosen)
        assert choice is not None and choice.source == "user"
        got = fonts.font_choices(s.db)["fangsong"]
        assert (got.path, got.source, got.substituted) == (chosen.resolve(), "user", False)
        audit = s.db.execute("SELECT action, ref FROM audit ORDER BY id DESC LIMIT 1").fetchone()
        assert audit == ("font_choice", "fangsong")
        fonts.set_font_choice(s, "fangsong", None)                      # back to automatic
        assert fonts.font_choices(s.db)["fangsong"].source == "shipped"
    finally:
        s.db.conn.close()


def test_viewer_may_not_choose_a_font(hub_db: Path) -> None:
    from core.errors import Refusal
    from core.office import open_session

    s = open_session(hub_db, "viewer", "test-pass")
    try:
        with pytest.raises(Refusal):
            fonts.set_font_choice(s, "heiti", SANS)
    finally:
        s.db.conn.close()


def test_register_fonts_gives_unique_names_once() -> None:
    from reportlab.pdfbase import pdfmetrics

    _search()
    a = fonts.register_fonts()
    b = fonts.register_fonts()
    assert a == b
    assert a.fangsong == a.songti == a.fallback != a.xiaobiaosong != a.heiti
    assert pdfmetrics.getFont(a.heiti).face.name != pdfmetrics.getFont(a.fangsong).face.name


def test_fonts_cli(cli) -> None:  # noqa: ANN001
    rows = cli.json("fonts")
    assert [r["role"] for r in rows] == list(fonts.ROLES)
    assert set(rows[0]) == {"role", "file", "index", "family", "source", "substituted"}
    assert all(r["source"] == "shipped" and r["substituted"] for r in rows)
    assert rows[2]["file"] == str(SANS)
    text = cli.ok("fonts").out
    assert "Closeloop Serif SC" in text and "wqy-microhei.ttc" in text


def test_environment_can_restrict_discovery_to_the_shipped_fonts(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    win = tmp_path / "Fonts"
    win.mkdir()
    shutil.copy(SERIF_BOLD, win / "simhei.ttf")
    _search(windows=(win,))
    assert fonts.font_choices()["heiti"].source == "system"
    monkeypatch.setenv("CLOSELOOP_FONTS", "shipped")
    assert {c.source for c in fonts.font_choices().values()} == {"shipped"}
