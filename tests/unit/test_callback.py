"""Callback classification: latest state only, stale vs forged, errors, malformed."""

from desktop.core.callback import Verdict, decide_callback, describe_error


def verdict(query: str, latest: str | None = "s2", older: tuple[str, ...] = ("s1",)) -> Verdict:
    return decide_callback(query, latest, older).verdict


def test_code_with_latest_state_is_accepted() -> None:
    assert verdict("code=abc&state=s2") is Verdict.ACCEPTED


def test_older_state_is_stale_and_unknown_is_mismatch() -> None:
    assert verdict("code=abc&state=s1") is Verdict.STALE
    assert verdict("code=abc&state=s3") is Verdict.MISMATCH
    assert verdict("code=abc") is Verdict.MISMATCH
    assert verdict("code=abc&state=") is Verdict.MISMATCH
    assert verdict("code=abc&state=s2&state=s2") is Verdict.MISMATCH
    assert verdict("code=abc&state=s2", latest=None) is Verdict.MISMATCH
    assert verdict("code=abc&state=s1", latest=None) is Verdict.STALE
    assert verdict("code=abc&state=%C3%A9") is Verdict.MISMATCH  # non-ASCII compares safely


def test_error_with_latest_state_is_denied() -> None:
    decision = decide_callback("error=access_denied&error_description=User+said+no&state=s2", "s2", ())
    assert decision.verdict is Verdict.DENIED
    assert decision.error == "access_denied"
    assert "cancelled" in describe_error(decision.error, decision.error_description)
    assert "User said no" in describe_error(decision.error, decision.error_description)
    assert verdict("error=access_denied&state=evil") is Verdict.MISMATCH


def test_neither_code_nor_error_is_malformed() -> None:
    assert verdict("state=s2") is Verdict.MALFORMED
    assert verdict("code=&state=s2") is Verdict.MALFORMED
    assert verdict("code=a&code=b&state=s2") is Verdict.MALFORMED


def test_unknown_error_is_named() -> None:
    assert "'weird'" in describe_error("weird", "")
