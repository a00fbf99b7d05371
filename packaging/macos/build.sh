#!/usr/bin/env bash
# The macOS installers from PyInstaller's app bundle: DIST/Embeddable-Desktop-VERSION.pkg (installs into
# /Applications; for Jamf, Intune and `sudo installer -pkg ... -target /`) and DIST/Embeddable-Desktop-VERSION.dmg
# (drag to Applications).
#
#   bash packaging/macos/build.sh dist/        # dist/ holds "Embeddable Desktop.app" (packaging/build.py bundle)
#
# Signing and notarization happen only when their secrets are set; without them the script says what it
# skipped and still builds both installers, unsigned (enough to test them, not to ship them):
#   MACOS_CERTIFICATE           base64 of a .p12 with the "Developer ID Application" identity (and, to sign the
#                               pkg, the "Developer ID Installer" identity)
#   MACOS_CERTIFICATE_PASSWORD  the .p12's password
#   APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD   notarization (an app-specific password of APPLE_ID)
#   MACOS_REQUIRE_SIGNED=1      release builds: a skipped signing or notarization step is an error
#
# Written for the bash 3.2 that macOS ships (no mapfile, no associative arrays). README.md here explains the
# order of the steps and the entitlements.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
APP_NAME="Embeddable Desktop"
KEYCHAIN=""
ORIGINAL_KEYCHAINS=()
SIGN_IDENTITY=""
INSTALLER_IDENTITY=""

die() {
    echo "build.sh: $*" >&2
    exit 1
}

# A step that cannot run without a secret: say so, or fail where a release needs it.
skip() {
    if [[ "${MACOS_REQUIRE_SIGNED:-}" == 1 ]]; then
        die "$1 (and MACOS_REQUIRE_SIGNED=1)"
    fi
    echo "$1"
}

plist_value() {
    python3 -c 'import plistlib, sys; print(plistlib.load(open(sys.argv[1], "rb"))[sys.argv[2]])' "$1" "$2"
}

