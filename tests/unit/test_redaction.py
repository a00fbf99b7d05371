"""Redaction with generated inputs: numbers, secrets and bearer tokens in every spelling a log gives them are masked,
exactly and only them; what a helpdesk needs (timestamps, ports, sizes, versions, durations, pids) is left alone.

Hypothesis runs derandomized (a fixed sequence of examples for each test) with no example database and no
deadline, so a run in CI is the same as a run here and never fails on a slow machine; what it keeps between runs
(its caches) goes to a temporary folder, not the working tree.
"""

from __future__ import annotations

import string
import tempfile
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from desktop.core.redaction import redact
from desktop.services import logs

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="embeddable-desktop-tests-hypothesis-"))
FIXED = settings(derandomize=True, max_examples=250, deadline=None, database=None)
DIGITS = "0123456789"


def digits(n: int, *, first: str = DIGITS) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b: a + b, st.sampled_from(first), st.text(DIGITS, min_size=n - 1, max_size=n - 1))


@st.composite
def e164(draw: st.DrawFn) -> str:
    """+CC and the national number in any grouping: spaces, dots, dashes, a group in brackets, +44 (0)20 ...."""
    country = draw(st.sampled_from(["1", "7", "33", "44", "49", "61", "81", "353", "380", "886"]))
    trunk = draw(st.booleans()) and country in ("44", "49", "33")
    national = draw(digits(draw(st.integers(max(4, 8 - len(country)), 15 - len(country) - trunk)), first="123456789"))
    sizes: list[int] = []
    while sum(sizes) < len(national):
        sizes.append(min(draw(st.integers(1, 4)), len(national) - sum(sizes)))
    groups = [national[sum(sizes[:i]):sum(sizes[:i + 1])] for i in range(len(sizes))]
    if len(groups) > 1 and draw(st.booleans()):  # never the last group: its bracket would follow the number
        i = draw(st.integers(0, len(groups) - 2))
        groups[i] = f"({groups[i]})"
    sep = draw(st.sampled_from([" ", "-", ".", ""]))
    return f"+{country}{' (0)' if trunk else sep}{sep.join(groups)}"


@st.composite
def north_american(draw: st.DrawFn) -> str:
    area, exchange, line = draw(digits(3, first="23456789")), draw(digits(3)), draw(digits(4))
    sep = draw(st.sampled_from([" ", "-", "."]))
    shape = draw(st.sampled_from(["{a}{s}{e}{s}{l}", "({a}) {e}{s}{l}", "({a}){e}-{l}", "1{s}{a}{s}{e}{s}{l}",
                                  "1 ({a}) {e}-{l}"]))
    return shape.format(a=area, e=exchange, l=line, s=sep)


@st.composite
def national_with_trunk(draw: st.DrawFn) -> str:
    """UK-style (020 7946 0958, 0161 496 0000, 07700 900123), German (030 12345678), French pairs."""
    sep = draw(st.sampled_from([" ", "-", "."]))
    kind = draw(st.sampled_from(["uk", "mobile", "long", "pairs"]))
    if kind == "pairs":
        return "0" + draw(digits(1, first="123456789")) + "".join(sep + draw(digits(2)) for _ in range(4))
    area = "0" + draw(digits(draw(st.integers(2, 4)), first="123456789"))
    if kind == "uk":
        rest = draw(digits(draw(st.integers(3, 4)))) + sep + draw(digits(draw(st.integers(3, 4))))
    else:
        rest = draw(digits(6 if kind == "mobile" else draw(st.integers(5, 8))))
    return f"({area}) {rest}" if draw(st.booleans()) else f"{area}{sep}{rest}"


NUMBERS = st.one_of(e164(), north_american(), national_with_trunk(), digits(7).flatmap(
    lambda head: st.text(DIGITS, max_size=8).map(lambda tail: head + tail)))
#: How a number reaches a log: as written, in a URL (once or twice percent-encoded), in a form body.
ENCODINGS = [lambda s: s, lambda s: quote(s, safe=""), lambda s: quote(quote(s, safe=""), safe=""), quote_plus]
BEFORE = ["", "from ", "call to ", "caller=", "https://x.example/app.html?to=", "&number=", '{"phoneNumber":"',
          '{"to": "', "to: ", "number%3D", "number%253D", "(", "[", "'", '"', "<", "dial=%22"]
