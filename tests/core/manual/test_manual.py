"""The user manual: the Markdown subset, both languages' files, the PDF and `manual --out` (issue 17)."""
from __future__ import annotations

import re
from pathlib import Path

import pdfplumber
import pytest

from core.manual import Manual, load, manual_file, manual_lang, to_html
from core.manual.markdown import Code, Heading, ListBlock, Note, Paragraph, Table, inline, parse

TOPICS_ZH = ("第一次使用", "周交办", "月点评", "季考核", "督查", "U盘同步", "打印", "备份与恢复", "提示信息")
TOPICS_EN = ("first run", "weekly routine", "monthly review", "quarterly assessment", "Supervision", "USB sync",
             "Printing", "Backups and restore", "Messages")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path) -> tuple[int, str]:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages), "\n".join(page.extract_text() or "" for page in pdf.pages)


# ----- the Markdown subset -------------------------------------------------------------------

def test_the_subset_parses_into_blocks() -> None:
    blocks = parse("# 手册\n\n## 1. 开始\n\n第一行\n第二行 and\nmore\n\n- 甲\n  续\n- 乙\n\n1. one\n2. two\n\n"
                   "| a | b |\n|---|---|\n| 1 | 2 |\n\n> 注意\n\n```\ncode  here\n```\n### 1.1 小节\n")
    assert blocks == [
        Heading(1, "手册", ""), Heading(2, "1. 开始", "sec-1"), Paragraph("第一行第二行 and more"),
        ListBlock(False, ("甲续", "乙")), ListBlock(True, ("one", "two")),
        Table(("a", "b"), (("1", "2"),)), Note("注意"), Code("code  here"), Heading(3, "1.1 小节", "sec-2")]


def test_inline_marks_and_escaping() -> None:
    assert inline("按 **保存** 或 `Ctrl+S`。") == [("plain", "按 "), ("bold", "保存"), ("plain", " 或 "),
                                                   ("code", "Ctrl+S"), ("plain", "。")]
    html = to_html(Manual("en", "T", (Paragraph("<b>not markup</b> & **bold**"),), ()))
    assert "&lt;b&gt;not markup&lt;/b&gt; &amp; <b>bold</b>" in html


@pytest.mark.parametrize(("lang", "topics"), [("zh_CN", TOPICS_ZH), ("en", TOPICS_EN)])
def test_each_language_has_the_chapters_of_the_brief(lang: str, topics: tuple[str, ...]) -> None:
    manual = load(lang)
    assert manual.lang == lang and manual_file(lang).name == f"{lang}.md"
    joined = " ".join(manual.chapters)
    for topic in topics:
        assert topic in joined, topic
    html = to_html(manual)
    for entry in manual.contents:
        assert f'<a name="{entry.anchor}">' in html


def test_both_manuals_have_the_same_shape() -> None:
    zh, en = load("zh_CN"), load("en")
    assert [e.level for e in zh.contents] == [e.level for e in en.contents]
    assert [type(b).__name__ for b in zh.blocks] == [type(b).__name__ for b in en.blocks]


def test_the_language_in_force_picks_the_manual() -> None:
    assert manual_lang("zh_CN.UTF-8") == "zh_CN" and manual_lang("zh") == "zh_CN"
    assert manual_lang("en") == "en" and manual_lang("fr") == "en"


def test_every_shortcut_and_command_it_names_exists() -> None:
    """No invented command: every `python3 main.py X` in the manual is a command of the CLI."""
    from core.cli.parser import build_parser

    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    for lang in ("zh_CN", "en"):
        text = manual_file(lang).read_text(encoding="utf-8")
        named = set(re.findall(r"python3 main\.py ([a-z-]+)", text)) - {"--help"}
        assert named and named <= commands, named - commands


# ----- the PDF ---------------------------------------------------------------------------------

