"""PDF documents (chat transcripts) with fpdf2.

fpdf2 installs from pip alone and embeds TrueType/OpenType fonts; HarfBuzz (``uharfbuzz``)
shapes Arabic and orders right-to-left text. The fonts ship in ``fonts/`` (see its README):
DejaVu Sans for Latin, Cyrillic and Greek, Noto fallbacks for CJK, Arabic and Hebrew. Text is
drawn as text: markup in a message is printed, never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).parent / "fonts"
_MAIN = ("DejaVu", "DejaVuSans.ttf")
_FALLBACKS = (
    ("NotoHans", "NotoSansHans-Regular.otf"),
    ("NotoArabic", "NotoNaskhArabic-Regular.ttf"),
    ("NotoHebrew", "NotoSansHebrew-Regular.ttf"),
)


@dataclass(frozen=True)
class TranscriptEntry:
    at: str
    who: str
    text: str


def _clean(text: str) -> str:
    # Control characters other than line breaks have no glyph and would end up as boxes.
    return "".join(ch for ch in text if ch in "\n\t" or ch >= " ")


def render_transcript(
    title: str, details: Sequence[str], entries: Sequence[TranscriptEntry]
) -> bytes:
    """A transcript: a title, detail lines (channel, members, …) and one block per entry."""
    pdf = FPDF()
    pdf.set_title(_clean(title))
    pdf.set_creator("Frontdesk")
    for name, file in (_MAIN, *_FALLBACKS):
        pdf.add_font(name, "", str(FONTS / file))
    pdf.set_fallback_fonts([name for name, _ in _FALLBACKS])
    pdf.set_text_shaping(True)
    pdf.add_page()
    pdf.set_font(_MAIN[0], size=15)
    pdf.multi_cell(0, 9, _clean(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(_MAIN[0], size=9)
    for line in details:
        pdf.multi_cell(0, 5, _clean(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for entry in entries:
        pdf.set_font(_MAIN[0], size=8)
        pdf.set_text_color(100, 100, 100)
        pdf.multi_cell(0, 5, _clean(f"{entry.at}  {entry.who}"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_MAIN[0], size=10)
        pdf.set_text_color(0, 0, 0)
        pdf.multi_cell(0, 6, _clean(entry.text) or " ", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    return bytes(pdf.output())