[[ $# -eq 1 ]] || die "usage: bash packaging/macos/build.sh DIST_DIR"
[[ -d "$1" ]] || die "$1 is not a folder"
DIST=$(cd "$1" && pwd)
APP="$DIST/$APP_NAME.app"
[[ -f "$APP/Contents/Info.plist" ]] || die "no $APP (build it on macOS first: python packaging/build.py bundle)"
# The identity comes from the built app, so the installer can never disagree with what it installs.
BUNDLE_ID=$(plist_value "$APP/Contents/Info.plist" CFBundleIdentifier)
VERSION=$(plist_value "$APP/Contents/Info.plist" CFBundleShortVersionString)
EXECUTABLE=$(plist_value "$APP/Contents/Info.plist" CFBundleExecutable)
[[ -x "$APP/Contents/MacOS/$EXECUTABLE" ]] || die "$APP has no program Contents/MacOS/$EXECUTABLE"
PKG="$DIST/Embeddable-Desktop-$VERSION.pkg"
DMG="$DIST/Embeddable-Desktop-$VERSION.dmg"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/embeddable-desktop-macos.XXXXXX")

cleanup() {
    if [[ -n "$KEYCHAIN" ]]; then
        security list-keychains -d user -s ${ORIGINAL_KEYCHAINS[@]+"${ORIGINAL_KEYCHAINS[@]}"} || true
        security delete-keychain "$KEYCHAIN" || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

identity_named() {
    # `sed -n 1p` rather than `head`: head may exit early, and under pipefail sed's SIGPIPE would fail the step.
    security find-identity -v "$KEYCHAIN" | sed -n "s/.*\"\\($1: .*\\)\"\$/\\1/p" | sed -n 1p
}

# The certificate goes into a keychain of its own, deleted on exit, never into the machine's login keychain.
import_certificate() {
    local password line
    password=$(openssl rand -hex 24)
    KEYCHAIN="$WORK/signing.keychain-db"
    printf '%s' "$MACOS_CERTIFICATE" | base64 --decode >"$WORK/certificate.p12"
    security create-keychain -p "$password" "$KEYCHAIN"
    security set-keychain-settings -lut 21600 "$KEYCHAIN"
    security unlock-keychain -p "$password" "$KEYCHAIN"
    security import "$WORK/certificate.p12" -k "$KEYCHAIN" -P "$MACOS_CERTIFICATE_PASSWORD" \
        -T /usr/bin/codesign -T /usr/bin/productsign
    rm -f "$WORK/certificate.p12"
    # Lets codesign use the key without a password prompt (there is nobody to answer it on CI).
    security set-key-partition-list -S apple-tool:,apple:,codesign: -s -k "$password" "$KEYCHAIN" >/dev/null
    while IFS= read -r line; do
        line=${line#*\"}
        ORIGINAL_KEYCHAINS+=("${line%\"}")
    done < <(security list-keychains -d user)
    security list-keychains -d user -s "$KEYCHAIN" ${ORIGINAL_KEYCHAINS[@]+"${ORIGINAL_KEYCHAINS[@]}"}
    SIGN_IDENTITY=$(identity_named "Developer ID Application")
    INSTALLER_IDENTITY=$(identity_named "Developer ID Installer")
    [[ -n "$SIGN_IDENTITY" ]] || die "MACOS_CERTIFICATE holds no valid \"Developer ID Application\" identity"
}

sign() {  # PATH [ENTITLEMENTS]
    local args=(--force --options runtime --timestamp --keychain "$KEYCHAIN" --sign "$SIGN_IDENTITY")
    if [[ $# -gt 1 ]]; then
        args+=(--entitlements "$2")
    fi
    codesign "${args[@]}" "$1"
}

# Inside out, deepest paths first: a signature seals what is inside it, so every nested library, framework and
# helper is signed before what holds it, and the app last. Not `codesign --deep`: it would sign
# QtWebEngineProcess with the app's entitlements, and Chromium's processes need their own (README.md).
sign_app() {
    local path helper_entitlements="$HERE/entitlements-helper.plist"
    while IFS= read -r path; do
        case "$path" in
            */QtWebEngineProcess.app | */QtWebEngineProcess.app/Contents/MacOS/QtWebEngineProcess)
                sign "$path" "$helper_entitlements" ;;
            "$APP/Contents/MacOS/$EXECUTABLE")
                sign "$path" "$HERE/entitlements.plist" ;;
            *.app | *.framework)
                sign "$path" ;;
            *)
                case "$(file -b "$path")" in *Mach-O*) sign "$path" ;; esac ;;
        esac
    done < <(find "$APP/Contents" \( -type d \( -name '*.app' -o -name '*.framework' \) \) -o \
                 \( -type f \( -perm -u+x -o -name '*.dylib' -o -name '*.so' \) \) |
             awk -F/ '{ print NF "\t" $0 }' | sort -rn | cut -f2-)
    sign "$APP" "$HERE/entitlements.plist"
    codesign --verify --deep --strict --verbose=2 "$APP"
    warn_about_qt_helper_entitlements
}

# Qt ships the entitlements its helper needs next to it; a Qt update that adds one must not go unnoticed.
warn_about_qt_helper_entitlements() {
    local theirs
    theirs=$(find "$APP/Contents" -type f -path '*QtWebEngineProcess.app/Contents/Resources/*.entitlements' |
             sed -n 1p)
    [[ -n "$theirs" ]] || return 0
    python3 - "$theirs" "$HERE/entitlements-helper.plist" <<'PY'
import plistlib, sys
theirs, ours = (plistlib.load(open(path, "rb")) for path in sys.argv[1:])
missing = sorted(key for key, value in theirs.items() if value and key not in ours)
if missing:
    print(f"warning: Qt's {sys.argv[1]} asks for {', '.join(missing)}, which entitlements-helper.plist lacks")
PY
}

notarize() {  # FILE: submit, wait for Apple's verdict, show its log when it is not Accepted
    local result status id
    result=$(xcrun notarytool submit "$1" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
        --password "$APPLE_APP_PASSWORD" --wait --timeout 2h --output-format json) || true
    status=$(printf '%s' "$result" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("status", ""))' ||
             true)
    if [[ "$status" != Accepted ]]; then
        echo "$result" >&2
        id=$(printf '%s' "$result" | python3 -c 'import json, sys; print(json.load(sys.stdin).get("id", ""))' ||
             true)
        if [[ -n "$id" ]]; then
            xcrun notarytool log "$id" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
                --password "$APPLE_APP_PASSWORD" >&2 || true
        fi
        die "notarization of $(basename "$1") failed: ${status:-no answer from notarytool}"
    fi
    echo "notarized: $(basename "$1")"
}

