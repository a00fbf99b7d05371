"""Where the window goes: remembered per screen setup, and never restored off-screen.

A laptop docked to two monitors and the same laptop on the road are different setups; each keeps its own
window position. A remembered position whose title bar would not be reachable on any screen (a monitor
was unplugged, the resolution changed) is moved back onto the nearest one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from desktop.core.records import record

#: How much of the title bar must be on a screen for the window to count as reachable.
MIN_VISIBLE_WIDTH = 120
TITLE_BAR_HEIGHT = 32
DEFAULT_SIZE = (380, 640)


@record
class Rect:
    x: int
    y: int
    width: int
    height: int

    def intersection_area(self, other: Rect) -> tuple[int, int]:
        """Width and height of the overlap (zero or less when apart)."""
        w = min(self.x + self.width, other.x + other.width) - max(self.x, other.x)
        h = min(self.y + self.height, other.y + other.height) - max(self.y, other.y)
        return max(w, 0), max(h, 0)

    def as_list(self) -> list[int]:
        return [self.x, self.y, self.width, self.height]

    @classmethod
    def from_value(cls, value: Any) -> Rect | None:
        """From a stored ``[x, y, w, h]``; None for anything else (the file is ours, but may be damaged)."""
        if not (isinstance(value, list) and len(value) == 4 and all(type(v) is int for v in value)):
            return None
        rect = cls(*value)
        return rect if rect.width > 0 and rect.height > 0 else None


def screen_setup_key(screens: Sequence[Rect]) -> str:
    """The same key for the same monitors in the same arrangement, whatever order Qt lists them in."""
    return ";".join(sorted(f"{s.width}x{s.height}+{s.x}+{s.y}" for s in screens))


def _reachable(window: Rect, screen: Rect) -> bool:
    title_bar = Rect(window.x, window.y, window.width, TITLE_BAR_HEIGHT)
    width, height = title_bar.intersection_area(screen)
    return width >= min(MIN_VISIBLE_WIDTH, window.width) and height >= TITLE_BAR_HEIGHT // 2


def _distance(window: Rect, screen: Rect) -> int:
    cx, cy = window.x + window.width // 2, window.y
    dx = max(screen.x - cx, 0, cx - (screen.x + screen.width))
    dy = max(screen.y - cy, 0, cy - (screen.y + screen.height))
    return dx * dx + dy * dy


def place_window(saved: Rect | None, screens: Sequence[Rect], primary: Rect) -> Rect:
    """Where to show the window: ``saved`` if reachable, else moved onto the nearest screen (sized to fit).

    ``screens`` and ``primary`` are the screens' available areas (without task bars and docks).
    """
    if saved is None:
        width, height = min(DEFAULT_SIZE[0], primary.width), min(DEFAULT_SIZE[1], primary.height)
        return Rect(primary.x + (primary.width - width) // 2, primary.y + (primary.height - height) // 2,
                    width, height)
    if any(_reachable(saved, screen) for screen in screens):
        return saved
    target = min(screens, key=lambda s: _distance(saved, s)) if screens else primary
    width, height = min(saved.width, target.width), min(saved.height, target.height)
    x = min(max(saved.x, target.x), target.x + target.width - width)
    y = min(max(saved.y, target.y), target.y + target.height - height)
    return Rect(x, y, width, height)
