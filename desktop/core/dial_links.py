"""``tel:``, ``callto:`` and ``sms:`` links (and ``--call NUMBER``) parsed into what the widget can dial.

Strict on purpose: a link comes from another program or a web page, so only a phone number gets through
(digits, a leading ``+``, ``*``, ``#``, ``,`` pauses, an extension); anything else is refused with a message
that names the link.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote

from desktop.core.records import record
from desktop.core.widget_commands import NewCall, NewSms

_VISUAL = re.compile(r"[\s\-.()]")  # RFC 3966 visual separators
_NUMBER = re.compile(r"^\+?[0-9*#][0-9*#,]*$")
_SPELLING = re.compile(r"^\+?[0-9*#,pPxX]+$")  # before pauses and extensions are rewritten
MAX_DIGITS = 40


@record
class DialRequest:
    kind: str  # "call" or "sms"
    number: str
    text: str = ""

    def command(self) -> NewCall | NewSms:
        """The widget command (``rc-adapter-new-call`` / ``rc-adapter-new-sms``)."""
        return NewSms(self.number, self.text) if self.kind == "sms" else NewCall(self.number)


def normalise_number(raw: str, where: str) -> str:
    """Digits with ``+``, ``*``, ``#``, pauses (``,``, ``p``) and an extension (``;ext=``, ``x``) only."""
    text = unquote(raw).strip()
    number, _, params = text.partition(";")
    ext = ""
    for param in filter(None, params.split(";")):
        name, _, value = param.partition("=")
        if name.lower() == "ext" and value:
            ext = value
        elif name.lower() != "phone-context":
            raise ValueError(f"{where}: unsupported part {param!r} in the number")
    number = _VISUAL.sub("", number)
    if not _SPELLING.match(number):
        raise ValueError(f"{where}: {raw!r} is not a phone number (digits, +, *, #, pauses, an extension)")
    number = number.replace("p", ",").replace("P", ",")
    if "x" in number.lower() and not ext:
        number, _, ext = number.lower().partition("x")
    if ext:
        ext = _VISUAL.sub("", ext)
        if not ext.isdigit():
            raise ValueError(f"{where}: the extension {ext!r} is not a number")
        number = f"{number}*{ext}"
    if not _NUMBER.match(number) or sum(c.isdigit() for c in number) > MAX_DIGITS:
        raise ValueError(f"{where}: {raw!r} is not a phone number (digits, +, *, #, pauses, an extension)")
    return number


def parse_dial_link(link: str) -> DialRequest:
    """Parse ``tel:``, ``callto:`` (also ``callto://``) or ``sms:`` (with ``?body=``).

    Raises:
        ValueError: naming the link and what is wrong with it.
    """
    scheme, sep, rest = link.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in ("tel", "callto", "sms"):
        raise ValueError(f"{link!r}: only tel:, callto: and sms: links can be opened")
    if scheme == "callto" and rest.startswith("//"):
        rest = rest[2:]
    number_part, _, query = rest.partition("?")
    if not number_part:
        raise ValueError(f"{link!r}: the link has no number")
    number = normalise_number(number_part, repr(link))
    if scheme == "sms":
        body = parse_qs(query).get("body", [""])[0][:1000]
        return DialRequest("sms", number, body)
    if query:
        raise ValueError(f"{link!r}: a {scheme}: link takes no '?' part")
    return DialRequest("call", number)
