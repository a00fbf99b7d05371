"""The app's records: real dataclasses, with no code compiled when a class is made (issue 12: start-up).

On Python 3.11, ``@dataclass`` writes every method it adds (``__init__``, ``__repr__``, ``__eq__``, ``__hash__``, and
``__setattr__`` and ``__delattr__`` for a frozen class) as source text and compiles it with ``exec``: six compiles,
about 1 ms, for each frozen class. The app makes 30 such classes before the widget's first message: 66 million
instructions, 6% of the main thread's work up to its event loop, which the page waits for (benchmarks/README.md).

:func:`record` makes the same dataclass (``dataclasses.fields``, ``replace``, ``asdict`` and pattern matching work,
and type checkers see a dataclass: :pep:`681`) with none of those methods generated. It sets shared ones instead,
which read the class's fields at run time and behave as the generated ones do: the same ``__init__`` arguments and
errors, the same ``repr``, equality only with the same class, a hash of the fields, and ``FrozenInstanceError``.
A method the class defines itself is kept, as ``@dataclass`` keeps it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, FrozenInstanceError, dataclass, field, fields
from typing import Any, TypeVar, dataclass_transform, overload

_T = TypeVar("_T", bound=type)


@overload
def record(cls: _T, /) -> _T: ...
@overload
def record(*, frozen: bool = True) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: _T | None = None, /, *, frozen: bool = True) -> _T | Callable[[_T], _T]:
    """``@record`` is ``@dataclass(frozen=True)``; ``@record(frozen=False)`` is ``@dataclass``."""

    def make(cls: _T) -> _T:
        if not cls.__doc__:
            # @dataclass would write one from inspect.signature(), which parses a text signature: slower than all else.
            cls.__doc__ = f"{cls.__name__}({', '.join(vars(cls).get('__annotations__', {}))})"
        made: Any = dataclass(init=False, repr=False, eq=False)(cls)  # fields, __match_args__: nothing compiled
        own = vars(made)
        every = fields(made)
        if any(f.kw_only for f in every):
            raise TypeError(f"record {made.__qualname__}: keyword-only fields are not supported")
        made.__record_init__ = tuple((f.name, f.default, f.default_factory) for f in every if f.init)
        made.__record_set__ = tuple((f.name, f.default, f.default_factory) for f in every if not f.init)
        made.__record_repr__ = tuple(f.name for f in every if f.repr)
        made.__record_compare__ = tuple(f.name for f in every if f.compare)
        for name, method in (("__init__", _init), ("__repr__", _repr), ("__eq__", _eq)):
            if name not in own:
                setattr(made, name, method)
        if "__hash__" not in own or own["__hash__"] is None:
            # As @dataclass: a frozen record hashes its fields; a mutable one cannot be hashed (equal ones differ).
            made.__hash__ = _hash if frozen else None
        if frozen:
            if "__setattr__" in own or "__delattr__" in own:
                raise TypeError(f"frozen record {made.__qualname__} defines __setattr__ or __delattr__")
            made.__setattr__ = _frozen_setattr
            made.__delattr__ = _frozen_delattr
        return cls  # the same class: a dataclass without __slots__ is not copied

    return make if cls is None else make(cls)


def _init(self: Any, *args: Any, **kwargs: Any) -> None:
    spec: tuple[tuple[str, Any, Any], ...] = type(self).__record_init__
    name_of_class = type(self).__qualname__
    if len(args) > len(spec):
        raise TypeError(f"{name_of_class}.__init__() takes at most {len(spec) + 1} positional arguments but "
                        f"{len(args) + 1} were given")
    for (name, _default, _factory), value in zip(spec, args, strict=False):  # fewer arguments than fields: fine
        if name in kwargs:
            raise TypeError(f"{name_of_class}.__init__() got multiple values for argument '{name}'")
        object.__setattr__(self, name, value)
    missing = []
    for name, default, factory in spec[len(args):]:
        if name in kwargs:
            value = kwargs.pop(name)
        elif default is not MISSING:
            value = default
        elif factory is not MISSING:
            value = factory()
        else:
            missing.append(name)
            continue
        object.__setattr__(self, name, value)
    if missing:
        raise TypeError(f"{name_of_class}.__init__() missing {len(missing)} required positional argument"
                        f"{'s' if len(missing) > 1 else ''}: {', '.join(repr(name) for name in missing)}")
    if kwargs:
        raise TypeError(f"{name_of_class}.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
    for name, default, factory in type(self).__record_set__:  # field(init=False): its default, as @dataclass does
        if factory is not MISSING:
            object.__setattr__(self, name, factory())
        elif default is not MISSING:
            object.__setattr__(self, name, default)
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__record_repr__)
    return f"{type(self).__qualname__}({shown})"


def _compared(self: Any) -> tuple[Any, ...]:
    return tuple(getattr(self, name) for name in type(self).__record_compare__)


def _eq(self: Any, other: object) -> bool:
    if other.__class__ is self.__class__:
        return _compared(self) == _compared(other)
    return NotImplemented  # type: ignore[no-any-return]  # as a generated __eq__: let the other side answer


def _hash(self: Any) -> int:
    return hash(_compared(self))


def _frozen_setattr(self: Any, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: Any, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")
