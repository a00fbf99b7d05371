"""The Info.plist keys of ``Embeddable Desktop.app``, as data, for PyInstaller's ``BUNDLE(info_plist=...)``.

PyInstaller writes the keys every bundle needs (CFBundleExecutable, CFBundlePackageType, CFBundleIconFile, ...);
this adds what this app needs on top and overrides the identity, so the spec, the installer (build.sh reads the
identifier and version back from the built app) and the tests share one definition.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGING = Path(__file__).resolve().parent.parent
if str(_PACKAGING) not in sys.path:
    # packaging/ is not a Python package: its build modules import each other as siblings. Appended, not
    # inserted, so packaging/build.py never shadows an installed module called "build".
    sys.path.append(str(_PACKAGING))

from build_common import APP_NAME, BUNDLE_ID  # noqa: E402

#: PySide6 6.10 and later ship wheels for macOS 13 and later only (6.11.3: macosx_13_0_universal2); the bundle
#: carries those Qt libraries, so an older macOS could not load it. Raise it with the PySide6 the bundle uses.
MINIMUM_MACOS = "13.0"
#: The links the app opens (Launch Services offers it for them; the person chooses the default handler).
URL_SCHEMES = ("tel", "callto", "sms")
#: Shown by macOS the first time the phone asks for the microphone. Agents read it, so it says why in plain words.
MICROPHONE_USE = ("Embeddable Desktop uses your microphone for your phone calls, so the person you are talking "
                  "to can hear you.")


def info_plist(version: str) -> dict[str, object]:
    """The app's Info.plist keys for ``version`` (the app's ``__version__``)."""
    return {
        # Also the managed-preferences domain the app reads IT policy from (policy_sources.BUNDLE_ID).
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleShortVersionString": version,
        # The build number; macOS and MDM compare it on updates, so it moves with every release as well.
        "CFBundleVersion": version,
        "CFBundleURLTypes": [{
            "CFBundleURLName": f"{BUNDLE_ID}.phone-links",
            "CFBundleTypeRole": "Viewer",
            "CFBundleURLSchemes": list(URL_SCHEMES),
        }],
        # Without it macOS ends the app (SIGABRT) the first time the web phone asks for the microphone.
        "NSMicrophoneUsageDescription": MICROPHONE_USE,
        "LSMinimumSystemVersion": MINIMUM_MACOS,
        "NSHighResolutionCapable": True,
        "LSApplicationCategoryType": "public.app-category.business",
    }
