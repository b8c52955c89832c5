"""Finding the State Council notice in a clerk's paste: clean text, the title, the body.

Contract (pure functions, any thread):
- `clean(text)` strips what a paste carries invisibly (zero-width spaces, joiners,
  a byte-order mark, soft hyphens) and applies NFKC (full-width digits and
  punctuation, no-break and ideographic spaces become ASCII). Text in
  traditional characters is refused, naming them.
- `find_notice(lines)` → `Found`: the one title line the notice has (a line that
  is exactly 国务院办公厅关于YYYY年部分节假日安排的通知, or an amendment's
  国务院办公厅关于调整YYYY年…假期安排的通知 / 国务院办公厅关于延长YYYY年…假期的通知;
  a title split over two lines counts) and the body lines after it. Lines above
  the title are ignored (a page's "上一篇：…" link). The body ends at the
  signature (国务院办公厅, or a line that is only a date), or at a page's
  furniture (上一篇/下一篇/相关链接/【打印】/扫一扫 …) once the body has started.
  No title, another kind of notice, or two different titles → `UsageError`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from core.errors import UsageError
from core.i18n import _

INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\ue000]")
# characters that appear in these notices and exist only in traditional Chinese
TRADITIONAL = set("國務辦廳關於節勞動慶調補週連這與門區發電號時間來們為會說對開長過還實東車應準備據歷臘後體")
NOTICE = re.compile(r"国务院办公厅关于(\d{4})年部分节假日安排的通知")
ADJUST = re.compile(r"国务院办公厅关于调整(\d{4})年(\S{2,12}?)假期(?:调整)?安排的通知")
EXTEND = re.compile(r"国务院办公厅关于延长(\d{4})年(\S{2,12}?)假期的通知")
OTHER_TITLE = re.compile(r"^\S{0,40}关于\S{0,60}的通知$")
FURNITURE = ("上一篇", "下一篇", "相关链接", "相关文件", "相关稿件", "相关新闻", "相关阅读", "相关政策", "【打印",
             "【关闭", "【纠错", "【我要纠错", "【字体", "【字号", "打印本页", "关闭窗口", "扫一扫", "分享到",
             "责任编辑", "(此件公开发布)", "附件")
SIGNATURE = re.compile(r"国务院办公厅|\d{4}年\d{1,2}月\d{1,2}日")
ITEM_START = re.compile(r"^[一二三四五六七八九十]+、")
DATED = re.compile(r"\d日")


def clean(text: str) -> str:
    """The paste without invisible characters, NFKC-normalised; traditional characters are refused."""
    text = unicodedata.normalize("NFKC", INVISIBLE.sub("", text or ""))
    for i, ch in enumerate(text):
        if ch in TRADITIONAL:
            sample = "".join(c for c in text[i:i + 8] if not c.isspace())[:4]
            raise UsageError(_("The text contains traditional characters ({sample}…); paste the "
                               "simplified-Chinese notice.").format(sample=sample))
    return text


@dataclass(frozen=True)
class Found:
    kind: str          # 'notice' | 'adjust' | 'extend'
    year: int
    title: str
    item: str          # the amended item's name (amendments), '' for a notice
    title_line: int    # 1-based line number of the title
    body: list[tuple[int, str]]   # (line number, stripped text) of each body line


def _title(line: str) -> tuple[str, int, str] | None:
    for kind, pattern in (("notice", NOTICE), ("adjust", ADJUST), ("extend", EXTEND)):
        m = pattern.fullmatch(line)
        if m:
            return kind, int(m[1]), m[2] if kind != "notice" else ""
    return None


def find_notice(lines: list[str]) -> Found:
    """The notice's title and body (see the module contract)."""
    squeezed = [re.sub(r"\s+", "", line) for line in lines]
    start: tuple[int, int, tuple[str, int, str], str] | None = None   # (index, lines used, title, text)
    for i in range(len(squeezed)):
        for used in (1, 2):
            text = "".join(squeezed[i:i + used])
            if used == 2 and (i + 1 >= len(squeezed) or not squeezed[i + 1]):
                continue
            title = _title(text)
            if title:
                start = (i, used, title, text)
                break
        if start:
            break
    if start is None:
        other = next((s for s in squeezed if OTHER_TITLE.match(s)), None)
        if other:
            raise UsageError(_("\"{title}\" is not a State Council holiday notice; paste 国务院办公厅关于YYYY年"
                               "部分节假日安排的通知 (or its amendment) with its title.").format(title=other))
        raise UsageError(_("The text has no notice title; paste the whole notice including its title, e.g. "
                           "国务院办公厅关于2027年部分节假日安排的通知."))
    index, used, (kind, year, item), title_text = start
    body: list[tuple[int, str]] = []
    started = False
    for number in range(index + used, len(lines)):
        line = lines[number].strip()
        flat = squeezed[number]
        if not flat:
            continue
        other_title = _title(flat)
        if other_title:
            if other_title[:2] != (kind, year) or flat != title_text:
                raise UsageError(_("The text holds more than one notice (line {line}: {title}); paste only "
                                   "the notice to import.").format(line=number + 1, title=flat))
            continue  # the same title repeated by the page
        if started and (SIGNATURE.fullmatch(flat) or flat.startswith(FURNITURE)):
            break
        if not started:
            if flat.startswith(FURNITURE) or SIGNATURE.fullmatch(flat):
                continue  # a page's furniture between the title and the text
            started = bool(ITEM_START.match(flat) or DATED.search(flat))
        body.append((number + 1, line))
    return Found(kind, year, title_text, item, index + 1, body)
