"""Command-line options: defaults, environments, and every validation error."""

from pathlib import Path

import pytest

from desktop.core.errors import UsageError
from desktop.core.options import (
    DEFAULT_REDIRECT_PORT,
    DEFAULT_WIDGET_URL,
    PRODUCTION_SERVER,
    SANDBOX_SERVER,
    parse_options,
)

DATA = Path("/tmp/embeddable-desktop-test-default")


def problems_of(argv: list[str]) -> list[str]:
    with pytest.raises(UsageError) as info:
        parse_options(argv, DATA)
    return info.value.problems


def test_defaults_point_at_the_real_product() -> None:
    options = parse_options([], DATA)
    assert options.env_name == "production"
    assert options.app_server == PRODUCTION_SERVER == "https://platform.ringcentral.com"
    assert options.widget_url == DEFAULT_WIDGET_URL
    assert DEFAULT_WIDGET_URL.startswith("https://apps.ringcentral.com/integration/ringcentral-embeddable/latest/")
    assert options.redirect_port == DEFAULT_REDIRECT_PORT
    assert options.redirect_uri == f"http://127.0.0.1:{DEFAULT_REDIRECT_PORT}/oauth/callback"
    assert options.client_id is None and not options.uses_loopback_login


def test_sandbox_and_custom_environments(tmp_path: Path) -> None:
    assert parse_options(["--env", "sandbox"], DATA).app_server == SANDBOX_SERVER == (
        "https://platform.devtest.ringcentral.com")
    custom = parse_options(["--env", "custom", "--app-server", "https://rc.example.com/", "--client-id", "abc",
                            "--redirect-port", "5000", "--data-dir", str(tmp_path), "--browser", "echo 'a b'"], DATA)
    assert custom.app_server == "https://rc.example.com"
    assert custom.redirect_uri == "http://127.0.0.1:5000/oauth/callback"
    assert custom.data_dir == tmp_path.resolve()
    assert custom.browser_command == ("echo", "a b")
    assert custom.profile_name.startswith("custom-")


def test_app_server_alone_implies_custom() -> None:
    assert parse_options(["--app-server", "https://rc.example.com"], DATA).env_name == "custom"


def test_profiles_differ_per_environment_and_server() -> None:
    names = {parse_options(argv, DATA).profile_name for argv in (
        [], ["--env", "sandbox"], ["--app-server", "https://a.example.com"], ["--app-server", "https://b.example.com"])}
    assert len(names) == 4


@pytest.mark.parametrize(("argv", "expected"), [
    (["--env", "custom"], "--app-server: required with --env custom"),
    (["--env", "sandbox", "--app-server", "https://x.example.com"],
     "--app-server: only used with a custom environment"),
    (["--app-server", "http://rc.example.com"], "--app-server: 'http://rc.example.com' must start with https://"),
    (["--app-server", "ftp://rc.example.com"], "must start with https://"),
    (["--app-server", "https://rc.example.com?x=1"], "must not have a query"),
    (["--app-server", "https://rc.example.com/?"], "must not have a query"),
    (["--app-server", "https://javascript.example.com"], "must not contain 'javascript'"),
    (["--app-server", "https://rc.example.com/#x"], "must not have a fragment"),
    (["--app-server", "https://rc.example.com/api"], "without a path"),
    (["--app-server", "https://user:pw@rc.example.com"], "user name or password"),
    (["--app-server", "https://"], "has no host"),
    (["--app-server", " https://rc.example.com"], "without surrounding spaces"),
    (["--app-server", "https://rc.example.com:99999"], "is not a valid URL"),
    (["--widget-url", "http://apps.example.com/app.html"], "--widget-url: 'http://apps.example.com/app.html' must"),
    (["--widget-url", "https://apps.example.com/app.html#redirectUri=x"], "must not have a fragment"),
    (["--widget-url", "javascript:alert(1)"], "--widget-url"),
    (["--client-id", "a b"], "--client-id: 'a b' is not a client id"),
    (["--client-id", ""], "--client-id: '' is not a client id"),
    (["--redirect-port", "0"], "--redirect-port: '0' is not a port number"),
    (["--redirect-port", "65536"], "--redirect-port: '65536'"),
    (["--redirect-port", "http"], "--redirect-port: 'http'"),
    (["--browser", "firefox 'unclosed"], "--browser: cannot split"),
    (["--browser", "  "], "--browser: the command is empty"),
])
def test_each_bad_option_is_named(argv: list[str], expected: str) -> None:
    problems = problems_of(argv)
    assert len(problems) == 1
    assert expected in problems[0]


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    problems = problems_of(["--env", "custom", "--app-server", "http://x.example.com", "--client-id", "a b",
                            "--redirect-port", "99999", "--data-dir", str(not_a_dir)])
    assert sorted(p.split(":")[0] for p in problems) == sorted([
        "--app-server", "--client-id", "--redirect-port", "--data-dir"])


def test_http_on_loopback_is_allowed_with_a_warning() -> None:
    options = parse_options(["--app-server", "http://127.0.0.1:8443", "--widget-url", "http://localhost:1/app.html"],
                            DATA)
    assert options.app_server == "http://127.0.0.1:8443"
    assert len(options.warnings) == 2
    assert all("plain http" in w for w in options.warnings)
