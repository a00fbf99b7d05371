# Refresh the desktop database (tel:, callto:, sms: handlers), the MIME cache and the icon cache where the
# tools exist. Shared by the .deb's postinst/postrm and the .rpm's %post/%postun; never touches users' data.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q /usr/share/applications || true
fi
if command -v update-mime-database >/dev/null 2>&1; then
    update-mime-database /usr/share/mime || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f /usr/share/icons/hicolor || true
fi