# --- signing and notarization: only with their secrets ---
rm -f "$PKG" "$DMG"
if [[ -z "${MACOS_CERTIFICATE:-}" ]]; then
    skip "signing skipped: MACOS_CERTIFICATE is not set"
else
    [[ -n "${MACOS_CERTIFICATE_PASSWORD:-}" ]] || die "MACOS_CERTIFICATE is set but MACOS_CERTIFICATE_PASSWORD is not"
    import_certificate
    sign_app
fi

NOTARIZE=0
if [[ -z "$SIGN_IDENTITY" ]]; then
    skip "notarization skipped: the app is not signed"
else
    missing=""
    for name in APPLE_ID APPLE_TEAM_ID APPLE_APP_PASSWORD; do
        if [[ -z "${!name:-}" ]]; then missing="$missing $name"; fi
    done
    if [[ -n "$missing" ]]; then
        skip "notarization skipped: not set:$missing"
    else
        NOTARIZE=1
        # The app itself is notarized and stapled before it is packed, so it passes Gatekeeper offline
        # wherever it is installed from (the pkg, the dmg, or copied by an MDM).
        ditto -c -k --keepParent "$APP" "$WORK/app.zip"
        notarize "$WORK/app.zip"
        xcrun stapler staple "$APP"
        spctl --assess --type execute --verbose "$APP"
    fi
fi

# --- the pkg: the app alone under /Applications ---
ROOT="$WORK/root"
mkdir -p "$ROOT"
if command -v ditto >/dev/null; then
    ditto "$APP" "$ROOT/$APP_NAME.app"  # keeps symlinks, modes and extended attributes (the signature's)
else
    cp -pR "$APP" "$ROOT/"  # where ditto is missing (the tests run this on Linux, with stub tools)
fi
# Not relocatable: by default the installer "upgrades" any copy with this bundle id it finds on the disk (a
# build folder, a download), instead of installing into /Applications.
python3 - "$WORK/component.plist" "$APP_NAME.app" <<'PY'
import plistlib, sys
component = {"RootRelativeBundlePath": sys.argv[2], "BundleIsRelocatable": False, "BundleIsVersionChecked": True,
             "BundleHasStrictIdentifier": True, "BundleOverwriteAction": "upgrade"}
with open(sys.argv[1], "wb") as out:
    plistlib.dump([component], out)
PY
pkgbuild --root "$ROOT" --component-plist "$WORK/component.plist" --identifier "$BUNDLE_ID" \
    --version "$VERSION" --install-location /Applications "$WORK/unsigned.pkg"
PKG_SIGNED=0
if [[ -n "$INSTALLER_IDENTITY" ]]; then
    productsign --sign "$INSTALLER_IDENTITY" --keychain "$KEYCHAIN" --timestamp "$WORK/unsigned.pkg" "$PKG"
    pkgutil --check-signature "$PKG"
    PKG_SIGNED=1
else
    if [[ -n "$SIGN_IDENTITY" ]]; then
        skip "pkg signing skipped: MACOS_CERTIFICATE holds no \"Developer ID Installer\" identity"
    fi
    mv "$WORK/unsigned.pkg" "$PKG"
fi
if [[ "$NOTARIZE" == 1 && "$PKG_SIGNED" == 1 ]]; then
    notarize "$PKG"
    xcrun stapler staple "$PKG"
fi

# --- the dmg: the app and a link to /Applications ---
if command -v dmgbuild >/dev/null; then
    dmgbuild -s "$HERE/dmg_settings.py" -D "app=$APP" "$APP_NAME" "$DMG"
else
    echo "dmgbuild not found (pip install dmgbuild): a plain disk image from hdiutil"
    ln -s /Applications "$ROOT/Applications"
    hdiutil create -volname "$APP_NAME" -srcfolder "$ROOT" -ov -format ULFO "$DMG"
fi
if [[ -n "$SIGN_IDENTITY" ]]; then
    codesign --force --timestamp --keychain "$KEYCHAIN" --sign "$SIGN_IDENTITY" "$DMG"
fi
if [[ "$NOTARIZE" == 1 ]]; then
    notarize "$DMG"
    xcrun stapler staple "$DMG"
fi

echo "built: $PKG"
echo "built: $DMG"
