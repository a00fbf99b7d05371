# Refresh the desktop database (tel:, callto:, sms: handlers), the MIME cache and the icon cache where the
# tools exist. Shared by the .deb's postinst/postrm and the .rpm's %post/%postun; never touches users' data.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
fi
if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database /usr/share/mime || true
fi
# Only where the hicolor theme is installed: without its index.theme the tool would create a cache file that
# no package owns, and that a purge would leave behind.
if command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f /usr/share/icons/hicolor/index.theme ]; then
    gtk-update-icon-cache -q -f /usr/share/icons/hicolor || true
fi
