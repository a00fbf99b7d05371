"""What a log line, a diagnose report or a support bundle may never carry, masked in the text itself.

Pure text in, text out (no I/O): the log's formatter (``desktop/services/logs.py``), the report and the bundle
all call :func:`redact`, and a text redacted twice (a log line, again in a bundle) comes out the same.

Masked, in every spelling they take in a log: a URL, a URL inside a URL (percent-encoded once or twice, so
``+`` is ``%2B`` or ``%252B``, ``=`` ``%3D``, ``:`` ``%3A``), a form body (a space is ``+``), JSON, and
``key: value`` text, with any punctuation around them:

- the values of OAuth parameters and secrets (``code``, ``state``, ``access_token``, ``client_secret``, ...);
- bearer tokens (``Bearer X`` anywhere, not only after ``Authorization:``) and Basic credentials;
- JWTs (a service user's assertion, an id token);
- callers' numbers: dial links, ``+E.164`` with any grouping, North American ``(650) 555-0100`` /
  ``650.555.0100`` / ``650 555 0100``, national numbers with a trunk ``0`` (``020 7946 0958``, ``030 12345678``,
  ``01 23 45 67 89``) and bare runs of 7 to 15 digits (``16505550123.`` at the end of a sentence too).

Left alone, so that a log stays useful: timestamps, ports, versions (``6.11.3``, ``122.0.6261.171``), IP
addresses, decimals, and numbers that say what they are: ``pid 4194303``, ``67108864 bytes``, ``1234567 ms``.
"""

from __future__ import annotations

import re


def _escaped(hex_code: str) -> str:
    """The percent-escape of one character, once or more (``%2B``, ``%252B``): a URL inside a URL."""
    return f"%(?:25)*{hex_code}"


#: Right after a percent-escape (``%3D``, ``%253D``): the escape's last letter is no part of what follows it.
_AFTER_ESCAPE = r"(?<=%[0-9A-Fa-f]{2})|(?<=%25[0-9A-Fa-f]{2})"
#: Where a number may start: not inside a word, a decimal or an escape (%22 is no digit), unless right after an escape.
_START = rf"(?:(?<![\w.%])|{_AFTER_ESCAPE})"
#: Where a name starts: not inside a word (``data.access_token`` counts), unless right after a percent-escape.
_NAME_START = rf"(?:(?<!\w)|{_AFTER_ESCAPE})"
#: Where a number ends: not inside a word, and not before a decimal's fraction (a full stop after it is fine).
_END = r"(?!\w|\.\d)"

# --- Secrets -------------------------------------------------------------------------------------------------
#: A quote, also escaped once or more (``\"``: JSON inside a JSON string) or percent-escaped.
_QUOTE = rf"(?:\\*[\"']|{_escaped('2[27]')})"
#: Never a form body's + for a space here: a token may start with +, and a value must be masked from its start.
_BLANK = rf"(?:[ \t]|{_escaped('20')})*"
#: A secret's value: up to a quote (or its escaping backslash), a space, ``&``, a comma or closing bracket, raw or
#: percent-escaped; never ending in a full stop (the sentence's), and never an earlier mask (so redacting twice
#: changes nothing).
_VALUE_CHAR = rf"(?:(?!{_escaped('2[0267Cc]')})[^\s\"'<>&,;)\]}}\\])"
_VALUE = rf"(?!\[redacted)(?:{_VALUE_CHAR}*(?!\.){_VALUE_CHAR})"
#: Names whose value is always a secret, also in prose (``access_token: X``).
_SECRET_NAMES = (r"access_token|refresh_token|id_token|ws_access_token|accessToken|refreshToken|idToken"
                 r"|code_verifier|codeVerifier|client_secret|clientSecret|client_assertion|assertion|password")
#: Names that are secrets as parameters and JSON members only: ``code: 403`` and ``state: ready`` in prose
#: are exit, HTTP and widget states, which a helpdesk needs to read.
_PARAMETER_NAMES = r"code|state|token|jwt"
# Each pattern first looks at the character it can start with: Python would try its look-behinds at every position.
_SECRET = re.compile(
    rf"(?i)(?=[acirpw])({_NAME_START}(?:{_SECRET_NAMES}){_QUOTE}?{_BLANK}(?:[=:]|{_escaped('3[DA]')}){_BLANK}{_QUOTE}?)"
    rf"({_VALUE})")
_PARAMETER = re.compile(
    rf"(?i)(?=[cstj])({_NAME_START}(?:{_PARAMETER_NAMES})(?:{_BLANK}(?:=|{_escaped('3D')}){_BLANK}{_QUOTE}?"
    rf"|{_QUOTE}{_BLANK}(?::|{_escaped('3A')}){_BLANK}{_QUOTE}?))({_VALUE})")
