"""The widget URL carries exactly the parameters the widget needs, never a false-looking flag."""

from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from desktop import __version__
from desktop.core.options import parse_options
from desktop.core.widget_url import build_widget_url, widget_params

DATA = Path("/tmp/x")


def params(argv: list[str]) -> dict[str, list[str]]:
    return parse_qs(urlsplit(build_widget_url(parse_options(argv, DATA), __version__)).query,
                    keep_blank_values=True)


def test_loopback_login_parameters() -> None:
    got = params(["--env", "sandbox", "--client-id", "my-client", "--redirect-port", "5050"])
    assert got == {
        "clientId": ["my-client"],
        "appServer": ["https://platform.devtest.ringcentral.com"],
        "redirectUri": ["http://127.0.0.1:5050/oauth/callback"],
        "disableLoginPopup": ["1"],
        "userAgent": [f"EmbeddableDesktop/{__version__}"],
        "appVersion": [__version__],
    }


def test_demo_client_gets_no_redirect_or_popup_flag() -> None:
    got = params([])
    assert "clientId" not in got and "redirectUri" not in got and "disableLoginPopup" not in got
    assert got["appServer"] == ["https://platform.ringcentral.com"]


def test_widget_url_query_is_kept_but_ours_win() -> None:
    url = "https://apps.example.com/w/app.html?enableRingtoneSettings=1&clientId=evil&redirectUri=x&appSecret=s"
    options = parse_options(["--client-id", "mine", "--widget-url", url], DATA)
    built = build_widget_url(options, __version__)
    assert built.startswith("https://apps.example.com/w/app.html?")
    pairs = parse_qsl(urlsplit(built).query)
    assert ("enableRingtoneSettings", "1") in pairs
    assert [v for k, v in pairs if k == "clientId"] == ["mine"]
    assert [v for k, v in pairs if k == "redirectUri"] == [options.redirect_uri]
    assert not [k for k, _ in pairs if k == "appSecret"]


def test_no_parameter_has_a_false_looking_value() -> None:
    for argv in ([], ["--client-id", "c"], ["--env", "sandbox", "--client-id", "c"]):
        for values in params(argv).values():
            assert all(v not in ("", "0", "false") for v in values)


def test_a_false_looking_value_is_refused() -> None:
    options = parse_options(["--client-id", "c"], DATA)
    with pytest.raises(ValueError, match="appVersion"):
        widget_params(options, "0")
