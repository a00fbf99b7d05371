# AppArmor (Ubuntu 23.10 and later): let Chromium's sandbox create its user namespaces. The profile is put
# in /etc/apparmor.d only where this system's parser accepts it: abi 4.0 and the userns rule are unknown to
# older parsers (Debian 12, Ubuntu 22.04), whose systems restrict no user namespaces, and a profile they
# cannot parse would make apparmor.service fail at every boot. It is loaded at once where AppArmor is active
# (not in a chroot, nor for an installation below DPKG_ROOT). Nothing here can fail the installation.
aa_profile="$DPKG_ROOT/etc/apparmor.d/embeddable-desktop"
aa_shipped="$DPKG_ROOT/usr/share/embeddable-desktop/apparmor/embeddable-desktop"
if command -v apparmor_parser >/dev/null 2>&1 && [ -d "$DPKG_ROOT/etc/apparmor.d" ] \
        && apparmor_parser --skip-kernel-load --skip-cache --quiet "$aa_shipped" >/dev/null 2>&1; then
    if cp "$aa_shipped" "$aa_profile.dpkg-new" && chmod 644 "$aa_profile.dpkg-new" \
            && mv -f "$aa_profile.dpkg-new" "$aa_profile"; then
        if [ -z "$DPKG_ROOT" ] && [ -d /sys/kernel/security/apparmor ] \
                && ! { command -v ischroot >/dev/null 2>&1 && ischroot; }; then
            apparmor_parser --replace --skip-cache "$aa_profile" >/dev/null 2>&1 \
                || echo "embeddable-desktop: AppArmor did not load $aa_profile now; it loads at the next boot" >&2
        fi
    else
        echo "embeddable-desktop: could not write $aa_profile" >&2
    fi
fi
