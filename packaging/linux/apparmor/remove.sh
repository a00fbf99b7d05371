# The AppArmor profile the postinst installed, if it did: unloaded where AppArmor is active, and removed.
aa_profile="$DPKG_ROOT/etc/apparmor.d/embeddable-desktop"
if [ -f "$aa_profile" ]; then
    if [ -z "$DPKG_ROOT" ] && [ -d /sys/kernel/security/apparmor ] && command -v apparmor_parser >/dev/null 2>&1; then
        apparmor_parser --remove --skip-cache "$aa_profile" >/dev/null 2>&1 || true
    fi
    rm -f "$aa_profile" "$aa_profile.dpkg-new"
fi