AFTER = ["", ".", ",", ")", "]", '"', "'", '"}', "&x=y", " now", ". Next", "%26x%3Dy", ">", ";", "!", "?"]


@FIXED
@given(NUMBERS, st.sampled_from(ENCODINGS), st.sampled_from(BEFORE), st.sampled_from(AFTER))
def test_numbers_are_masked_whole_in_any_format_encoding_and_punctuation(number: str, encode, before: str,
                                                                          after: str) -> None:
    text = before + encode(number) + after
    assert redact(text) == f"{before}[number]{after}", text
    assert redact(redact(text)) == redact(text)  # a bundle redacts the redacted log again


@FIXED
@given(st.one_of(e164(), north_american()).map(lambda n: n.replace(" ", "").replace("(", "").replace(")", "")),
       st.sampled_from(["tel:", "callto:", "sms:"]), st.sampled_from(["", "?body=hello"]),
       st.sampled_from(ENCODINGS[:2]), st.sampled_from(["", "dialing ", '"', "href="]),
       st.sampled_from(["", ".", ",", ")", '"', " now", "&x=y"]))
def test_dial_links_are_masked_with_their_target(number: str, scheme: str, query: str, encode, before: str,
                                                 after: str) -> None:
    text = before + encode(scheme + number + query) + after
    assert redact(text) == f"{before}[number]{after}", text


SECRET_NAMES = ["access_token", "refresh_token", "id_token", "ws_access_token", "accessToken", "refreshToken",
                "code_verifier", "client_secret", "clientSecret", "client_assertion", "assertion", "password"]
PARAMETER_NAMES = ["code", "state", "token", "jwt"]
#: (before the name, between name and value, after the value): parameters, encoded URLs, forms, JSON, repr.
PARAMETER_SPELLINGS = [
    ("GET /oauth/callback?", "=", " HTTP/1.1"), ("https://x.example/cb?a=b&", "=", "&next=1"), ("", "=", ""),
    ("redirect=https%3A%2F%2Fx%2Fcb%3F", "%3D", "%26next%3D1"), ("u=x%253F", "%253D", "%2526n%253D1"),
    ("a=1&", "=", "&b=2"), ("note=", "%20%3D%20", ""), ('{"', '": "', '"}'), ('{"', '":"', '", "n": 1}'),
    ("%7B%22", "%22%3A%22", "%22%7D"), ("{'", "': '", "'}"), ("", " = ", ""),
    ('"{\\"', '\\": \\"', '\\"}"'), ('\\\\"', '\\\\":\\\\"', '\\\\"'),  # JSON in a JSON string, and deeper
]
#: Only names that are always secrets: ``access_token: X`` in prose (``code: 403`` is not one).
PROSE_SPELLINGS = [("", ": ", ""), ("got ", ":", " (expires in 3600 s)"), ("", ": ", ". Next"), ("", ": ", ", then"),
                   ("[", ": ", "]"), ("(", ": ", ")"), ("", ":\t", ";")]
VALUES = st.builds(lambda body, last: body + last, st.text(string.ascii_letters + DIGITS + "-_~+/=.", min_size=6,
                   max_size=40), st.sampled_from(string.ascii_letters + DIGITS))


@FIXED
@given(st.one_of(
    st.tuples(st.sampled_from(SECRET_NAMES + PARAMETER_NAMES), st.sampled_from(PARAMETER_SPELLINGS)),
    st.tuples(st.sampled_from(SECRET_NAMES), st.sampled_from(PROSE_SPELLINGS))), VALUES, st.booleans())
def test_secret_values_are_masked_in_every_spelling(named, value: str, upper: bool) -> None:
    name, (before, between, after) = named
    name = name.upper() if upper else name
    text = f"{before}{name}{between}{value}{after}"
    assert redact(text) == f"{before}{name}{between}[redacted]{after}", text
    assert redact(redact(text)) == redact(text)


