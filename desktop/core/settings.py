"""Layered settings: built-in defaults < IT policy < the user's file < environment variables < command line.

A key set by policy is locked: any other layer that sets it is refused with a message naming the key and
the policy source, and the policy value stays. Policy may also hide keys from people and list required
keys. Every problem of every layer is collected, so a person sees them all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field
from typing import Any

from desktop.core.records import record
from desktop.core.settings_schema import (
    BUILT_IN_SERVERS,
    ENVIRONMENT_SETTINGS,
    GLOBAL_SETTINGS,
    env_key,
    environment_names,
    lookup,
)


@record
class Layer:
    """Values from one source. ``sources`` names the precise origin of a key (an option, a variable)."""

    name: str  # "user file", "environment variable", "command line"
    source: str  # the file path, or "environment", or "command line"
    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(default_factory=dict)

    def where(self, key: str) -> str:
        return self.sources.get(key, self.source)

    def describe(self, key: str) -> str:
        """Where ``key`` came from, for messages: an option names itself, a file or variable is named."""
        if self.name == "command line" and key in self.sources:
            return self.sources[key]
        return f"{self.name} {self.where(key)}"


@record
class Policy:
    """What IT set: values (locked), keys hidden from people, keys that must have a value."""

    source: str
    values: Mapping[str, Any] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()
    required: tuple[str, ...] = ()


NO_POLICY = Policy(source="(no policy)")


@record
class Value:
    key: str
    value: Any
    source: str  # "default", "policy: /etc/...", "user file: ...", "EMBEDDABLE_DESKTOP_...", "--client-id"
    locked: bool = False
    hidden: bool = False


@record(frozen=False)
class Resolution:
    """The effective settings and everything that went wrong on the way."""

    values: dict[str, Value]
    policy: Policy
    problems: list[str] = field(default_factory=list)  # invalid values: the app must not start on them
    environment_problems: list[str] = field(default_factory=list)  # the chosen environment cannot be used
    refused: list[str] = field(default_factory=list)  # attempts to override policy: told, then ignored

    def get(self, key: str) -> Any:
        if key in self.values:
            return self.values[key].value
        return lookup(key).default

    def source(self, key: str) -> str:
        return self.values[key].source if key in self.values else "default"

    def lock_reason(self, key: str) -> str | None:
        """Why ``key`` cannot be changed by a person ("KEY is <reason>"), or None.

        The one rule the command line, the settings dialog and the menus all follow: IT policy sets it, or
        (for the environment) switching is turned off, wherever that was turned off.
        """
        if key in self.policy.values:
            return f"set by IT policy ({self.policy.source})"
        if key == "environment" and not self.get("allow_environment_switching"):
            where = self.source("allow_environment_switching")
            if where.startswith("policy: "):
                return f"set by IT policy ({self.policy.source}), which turns environment switching off"
            return f"fixed: allow_environment_switching is false ({where})"
        return None

    def is_locked(self, key: str) -> bool:
        return self.lock_reason(key) is not None

    @property
    def environment(self) -> str:
        return str(self.get("environment"))

    def environments(self) -> list[str]:
        """Built-in environments first, then every custom one any layer mentions."""
        return environment_names(self.values)

    def env_value(self, env: str, name: str) -> Any:
        if name == "app_server" and env in BUILT_IN_SERVERS:
            return BUILT_IN_SERVERS[env]
        return self.get(env_key(env, name))

    def missing_required(self) -> list[str]:
        return [key for key in self.policy.required if self._resolved(key) in (None, "")]

    def _resolved(self, key: str) -> Any:
        parts = key.split(".")
        if len(parts) == 3 and parts[0] == "environments":
            return self.env_value(parts[1], parts[2])
        return self.get(key)

    def shown(self) -> list[Value]:
        """Every value a person may see (hidden policy keys left out), defaults included, sorted."""
        keys = set(self.values) | set(GLOBAL_SETTINGS)
        for env in self.environments():
            keys |= {env_key(env, f) for f in ENVIRONMENT_SETTINGS}
        out = []
        for key in sorted(keys):
            if key in self.policy.hidden:
                continue
            if key in self.values:
                out.append(self.values[key])
            else:
                parts = key.split(".")
                value = self.env_value(parts[1], parts[2]) if len(parts) == 3 else self.get(key)
                source = "built in" if key.endswith(".app_server") and parts[1] in BUILT_IN_SERVERS else "default"
                out.append(Value(key, value, source, locked=self.is_locked(key)))
        return out


def _convert(key: str, raw: Any, where: str, problems: list[str], *, option: bool = False) -> tuple[bool, Any]:
    try:
        setting = lookup(key)
    except KeyError as exc:
        problems.append(f"{where}: {exc.args[0]}")
        return False, None
    if key.endswith(".app_server") and key.split(".")[1] in BUILT_IN_SERVERS:
        problems.append(f"{where}: {key}: the {key.split('.')[1]} server is fixed "
                        f"({BUILT_IN_SERVERS[key.split('.')[1]]}); define a custom environment instead")
        return False, None
    try:
        return True, setting.convert(raw)
    except ValueError as exc:
        # An option names the key itself ("--client-id: ..."); a file or variable also needs the key.
        problems.append(f"{where}: {exc}" if option else f"{where}: {key} = {raw!r}: {exc}")
        return False, None


def resolve(policy: Policy, layers: Iterable[Layer]) -> Resolution:
    """Merge ``layers`` (lowest first) under ``policy``; collect every problem and refusal."""
    resolution = Resolution(values={}, policy=policy)
    for key, raw in policy.values.items():
        ok, value = _convert(key, raw, f"policy {policy.source}", resolution.problems)
        if ok:
            resolution.values[key] = Value(key, value, f"policy: {policy.source}", locked=True,
                                           hidden=key in policy.hidden)
    for layer in layers:
        for key, raw in layer.values.items():
            where = layer.describe(key)
            ok, value = _convert(key, raw, where, resolution.problems, option=where.startswith("--"))
            if not ok:
                continue
            reason = resolution.lock_reason(key)
            if reason is not None:
                if resolution.get(key) != value:
                    resolution.refused.append(f"{where}: {key} is {reason} and cannot be changed here")
                continue
            resolution.values[key] = Value(key, value, where)
    _check_environment(resolution)
    return resolution


def _check_environment(resolution: Resolution) -> None:
    env = resolution.environment
    where = resolution.source("environment")
    report = resolution.environment_problems.append
    if env in BUILT_IN_SERVERS:
        return
    if not resolution.get("allow_custom_environments"):
        report(f"environment {env!r} (from {where}) is a custom environment, and custom environments are "
               f"turned off by IT policy ({resolution.policy.source}); choose production or sandbox (--env)")
    elif resolution.get(env_key(env, "app_server")) is None:
        report(f"environment {env!r} (from {where}) has no {env_key(env, 'app_server')}; set it (config set) "
               "or choose production or sandbox (--env)")


def secret_mode_problems(resolution: Resolution, env: str) -> list[str]:
    """In the secret modes, the server and widget must come from the settings file or IT policy.

    The keychain keeps the secrets per environment name: a server given ad hoc would receive them.
    """
    if resolution.env_value(env, "auth_mode") == "pkce":
        return []
    out = []
    for field_name in ("app_server", "widget_url"):
        source = resolution.source(env_key(env, field_name))
        if source.startswith(("--", "environment variable")):
            out.append(f"{source}: not allowed with auth_mode {resolution.env_value(env, 'auth_mode')}: the "
                       f"keychain's secrets for {env!r} would be sent to it; set {env_key(env, field_name)} in the "
                       "settings file instead")
    return out