_SPACE = rf"(?:[ \t]+|{_escaped('20')}|\+)"
#: ``Bearer X`` wherever it is (a header, a JSON member, a message); Basic credentials after ``Authorization``.
_BEARER = re.compile(rf"(?i)(?=b)((?:\b|{_AFTER_ESCAPE})bearer{_SPACE})({_VALUE})")
_BASIC = re.compile(rf"(?i)(?=a)(\bauthorization(?::|{_escaped('3A')})?{_SPACE}?basic{_SPACE})({_VALUE})")
#: A JWT anywhere (a service user's assertion, an id token): three base64url parts, the first a JSON header.
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")

# --- Callers' numbers ----------------------------------------------------------------------------------------
_PLUS = rf"(?:\+|{_escaped('2B')})"
_SEP = rf"(?:[ .\-]|{_escaped('20')}|\+)"  # between digit groups; + is a form body's space
_OPEN = rf"(?:\(|{_escaped('28')})"
_CLOSE = rf"(?:\)|{_escaped('29')})"
#: Numbers that say what they are, matched first and written back unchanged: a pid, a size, a duration.
_PID = r"\bp?pid[ \t]*[=:]?[ \t]*\d+"
_QUANTITY = r"\d+(?:[.,]\d+)*[ \t]?(?:bytes?|[KMGTP]i?B|B|ms|µs|ns)\b"
_DIAL_LINK = rf"\b(?:tel|callto|sms)(?::|{_escaped('3A')})[^\s\"'<>&]*[^\s\"'<>&.,;:!?)\]}}]"
#: +E.164: a plus (or %2B), then 7 to 15 digits in any grouping: spaces, dots, dashes, brackets, +44 (0)20 ....
_E164 = rf"{_PLUS}\d(?:(?:{_SEP}|{_OPEN}|{_CLOSE}){{0,3}}\d){{6,14}}"
#: North American: (650) 555-0100, 650.555.0100, 650 555 0100, 1-650-555-0100.
_AREA = rf"{_OPEN}\d{{3}}{_CLOSE}{_SEP}?"
_NANP_REST = rf"\d{{3}}{_SEP}\d{{4}}{_END}"
_NANP = rf"1{_SEP}(?:{_AREA}|\d{{3}}{_SEP}){_NANP_REST}|\d{{3}}{_SEP}{_NANP_REST}"
#: National, with a trunk 0: 020 7946 0958, (020) 7946 0958, 0161 496 0000, 07700 900123, 030 12345678.
_TRUNK_REST = rf"(?:\d{{3,4}}{_SEP}\d{{3,4}}|\d{{5,8}}){_END}"
_TRUNK = rf"0\d{{2,4}}{_SEP}{_TRUNK_REST}"
_TRUNK_IN_BRACKETS = rf"{_OPEN}0\d{{2,4}}{_CLOSE}{_SEP}?{_TRUNK_REST}"
#: National in pairs after a trunk 0 (France and others): 01 23 45 67 89, 06.12.34.56.78.
_PAIRS = rf"0[1-9](?:{_SEP}\d\d){{4}}{_END}"
#: A bare run of digits, 7 to 15 long (no timestamp, port or version part is that long).
_BARE = rf"\d{{7,15}}{_END}"
# Those that start with a digit share one check of where they start (Python would try every alternative and its
# look-behinds at every position otherwise: several times slower on a log line full of digits and escapes).
_NUMBERS = re.compile(
    rf"(?i)(?=[\d(+%tcsp])(?:(?P<pid>{_PID})|{_DIAL_LINK}|{_E164}|{_AREA}{_NANP_REST}|{_TRUNK_IN_BRACKETS}"
    rf"|(?=\d){_START}(?:(?P<quantity>{_QUANTITY})|{_NANP}|{_TRUNK}|{_PAIRS}|{_BARE}))")


def _number(match: re.Match[str]) -> str:
    kept = match.group("pid") is not None or match.group("quantity") is not None
    return match.group() if kept else "[number]"


def redact(text: str) -> str:
    """Mask secrets' values, bearer tokens, Basic credentials, JWTs and phone numbers in ``text``."""
    text = _SECRET.sub(r"\1[redacted]", text)
    text = _PARAMETER.sub(r"\1[redacted]", text)
    text = _BEARER.sub(r"\1[redacted]", text)
    text = _BASIC.sub(r"\1[redacted]", text)
    text = _JWT.sub("[redacted JWT]", text)
    return _NUMBERS.sub(_number, text)