@FIXED
@given(st.sampled_from([("Authorization: ", "Bearer", " "), ("", "Bearer", " "), ('{"Authorization": "', "Bearer", " "),
                        ("header=", "Bearer", "%20"), ("auth=", "bearer", "+"), ("got a ", "BEARER", "\t"),
                        ("authorization%3A%20", "Bearer", "%20"), ("Authorization: ", "Basic", " ")]),
       VALUES, st.sampled_from(["", '"', '"}', ".", ",", " for x", ")"]))
def test_bearer_tokens_and_basic_credentials_are_masked(spelling, value: str, after: str) -> None:
    before, scheme, space = spelling
    text = f"{before}{scheme}{space}{value}{after}"
    assert redact(text) == f"{before}{scheme}{space}[redacted]{after}", text
    assert redact(redact(text)) == redact(text)


DATES = st.datetimes(timezones=st.sampled_from([None]) | st.timezones())
KEPT = st.one_of(
    DATES.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S") + f",{d.microsecond // 1000:03d}"),  # the log's own
    DATES.map(lambda d: d.isoformat()),
    st.integers(1, 65535).map(lambda p: f"port {p}"),
    st.integers(1, 65535).map(lambda p: f"http://127.0.0.1:{p}/oauth/callback"),
    st.integers(1, 65535).map(lambda p: f"redirectUri=http%3A%2F%2F127.0.0.1%3A{p}%2Foauth%2Fcallback"),
    st.tuples(*[st.integers(0, 255)] * 4).map(lambda a: ".".join(map(str, a))),
    st.integers(1, 4194304).map(lambda p: f"pid {p}"), st.integers(1, 4194304).map(lambda p: f"(pid={p})"),
    st.integers(0, 10 ** 12).map(lambda n: f"{n} bytes"), st.integers(0, 10 ** 9).map(lambda n: f"{n} KiB"),
    st.floats(0, 10 ** 6).map(lambda x: f"{x:.1f} MiB"), st.integers(0, 10 ** 9).map(lambda n: f"in {n} ms"),
    st.floats(0, 10 ** 5).map(lambda x: f"{x:.3f} s"), st.floats(0, 1).map(lambda x: f"{x:.7f}"),
    st.tuples(st.integers(0, 199), st.integers(0, 99), st.integers(0, 9999)).map(lambda v: ".".join(map(str, v))),
    st.tuples(st.integers(100, 199), st.just(0), st.integers(0, 9999), st.integers(0, 999)).map(  # Chromium's
        lambda v: ".".join(map(str, v))),
    st.integers(0, 999).map(lambda n: f"exit code: {n}"), st.sampled_from(["state: ready", "HTTP status code: 403"]),
)


@FIXED
@given(st.lists(KEPT, min_size=1, max_size=6), st.sampled_from([" ", ", ", "; ", " | ", " (", ") "]))
def test_what_a_helpdesk_needs_is_left_alone(parts: list[str], joint: str) -> None:
    line = "INFO desktop: " + joint.join(parts)
    assert redact(line) == line


@pytest.mark.parametrize(("text", "masked"), [
    # Each leaked in a log or a bundle before (issue 25, section 3).
    ("widget https://apps.example/app.html?dial=%2B16505550123&x=1", "widget https://apps.example/app.html?dial="
                                                                      "[number]&x=1"),
    ("call from 16505550123.", "call from [number]."), ("020 7946 0958", "[number]"), ("650.555.0100", "[number]"),
    ("650 555 0100", "[number]"), ("access_token: X", "access_token: [redacted]"),
    ("refresh_token%3DX", "refresh_token%3D[redacted]"), ("Bearer X", "Bearer [redacted]"),
])
def test_what_leaked_before(text: str, masked: str) -> None:
    assert redact(text) == masked


@pytest.mark.parametrize("number", ["+44 20 7946 0958", "+16505550123", "%2B16505550123", "+49 30 12345678",
                                    "+33 1 23 45 67 89", "+1.650.555.0100", "+44 (0)20 7946 0958"])
def test_the_plus_e164_rule_masks_the_whole_number(number: str) -> None:
    """Pins the +E.164 alternative: without it +44 20 ... leaks whole and +16505550123 leaves its + behind."""
    assert redact(f"caller {number}, ringing") == "caller [number], ringing"


def test_the_logs_module_still_offers_redact() -> None:
    assert logs.redact is redact
