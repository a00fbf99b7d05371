"""desktop.core.records: a record behaves as the dataclass it stands for, and making one compiles nothing."""

from __future__ import annotations

import builtins
import dataclasses
from dataclasses import field
from typing import Any

import pytest

from desktop.core.records import record


def _pair(frozen: bool) -> tuple[Any, Any]:
    """The same class twice: as a record, and as the dataclass it replaces."""

    def body(name: str) -> type:
        return type(name, (), {"__annotations__": {"number": "str", "kind": "str", "tags": "list[str]"},
                               "__doc__": "A test record.", "kind": "call", "tags": field(default_factory=list),
                               "__module__": __name__})

    made = record(frozen=frozen)(body("Dial"))
    reference = dataclasses.dataclass(frozen=frozen)(body("Dial"))
    return made, reference


@pytest.mark.parametrize("frozen", [True, False], ids=["frozen", "mutable"])
def test_a_record_behaves_as_its_dataclass(frozen: bool) -> None:
    made, reference = _pair(frozen)
    for cls in (made, reference):
        one, same, other = cls("101"), cls(number="101"), cls("101", "sms")
        assert (one == same, one == other, one != other) == (True, False, True)
        assert repr(one) == "Dial(number='101', kind='call', tags=[])"
        assert [f.name for f in dataclasses.fields(cls)] == ["number", "kind", "tags"]
        assert dataclasses.asdict(other) == {"number": "101", "kind": "sms", "tags": []}
        assert dataclasses.replace(one, kind="sms") == other
        assert cls("1").tags is not cls("1").tags  # a new list each time
        assert cls.__match_args__ == ("number", "kind", "tags")
        match other:
            case cls(number, "sms"):  # type: ignore[misc]
                assert number == "101"
            case _:
                pytest.fail("positional pattern did not match")
        if frozen:
            # A hash of the fields (a list among them cannot be hashed, with dataclasses too).
            assert hash(cls("1", tags=())) == hash(cls("1", "call", ())) != hash(cls("2", tags=()))
            with pytest.raises(TypeError, match="unhashable type: 'list'"):
                hash(one)
            with pytest.raises(dataclasses.FrozenInstanceError):
                one.kind = "sms"
            with pytest.raises(dataclasses.FrozenInstanceError):
                del one.kind
        else:
            assert cls.__hash__ is None
            one.kind = "sms"
            assert one == other
    # Only the same class compares equal, as with dataclasses.
    assert made("101") != reference("101")


@pytest.mark.parametrize(("arguments", "message"), [
    ((), "missing 1 required positional argument: 'number'"),
    (("1", "call", [], "extra"), "positional arguments but 5 were given"),
    (("1",), None),
])
def test_wrong_arguments_name_the_problem(arguments: tuple[Any, ...], message: str | None) -> None:
    made, _ = _pair(True)
    if message is None:
        assert made(*arguments).number == "1"
        return
    with pytest.raises(TypeError, match=message):
        made(*arguments)
    with pytest.raises(TypeError, match="multiple values for argument 'number'"):
        made("1", number="2")
    with pytest.raises(TypeError, match="unexpected keyword argument 'colour'"):
        made("1", colour="red")


def test_what_the_class_defines_itself_is_kept_and_post_init_runs() -> None:
    seen: list[str] = []

    @record
    class Masked:
        """Keeps its own repr, as @dataclass does."""

        secret: str

        def __repr__(self) -> str:
            return "Masked(secret=...)"

        def __post_init__(self) -> None:
            seen.append(self.secret)

    assert repr(Masked("s3cret")) == "Masked(secret=...)"
    assert seen == ["s3cret"]
    with pytest.raises(TypeError, match="defines __setattr__"):
        record(type("Bad", (), {"__annotations__": {"a": "int"}, "__setattr__": lambda *a: None}))


def test_making_a_record_compiles_no_code(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real_exec = builtins.exec

    def counting_exec(source: Any, *args: Any, **kwargs: Any) -> Any:
        compiled.append(source if isinstance(source, str) else "<code>")
        return real_exec(source, *args, **kwargs)

    monkeypatch.setattr(builtins, "exec", counting_exec)
    made, _ = _pair(True)  # the reference dataclass compiles; the record must not
    assert len(compiled) >= 5, "the check does not see dataclasses compile their methods"
    compiled.clear()
    record(type("Plain", (), {"__annotations__": {"a": "int", "b": "str"}, "b": ""}))
    record(frozen=False)(type("Mutable", (), {"__annotations__": {"a": "int"}}))
    assert compiled == []
    assert made("1") == made("1")


def test_fields_outside_init_get_their_defaults_and_keyword_only_fields_are_refused() -> None:
    made = record(type("Counted", (), {"__annotations__": {"name": "str", "seen": "list[str]", "count": "int"},
                                       "seen": field(init=False, default_factory=list),
                                       "count": field(init=False, default=0)}))
    reference = dataclasses.dataclass(frozen=True)(type("Counted", (), {
        "__annotations__": {"name": "str", "seen": "list[str]", "count": "int"},
        "seen": field(init=False, default_factory=list), "count": field(init=False, default=0)}))
    for cls in (made, reference):
        one = cls("a")
        assert (one.name, one.seen, one.count) == ("a", [], 0)
        with pytest.raises(TypeError):
            cls("a", [])
    with pytest.raises(TypeError, match="keyword-only fields are not supported"):
        record(type("Keyed", (), {"__annotations__": {"a": "int"}, "a": field(kw_only=True)}))
