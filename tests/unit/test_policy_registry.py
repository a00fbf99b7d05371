"""The Windows registry policy reader on its own: a value that is wrong by itself stops the policy (with no other
problem beside it to do so), REG_MULTI_SZ lists hold only lines of text, and REG_QWORD reads as REG_DWORD does.

The round trips through the ADMX are in tests/packaging/test_admx.py; there every wrong value sits beside a
problem the JSON-side check also finds, so these pin the registry-side checks alone.
"""

from __future__ import annotations

import pytest

from desktop.core.settings import resolve
from desktop.services.policy_sources import (
    REG_DWORD,
    REG_MULTI_SZ,
    REG_QWORD,
    REG_SZ,
    WINDOWS_POLICY_KEY,
    RegistryValue,
    policy_from_registry,
)
from desktop.services.settings_files import SettingsFileError

SOURCE = "HKLM\\" + WINDOWS_POLICY_KEY
AT = f"{SOURCE}: value "
REG_BINARY = 3


def problems_of(values: list[RegistryValue], others: list[RegistryValue] | None = None) -> list[str]:
    with pytest.raises(SettingsFileError) as info:
        policy_from_registry(values, SOURCE, others or [])
    return info.value.problems


@pytest.mark.parametrize(("values", "others", "problem"), [
    ([("proxy", b"\x00", REG_BINARY)], None,
     f"{AT}'proxy' is REG_BINARY, which this setting (proxy) cannot take: make it REG_SZ"),
    ([("environments.sandbox.client_id", 5, REG_DWORD)], None,
     f"{AT}'environments.sandbox.client_id' is REG_DWORD 5, but this setting is text: make it REG_SZ"),
    ([("close_to_tary", 1, REG_DWORD)], None,
     f"{AT}'close_to_tary': unknown setting 'close_to_tary'; did you mean 'close_to_tray'?"),
    ([("hidden", "devtools", REG_SZ)], None,
     f"{AT}'hidden' is REG_SZ; hidden must be REG_MULTI_SZ (one setting key a line)"),
    ([("devtools", 1, REG_DWORD)], [("devtools", "false", REG_SZ)],
     f"{SOURCE}\\Settings: value 'devtools': devtools is also set in {SOURCE}; set it in one place only"),
    ([], [("required", "proxy", REG_SZ)],
     f"{SOURCE}\\Settings: value 'required': required has its own policy (REG_MULTI_SZ 'required' in {SOURCE})"),
])
def test_a_value_wrong_on_its_own_stops_the_policy(values: list[RegistryValue], others: list[RegistryValue] | None,
                                                   problem: str) -> None:
    """Nothing else is wrong, so only the registry-side check can refuse it: starting with the policy minus
    that value would silently drop what IT set."""
    assert problems_of(values, others) == [problem]


@pytest.mark.parametrize(("name", "data"), [
    ("hidden", ["devtools", 5]),
    ("required", ["environments.production.client_id", None]),
    ("hidden", None),
    ("required", "environments.production.client_id"),  # one text, not a list of lines
])
def test_a_multi_string_list_holds_only_lines_of_text(name: str, data: object) -> None:
    assert problems_of([(name, data, REG_MULTI_SZ)]) == [
        f"{AT}{name!r} is REG_MULTI_SZ but not lines of text; {name} must be REG_MULTI_SZ (one setting key a line)"]


def test_a_list_of_lines_of_another_type_is_refused() -> None:
    """The registry type decides, whatever the data looks like."""
    assert problems_of([("hidden", ["devtools"], REG_SZ)]) == [
        f"{AT}'hidden' is REG_SZ; hidden must be REG_MULTI_SZ (one setting key a line)"]


def test_a_qword_is_read_as_a_dword_is() -> None:
    policy = policy_from_registry([("close_to_tray", 1, REG_QWORD), ("start_minimized", 0, REG_QWORD),
                                   ("environments.sandbox.redirect_port", 5001, REG_QWORD)], SOURCE)
    assert policy.values == {"close_to_tray": True, "start_minimized": False,
                             "environments.sandbox.redirect_port": 5001}
    assert resolve(policy, []).problems == []


def test_a_qword_for_text_or_out_of_range_is_refused_naming_it() -> None:
    assert problems_of([("environments.sandbox.client_id", 5, REG_QWORD)]) == [
        f"{AT}'environments.sandbox.client_id' is REG_QWORD 5, but this setting is text: make it REG_SZ"]
    # A 64-bit number read whole, then held to the port's range by the schema, as a DWORD is.
    policy = policy_from_registry([("environments.sandbox.redirect_port", 2**40, REG_QWORD)], SOURCE)
    assert resolve(policy, []).problems == [
        f"policy {SOURCE}: environments.sandbox.redirect_port = {2**40}: {2**40} is not a port number (1-65535)"]
