"""Click-to-dial links: good numbers in their many spellings, bad ones refused by name."""

import pytest

from desktop.core.dial_links import DialRequest, normalise_number, parse_dial_link


@pytest.mark.parametrize(("link", "expected"), [
    ("tel:+16505550100", DialRequest("call", "+16505550100")),
    ("tel:+1-650-555-0100", DialRequest("call", "+16505550100")),
    ("tel:+1%20(650)%20555.0100", DialRequest("call", "+16505550100")),
    ("tel:+16505550100;ext=101", DialRequest("call", "+16505550100*101")),
    ("tel:6505550100x101", DialRequest("call", "6505550100*101")),
    ("tel:7042;phone-context=example.com", DialRequest("call", "7042")),
    ("tel:*67#", DialRequest("call", "*67#")),
    ("tel:6505550100,,123#", DialRequest("call", "6505550100,,123#")),
    ("tel:6505550100p123", DialRequest("call", "6505550100,123")),
    ("TEL:101", DialRequest("call", "101")),
    ("callto:+16505550100", DialRequest("call", "+16505550100")),
    ("callto://+16505550100", DialRequest("call", "+16505550100")),
    ("sms:+16505550100", DialRequest("sms", "+16505550100")),
    ("sms:+16505550100?body=Running%20late", DialRequest("sms", "+16505550100", "Running late")),
])
def test_good_links(link: str, expected: DialRequest) -> None:
    assert parse_dial_link(link) == expected


@pytest.mark.parametrize(("link", "why"), [
    ("https://example.com", "only tel:, callto: and sms: links"),
    ("javascript:alert(1)", "only tel:, callto: and sms: links"),
    ("6505550100", "only tel:, callto: and sms: links"),
    ("tel:", "has no number"),
    ("tel:abc", "is not a phone number"),
    ("tel:+1650555010a", "is not a phone number"),
    ("tel:1+2", "is not a phone number"),
    ("tel:6505550100;ext=abc", "the extension 'abc' is not a number"),
    ("tel:6505550100;isub=1", "unsupported part 'isub=1'"),
    ("tel:6505550100?x=1", "takes no '?' part"),
    ("tel:" + "1" * 41, "is not a phone number"),
    ("tel:%0a6505550100%3Bjs", "unsupported part 'js'"),
    ("callto:user@example.com", "is not a phone number"),
])
def test_bad_links_are_refused_by_name(link: str, why: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_dial_link(link)
    assert why in str(info.value) and repr(link) in str(info.value)


def test_commands_for_the_widget() -> None:
    assert DialRequest("call", "101").command().message() == {"type": "rc-adapter-new-call", "phoneNumber": "101",
                                                   "toCall": True}
    assert DialRequest("sms", "101", "hi").command().message() == {"type": "rc-adapter-new-sms", "phoneNumber": "101",
                                                        "text": "hi"}
    assert normalise_number(" +1 650 555 0100 ", "--call") == "+16505550100"
