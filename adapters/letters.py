"""Connection letters as an A4 PDF of labels to cut out, with fpdf2 and a segno QR code.

Eight labels a page (2 columns, 4 rows), each with the school, the person, their login, their
provisional password in a monospace font, and a QR code of the connection URL.

Fonts: DejaVu Sans and Sans Mono (TrueType, every Latin, Greek and Cyrillic letter) when the machine
has them (Debian's fonts-dejavu-core); none of our dependencies ships a TrueType font. Without them
the PDF falls back to the core Helvetica and Courier in the Windows-1252 encoding, which still holds
every French letter (é, è, à, ç, œ, «, », —); other letters lose their accents (Ł → L, ș → s) and
what is left is printed as "?".

An empty list of letters gives a one-page PDF that says there is nothing to print: callers need
no special case, and whoever opens the file sees why it holds no label.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, WrapMode

from application.ports import ConnectionLetter, SchoolLetterhead

TITLE = "Lettres de connexion"
_CHANGE_IT = "À changer à la première connexion"

SYSTEM_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),  # Debian, Ubuntu (fonts-dejavu-core)
    Path("/usr/share/fonts/dejavu-sans-fonts"),  # Fedora, RHEL
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),
    Path("/usr/share/fonts/TTF"),  # Arch
    Path("/usr/share/fonts/dejavu"),  # Alpine
)
_DEJAVU = {
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("mono", ""): "DejaVuSansMono.ttf",
    ("mono", "B"): "DejaVuSansMono-Bold.ttf",
}
# Letters that Unicode does not decompose into a base letter and an accent.
_STAND_INS = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "\u202f": "\xa0"})

# The page, in millimetres.
_PAGE_W, _MARGIN = 210.0, 10.0
_GRID_TOP, _GRID_BOTTOM = 24.0, 289.0
_COLUMNS, _ROWS = 2, 4
_LABELS_PER_PAGE = _COLUMNS * _ROWS
_LABEL_W = (_PAGE_W - 2 * _MARGIN) / _COLUMNS
_LABEL_H = (_GRID_BOTTOM - _GRID_TOP) / _ROWS
_PAD_X, _PAD_Y = 5.0, 4.0
_QR = 30.0
_GAP = 3.0

_INK, _GREY, _RULE = 0, 90, 160


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float


class Fpdf2LetterPrinter:
    """Renders the connection letters of one population (« Élèves », « Responsables »…) as one PDF."""

    def __init__(self, font_dirs: Sequence[Path] = SYSTEM_FONT_DIRS) -> None:
        found = {key: _find(name, font_dirs) for key, name in _DEJAVU.items()}
        self._fonts = {key: path for key, path in found.items() if path is not None}
        self.unicode = len(self._fonts) == len(_DEJAVU)
        """Whether labels print in DejaVu (any letter) rather than in the core Windows-1252 fonts."""

    def render(self, school: SchoolLetterhead, population: str, letters: list[ConnectionLetter]) -> bytes:
        pdf = _Document(self._fonts if self.unicode else None)
        pdf.set_title(TITLE)
        pdf.set_subject(f"{TITLE} — {population} — {school.name}")
        pdf.set_author(school.name)
        pdf.set_creator("Cartable")
        pdf.set_lang("fr-FR")
        pages = max(1, math.ceil(len(letters) / _LABELS_PER_PAGE))
        for page in range(pages):
            batch = letters[page * _LABELS_PER_PAGE : (page + 1) * _LABELS_PER_PAGE]
            pdf.add_page()
            pdf.header_of(school, population, page + 1, pages)
            if not batch:
                pdf.nothing_to_print()
                continue
            pdf.cut_lines(rows=math.ceil(len(batch) / _COLUMNS))
            for slot, letter in enumerate(batch):
                row, column = divmod(slot, _COLUMNS)
                pdf.label(school, letter, _MARGIN + column * _LABEL_W, _GRID_TOP + row * _LABEL_H)
        return bytes(pdf.output())


class _Document(FPDF):
    """An A4 page in millimetres, with the two families ``sans`` and ``mono`` whatever the fonts."""

    def __init__(self, fonts: dict[tuple[str, str], Path] | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_auto_page_break(auto=False)
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.c_margin = 0  # text starts where it is put, and wraps at the width it is given
        self._unicode = fonts is not None
        if fonts is not None:
            for (family, style), path in fonts.items():
                self.add_font(family, style, str(path))
        else:
            self.core_fonts_encoding = "windows-1252"

    def use(self, family: str, size: float, *, bold: bool = False, grey: int = _INK) -> None:
        if not self._unicode:
            family = {"sans": "helvetica", "mono": "courier"}[family]
        self.set_font(family, "B" if bold else "", size)
        self.set_text_color(grey)

    def write_at(self, x: float, y: float, w: float, text: str, *, align: str = "L") -> None:
        """One line of text whose top is at ``y``; cut with an ellipsis when wider than ``w``."""
        line = self.fit(text, w)
        self.set_xy(x, y)
        self.cell(w, self.font_size, line, align=align)

    def printable(self, text: str) -> str:
        return text if self._unicode else _windows_1252(text)

    def fit(self, text: str, w: float) -> str:
        text = self.printable(text)
        if self.get_string_width(text) <= w:
            return text
        while text and self.get_string_width(text + "…") > w:
            text = text[:-1]
        return text.rstrip() + "…"

    def shrink(self, text: str, w: float, sizes: Sequence[float]) -> None:
        """Sets the first size at which the text holds on ``w``, else the last one."""
        for size in sizes:
            self.set_font_size(size)
            if self.get_string_width(self.printable(text)) <= w:
                return

    def wrapped(self, text: str, w: float, *, by_character: bool = False, most: int | None = None) -> list[str]:
        """The lines of the text on ``w``; past ``most`` lines, the last one ends with an ellipsis."""
        lines = cast(  # what output=LINES returns
            list[str],
            self.multi_cell(
                w,
                self.font_size,
                self.printable(text),
                dry_run=True,
                output=MethodReturnValue.LINES,
                wrapmode=WrapMode.CHAR if by_character else WrapMode.WORD,
            ),
        )
        if not self._unicode:  # the core fonts hand their lines back encoded, as Latin-1 code points
            lines = [line.encode("latin-1").decode(self.core_fonts_encoding) for line in lines]
        if most is None or len(lines) <= most:
            return lines
        rest = ("" if by_character else " ").join(lines[most - 1 :])
        return [*lines[: most - 1], self.fit(rest + "…", w)]

    def header_of(self, school: SchoolLetterhead, population: str, page: int, pages: int) -> None:
        width = _PAGE_W - 2 * _MARGIN
        self.use("sans", 13, bold=True)
        self.write_at(_MARGIN, 9, width * 0.6, f"{TITLE} — {population}")
        self.use("sans", 9, grey=_GREY)
        self.write_at(_MARGIN + width * 0.6, 10, width * 0.4, school.name, align="R")
        self.use("sans", 7.5, grey=_GREY)
        self.write_at(
            _MARGIN, 16, width * 0.8, "Document confidentiel : découpez les étiquettes et remettez-les en main propre."
        )
        self.write_at(_MARGIN + width * 0.8, 16, width * 0.2, f"Page {page}/{pages}", align="R")

    def nothing_to_print(self) -> None:
        self.use("sans", 11, grey=_GREY)
        self.write_at(_MARGIN, _GRID_TOP + 20, _PAGE_W - 2 * _MARGIN, "Aucune lettre à imprimer.", align="C")

    def cut_lines(self, rows: int) -> None:
        """Dashed lines around and between the labels of the page, ``rows`` rows of them."""
        bottom = _GRID_TOP + rows * _LABEL_H
        self.set_draw_color(_RULE)
        self.set_line_width(0.2)
        self.set_dash_pattern(dash=2, gap=1.5)
        for row in range(rows + 1):
            y = _GRID_TOP + row * _LABEL_H
            self.line(_MARGIN, y, _PAGE_W - _MARGIN, y)
        for column in range(_COLUMNS + 1):
            x = _MARGIN + column * _LABEL_W
            self.line(x, _GRID_TOP, x, bottom)
        self.set_dash_pattern()

    def label(self, school: SchoolLetterhead, letter: ConnectionLetter, x: float, y: float) -> None:
        inner = _Box(x + _PAD_X, y + _PAD_Y, _LABEL_W - 2 * _PAD_X)
        top = self.letterhead(school, inner)
        qr = _Box(inner.x + inner.w - _QR, top, _QR)
        self.image(_qr_png(letter.connection_url), x=qr.x, y=qr.y, w=_QR, h=_QR)
        below = self.person(letter, _Box(inner.x, top + 1, inner.w - _QR - _GAP))
        self.address(letter.connection_url, _Box(inner.x, max(below, qr.y + _QR) + 2, inner.w), y + _LABEL_H - _PAD_Y)

    def letterhead(self, school: SchoolLetterhead, box: _Box) -> float:
        """The school's name, UAI and address; returns where the person's part starts."""
        self.use("sans", 9.5, bold=True)
        self.write_at(box.x, box.y, box.w, school.name)
        self.use("sans", 7, grey=_GREY)
        self.write_at(box.x, box.y + 4.5, box.w, " · ".join(filter(None, [f"UAI {school.uai}", school.address])))
        self.set_draw_color(_RULE)
        self.set_line_width(0.2)
        self.line(box.x, box.y + 8.5, box.x + box.w, box.y + 8.5)
        return box.y + 10.5

    def person(self, letter: ConnectionLetter, box: _Box) -> float:
        """Name, detail, login and password in the column beside the QR code; returns the bottom."""
        self.use("sans", 13, bold=True)
        self.shrink(letter.full_name, box.w, (13, 12, 11, 10))
        y = box.y
        for line in self.wrapped(letter.full_name, box.w, most=2):
            self.write_at(box.x, y, box.w, line)
            y += self.font_size + 0.5
        if letter.detail:  # "Responsable de …" lists children: two lines rather than a cut name
            self.use("sans", 8.5, grey=_GREY)
            for index, line in enumerate(self.wrapped(letter.detail, box.w, most=2)):
                self.write_at(box.x, y + index * 3.6, box.w, line)
                y += 3.6 if index else 0
        y += 6.5
        y = self.secret("Identifiant :", letter.login, box, y, sizes=(12, 11, 10, 9, 8))
        y = self.secret("Mot de passe provisoire :", letter.password, box, y + 1.5, sizes=(15, 14, 13, 12, 11, 10))
        self.use("sans", 7.5, bold=True)
        self.shrink(_CHANGE_IT, box.w, (7.5, 7, 6.5))
        self.write_at(box.x, y + 0.5, box.w, _CHANGE_IT)
        return y + 0.5 + self.font_size

    def secret(self, caption: str, value: str, box: _Box, y: float, sizes: Sequence[float]) -> float:
        """A caption, then the value in bold monospace, wrapped rather than cut: every character counts."""
        self.use("sans", 7.5, grey=_GREY)
        self.write_at(box.x, y, box.w, caption)
        y += 3.6
        self.use("mono", sizes[0], bold=True)
        self.shrink(value, box.w, sizes)
        for line in self.wrapped(value, box.w, by_character=True):
            self.write_at(box.x, y, box.w, line)
            y += self.font_size + 0.3
        return y

    def address(self, url: str, box: _Box, limit: float) -> None:
        """The connection URL under a caption, on at most two lines, never below ``limit``."""
        caption, line_height = 3.5, 3.2
        self.use("mono", 7)
        lines = self.wrapped(url, box.w, by_character=True, most=2)
        y = box.y
        if y + caption + len(lines) * line_height <= limit:  # a long name or login may leave no room
            self.use("sans", 7.5, grey=_GREY)
            self.write_at(box.x, y, box.w, "Adresse de connexion :")
            self.use("mono", 7)
            y += caption
        room = max(1, int((limit - y) // line_height))
        for index, line in enumerate(self.wrapped(url, box.w, by_character=True, most=min(2, room))):
            self.write_at(box.x, y + index * line_height, box.w, line)


def _find(name: str, font_dirs: Sequence[Path]) -> Path | None:
    return next((folder / name for folder in font_dirs if (folder / name).is_file()), None)


def _qr_png(url: str) -> io.BytesIO:
    png = io.BytesIO()
    segno.make(url, error="m", micro=False).save(png, kind="png", scale=8, border=2)
    png.seek(0)
    return png


def _windows_1252(text: str) -> str:
    """The text in what the core fonts can print: accents kept where Windows-1252 has the letter."""
    return "".join(_stand_in(character) for character in text.translate(_STAND_INS))


def _stand_in(character: str) -> str:
    try:
        character.encode("cp1252")
    except UnicodeEncodeError:
        bare = "".join(part for part in unicodedata.normalize("NFKD", character) if not unicodedata.combining(part))
        return bare.encode("cp1252", "replace").decode("cp1252") or "?"
    return character
