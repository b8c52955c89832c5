# PyInstaller run-time hook of Closeloop (packaging/closeloop.spec), run before PyInstaller's own.
#
# PyInstaller's PySide6 hook registers an embedded qt.conf at start-up, which imports
# PySide6.QtCore (and loads Qt and ICU, ~0.1 s) in every process — the headless commands
# too, which never use Qt. The Linux wheel's Qt is relocatable: it finds its plugins and
# translations beside libQt6Core (PySide6/Qt/), the layout the bundle keeps, and the hook
# sets QT_PLUGIN_PATH anyway. So on Linux the qt.conf step is skipped; `--smoke` proves
# Qt still finds its platform plugin, its icons plugin and qtbase_zh_CN.qm. Windows keeps
# PyInstaller's behaviour (not measured here).
import sys

if sys.platform.startswith("linux"):
    try:
        from _pyi_rth_utils import qt as _qt_rth_utils
    except ImportError:  # another PyInstaller layout: leave it alone
        pass
    else:
        _qt_rth_utils.create_embedded_qt_conf = lambda *args, **kwargs: None
