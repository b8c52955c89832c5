"""Making sure Chinese is readable on screen.

Contract: `ensure_cjk_font()` needs a live QGuiApplication (fonts are per process)
and must run on the GUI thread before the first window is built. If Qt's font
database already has a family that supports Simplified Chinese, it changes
nothing (the system font and Qt's font fallback render Chinese) and reports the
family that will be used for Chinese. Otherwise it registers the shipped
WenQuanYi Micro Hei from resources/fonts/ and makes it the application font, so a
minimal Linux install or an offscreen CI machine shows Chinese instead of boxes.
The returned `FontChoice` lets the app name a substituted font to the user.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from core.paths import RESOURCES_DIR

FONTS_DIR = RESOURCES_DIR / "fonts"
BUNDLED_FONT = FONTS_DIR / "wqy-microhei.ttc"
BUNDLED_FAMILY = "WenQuanYi Micro Hei"

# Preferred system families for Chinese, best first; used only to *report* which
# one Qt will fall back to (the first match in the platform's fallback list wins).
_PREFERRED = (
    "Microsoft YaHei", "微软雅黑", "Microsoft YaHei UI", "PingFang SC", "Noto Sans CJK SC",
    "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Micro Hei", "SimSun", "宋体",
)


@dataclass(frozen=True)
class FontChoice:
    """The family Chinese text is drawn in, and whether it is our shipped copy."""

    family: str
    bundled: bool


class FontError(RuntimeError):
    """The shipped font could not be registered (missing or unreadable file)."""


def chinese_families() -> list[str]:
    """Families in Qt's font database that declare Simplified Chinese support."""
    return list(QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese))


def register_bundled_font(app: QGuiApplication, path: Path = BUNDLED_FONT) -> FontChoice:
    """Register the shipped font and make it the application font (keeps the point size)."""
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise FontError(f"Qt could not load the font file {path}")
    families = QFontDatabase.applicationFontFamilies(font_id)
    family = BUNDLED_FAMILY if BUNDLED_FAMILY in families else families[0]
    font = QFont(app.font())
    font.setFamilies([family])
    app.setFont(font)
    return FontChoice(family, bundled=True)


def ensure_cjk_font(app: QGuiApplication, *, force_bundled: bool = False) -> FontChoice:
    """Guarantee a Simplified Chinese font; register the shipped one if the system has none.

    `force_bundled` skips the system check (for screenshots that must look the
    same on every machine, and for tests of the fallback path).
    """
    available = [] if force_bundled else chinese_families()
    if not available:
        return register_bundled_font(app)
    current = app.font().family()
    if current in available:
        return FontChoice(current, bundled=False)
    for family in _PREFERRED:
        if family in available:
            return FontChoice(family, bundled=False)
    return FontChoice(available[0], bundled=False)
