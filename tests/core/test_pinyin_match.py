"""Picking units and leaders by name, pinyin initials, full pinyin or code (core.pinyin_match)."""
from __future__ import annotations

import pytest

from core.demo.names import DEPARTMENTS, TOWNSHIPS
from core.directory import Leader, Unit
from core.pinyin_match import (
    CODE_PART,
    CODE_PREFIX,
    EXACT,
    INITIALS,
    NAME_PART,
    NAME_PREFIX,
    PINYIN,
    PINYIN_PART,
    Entry,
    MatchIndex,
    leader_index,
    readings,
    split_names,
    unit_index,
)

UNITS = [Unit(i, code, name, "township" if i < len(TOWNSHIPS) else "department", True)
         for i, (code, name, *_rest) in enumerate(TOWNSHIPS + DEPARTMENTS)]
EXTRA = [Unit(900, "CAZ", "长安镇", "township", True), Unit(901, "ZLZ", "重岭镇", "township", True),
         Unit(902, "OLD", "旧城镇", "township", False), Unit(903, "HX01", "县第一中学", "department", True)]


@pytest.fixture(scope="module")
def units() -> MatchIndex:
    return unit_index(UNITS + EXTRA)


def names(entries: list[Entry]) -> list[str]:
    return [e.name for e in entries]


def test_initials_find_the_township(units: MatchIndex) -> None:
    assert names(units.match("tgz"))[0] == "太公镇"
    assert names(units.match("TGZ"))[0] == "太公镇"


def test_code_match_is_exact_and_first(units: MatchIndex) -> None:
    # ZJJ is 县住建局's code; 住建局's initials from a later character also spell zjj
    found = units.match("zjj")
    assert found[0].code == "ZJJ"
    assert units.rank("zjj", [e.code for e in units.entries].index("ZJJ")) == EXACT
    assert units.match("jtysj")[0].name == "县交通运输局"


def test_full_and_partial_pinyin(units: MatchIndex) -> None:
    assert names(units.match("taigong"))[0] == "太公镇"
    assert names(units.match("taig"))[0] == "太公镇"
    assert names(units.match("tai gong zhen"))[0] == "太公镇"
    assert names(units.match("taigongz"))[0] == "太公镇"    # mixed: full syllables, then an initial
    assert names(units.match("qingshi"))[0] == "青石镇"


def test_heteronyms_accept_both_readings(units: MatchIndex) -> None:
    assert "长安镇" in names(units.match("caz"))     # cháng
    assert "长安镇" in names(units.match("zaz"))     # zhǎng
    assert "长安镇" in names(units.match("zhangan"))
    assert "长安镇" in names(units.match("changan"))
    assert "重岭镇" in names(units.match("clz")) and "重岭镇" in names(units.match("zlz"))
    assert {"chang", "zhang"} <= set(readings("长安镇")[0])


def test_name_substring_and_prefix(units: MatchIndex) -> None:
    assert names(units.match("公镇")) == ["太公镇"]
    assert names(units.match("太公")) == ["太公镇"]
    assert "县交通运输局" in names(units.match("交通"))


def test_ranking_order(units: MatchIndex) -> None:
    order = [e.code for e in units.entries]

    def rank(q: str, code: str) -> int | None:
        return units.rank(q, order.index(code))

    assert rank("tgz", "TGZ") == EXACT
    assert rank("tg", "TGZ") == CODE_PREFIX
    assert rank("qsz", "QSZ") == EXACT and rank("qs", "QSZ") == CODE_PREFIX
    assert rank("tgz", "TGZ") < (rank("gz", "TGZ") or 99)
    assert rank("gz", "TGZ") == PINYIN_PART
    assert rank("太", "TGZ") == NAME_PREFIX
    assert rank("公镇", "TGZ") == NAME_PART
    assert rank("taigong", "TGZ") == PINYIN
    assert rank("caz", "CAZ") == EXACT and rank("ca", "CAZ") == CODE_PREFIX
    assert rank("za", "CAZ") == INITIALS
    assert rank("ysj", "JTYSJ") == PINYIN_PART       # 运输局, before the code part it also is
    assert rank("x01", "HX01") == CODE_PART
    assert rank("xyz", "TGZ") is None
    # better ranks come first: "qs" is 青石镇's code prefix, but only a later-character match elsewhere
    assert units.match("qs")[0].code == "QSZ"
    # a name prefix beats a substring: 太公镇 starts with 太; nothing else contains it
    assert names(units.match("县委"))[:2] == ["县委编办", "县委办公室"]  # shorter name first


def test_inactive_units_are_not_offered_but_resolve(units: MatchIndex) -> None:
    assert "旧城镇" not in names(units.match("jcz"))
    assert "旧城镇" in names(units.match("jcz", include_inactive=True))
    old = units.resolve("旧城镇")
    assert old is not None and not old.active


def test_resolve_is_exact_only(units: MatchIndex) -> None:
    assert units.resolve("tgz") == units.resolve("太公镇") == units.resolve(" TGZ ")
    assert units.resolve("太公镇").key == "TGZ"  # type: ignore[union-attr]
    assert units.resolve("taigong") is None
    assert units.resolve("") is None


def test_empty_query_lists_all_in_order_and_prefer_comes_first() -> None:
    leaders = leader_index([Leader(1, "王建国", "副县长", True, ("TGZ",)),
                            Leader(2, "李长林", "县委常委", True, ("QSZ",)),
                            Leader(3, "张敏", "副县长", False, ())])
    assert names(leaders.match("")) == ["王建国", "李长林"]
    assert names(leaders.match("", prefer={"李长林"})) == ["李长林", "王建国"]
    assert names(leaders.match("lzl")) == ["李长林"] and names(leaders.match("lcl")) == ["李长林"]
    assert names(leaders.match("wjg")) == ["王建国"]
    assert leaders.resolve("王建国").detail == "副县长"  # type: ignore[union-attr]


def test_split_names() -> None:
    assert split_names("太公镇、青石镇，FGJ, ZJJ;  柳河镇") == ["太公镇", "青石镇", "FGJ", "ZJJ", "柳河镇"]
    assert split_names("  ") == []


def test_a_whole_county_is_indexed_and_matched() -> None:
    """A county's units and leaders index and answer every kind of query (speed: the search-box benchmark)."""
    leaders = [Leader(i, name, "副县长", True, ()) for i, name in enumerate(
        ["王建国", "李长林", "张敏", "刘海涛", "陈晓东", "杨光", "赵红梅", "黄志强", "周立新", "吴晓燕"] * 3)]
    units = unit_index(UNITS + EXTRA)
    assert len(leader_index(leaders)) > 0
    assert len(units) > 75
    for q in ("tgz", "taigong", "公镇"):
        assert "太公镇" in [m.name for m in units.match(q)], q
