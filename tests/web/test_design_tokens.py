"""The style sheet takes every colour from the design tokens, and mirrors under dir="rtl"."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).parents[2] / "src" / "frontdesk" / "web" / "static" / "css"


def _rules(name: str) -> str:
    return re.sub(r"/\*.*?\*/", "", (CSS / name).read_text(), flags=re.S)


def test_frontdesk_css_has_no_raw_colours() -> None:
    css = _rules("frontdesk.css")
    assert re.findall(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(", css) == []


def test_frontdesk_css_uses_logical_properties() -> None:
    css = _rules("frontdesk.css")
    physical = (
        r"\b(margin|padding|border)-(left|right)\b|[\s;{](left|right):|text-align:\s*(left|right)"
    )
    assert re.findall(physical, css) == []


def test_every_variable_used_is_defined_in_both_themes() -> None:
    tokens = _rules("tokens.css")
    light = tokens[: tokens.index("[data-theme=dark]")]
    dark = tokens[tokens.index("[data-theme=dark]") : tokens.index("@media")]
    auto = tokens[tokens.index("@media") :]
    defined = set(re.findall(r"(--[\w-]+)\s*:", light))
    used = set(re.findall(r"var\((--[\w-]+)\)", _rules("frontdesk.css")))
    assert used - defined == set()
    # The automatic dark theme is the dark theme, value for value.
    assert re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", auto) == re.findall(
        r"(--[\w-]+)\s*:\s*([^;]+);", dark
    )


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_text_pairs_have_at_least_4_5_to_1_contrast_in_both_themes() -> None:
    tokens = _rules("tokens.css")
    light_part = tokens[: tokens.index("[data-theme=dark]")]
    dark_part = tokens[tokens.index("[data-theme=dark]") : tokens.index("@media")]
    light = dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", light_part))
    dark = {**light, **dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", dark_part))}
    texts = ("text", "text-muted", "accent", "danger", "success", "warning")
    surfaces = ("surface", "surface-raised", "surface-sunken", "surface-hover", "info-surface")
    pairs = [(f"--color-{t}", f"--color-{s}") for t in texts for s in surfaces]
    pairs += [
        ("--color-accent-text", "--color-accent"),
        ("--color-danger-text", "--color-danger"),
        ("--color-topbar-link", "--color-topbar"),
        ("--color-topbar-link", "--color-topbar-customer"),
        ("--color-toast-text", "--color-toast"),
    ]
    pairs += [
        (name, name[: -len("-text")] + "-bg")
        for name in light
        if name.startswith("--badge") and name.endswith("-text")
    ]
    for theme in (light, dark):
        low = [
            (f, b, round(_contrast(theme[f], theme[b]), 2))
            for f, b in pairs
            if _contrast(theme[f], theme[b]) < 4.5
        ]
        assert low == []