def test_cli_writes_the_chinese_manual(cli, tmp_path: Path) -> None:  # noqa: ANN001
    """Without --lang, the manual of the language in force: Chinese, the offices' language."""
    from core.i18n import set_language

    set_language("zh_CN")  # what CLOSELOOP_LANG unset gives a real process at start (the fixture resets it)
    out = tmp_path / "手册.pdf"
    r = cli.ok("manual", "--out", str(out))
    pages, text = pdf_text(out)
    assert str(out) in r.out and "已写入" in r.out and 8 <= pages <= 15
    flat = squeeze(text)
    for title in load("zh_CN").chapters:
        assert squeeze(title) in flat, title
    assert "目录" in flat and "—1—" in flat


def test_cli_writes_the_english_manual_with_lang_en(cli, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "manual.pdf"
    r = cli.ok("manual", "--out", str(out), "--lang", "en")
    pages, text = pdf_text(out)
    assert "manual.pdf" in r.out and 8 <= pages <= 15
    flat = squeeze(text)
    for title in load("en").chapters:
        assert squeeze(title) in flat, title
    assert "Contents" in text and "目录" not in flat


def test_cli_manual_needs_no_database(cli, tmp_path: Path) -> None:  # noqa: ANN001
    out = tmp_path / "m.pdf"
    cli.ok("manual", "--out", str(out), "--lang", "en", db=tmp_path / "none.db")
    assert out.exists() and not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("where", ["missing-folder", "under-a-file", "a-folder"])
def test_an_unwritable_out_is_refused_with_no_file(cli, tmp_path: Path, where: str) -> None:  # noqa: ANN001
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    (tmp_path / "file.txt").write_text("x")
    out = {"missing-folder": tmp_path / "nowhere" / "m.pdf", "under-a-file": tmp_path / "file.txt" / "m.pdf",
           "a-folder": tmp_path}[where]
    r = cli("manual", "--out", str(out))
    assert r.code == 1 and r.out == ""
    assert r.err.startswith("Error: ") and r.err.rstrip().endswith(".")
    assert ("does not exist; choose another place" in r.err) or ("is a folder; give the name" in r.err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_a_folder_that_cannot_be_written_is_refused(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    import tempfile

    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    r = cli("manual", "--out", str(tmp_path / "m.pdf"))
    assert r.code == 1
    assert f"Cannot write in {tmp_path} (Permission denied); choose another place to save the file." in r.err
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_writing_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.reports import manual_pdf

    def broken(self: object, story: object) -> None:
        Path(self.filename).write_bytes(b"%PDF-1.4 half")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(manual_pdf._Doc, "multiBuild", broken)
    with pytest.raises(OSError):
        manual_pdf.render_manual(tmp_path / "m.pdf", "en")
    assert list(tmp_path.iterdir()) == []


def test_the_messages_it_quotes_are_the_app_s_own() -> None:
    """Every message quoted in the chapter of messages is a sentence of the catalog ('…' stands for a value)."""
    from babel.messages.pofile import read_po

    from core.i18n import LOCALE_DIR

    with (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    texts = {"zh_CN": [], "en": []}
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        texts["en"] += [s for s in ids if s]
        texts["zh_CN"] += [s for s in strings if s]
    pieces = {lang: [p for t in ts for p in re.split(r"\{[^}]*\}", t)] for lang, ts in texts.items()}
    for lang in ("zh_CN", "en"):
        manual = load(lang)
        start = next(i for i, b in enumerate(manual.blocks)
                     if isinstance(b, Heading) and b.level == 2 and b.text.startswith("10."))
        end = next(i for i, b in enumerate(manual.blocks)
                   if i > start and isinstance(b, Heading) and b.level == 2)
        quoted = [row[0] for b in manual.blocks[start:end] if isinstance(b, Table) for row in b.rows]
        assert len(quoted) >= 40
        unknown = [(frag, sentence) for sentence in quoted for raw in re.split(r"…|/", sentence)
                   if len(frag := raw.strip(" .。；;，,:：“”'()（）")) >= 4
                   and not any(frag in p for p in pieces[lang])]
        assert not unknown, f"{lang}: {unknown}"
