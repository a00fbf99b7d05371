"""PyInstaller runtime hook of the packaged app: ``import PySide6`` served from the start-up cache in the bundle.

PyInstaller's own PySide6 runtime hook imports ``PySide6.QtCore`` (to register its qt.conf) before the app's code
runs, so the app's own start-up (desktop/ui/app.py) would find PySide6 imported already and its support code
compiled anew at every start. Custom runtime hooks run before PyInstaller's: this one imports PySide6 first,
from the file the build put in the bundle (packaging/pyinstaller/startup_cache.py), and writes nothing. The app
logs what it served once its log exists.
"""


def _import_pyside_from_the_bundle() -> None:
    from desktop.services.trusted_cache import startup_cache
    from desktop.ui.pyside_imports import import_pyside_early

    import_pyside_early(startup_cache())


_import_pyside_from_the_bundle()
