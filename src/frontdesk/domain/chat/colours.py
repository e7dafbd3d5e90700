"""The colours of the public chat, the widget and the customers' chat page: the main colour
and a text colour that stays readable on it (WCAG contrast at least 4.5:1)."""

from __future__ import annotations

from dataclasses import dataclass

MIN_CONTRAST = 4.5
_BLACK = "#000000"
_WHITE = "#ffffff"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """Relative luminance of ``#rrggbb`` (WCAG 2)."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(first: str, second: str) -> float:
    high, low = sorted((luminance(first), luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class ChatColours:
    primary: str
    text: str  # the text colour on ``primary``, readable

    def css(self) -> str:
        return f":root {{ --chat-primary: {self.primary}; --chat-on-primary: {self.text}; }}\n"


def readable(primary: str, text: str) -> ChatColours:
    """The configured pair, or black or white text when the pair is too faint: one of the two
    always reaches 4.5:1 on any colour."""
    if contrast(primary, text) >= MIN_CONTRAST:
        return ChatColours(primary, text)
    better = max((_BLACK, _WHITE), key=lambda candidate: contrast(primary, candidate))
    return ChatColours(primary, better)
