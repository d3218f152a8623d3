"""Connection letters: what a PDF reader finds in them, on the DejaVu fonts and on the core-font fallback.

After a change of layout, look at the pages: ``pytest tests/adapters/test_letters.py -k poppler
--basetemp=/tmp/letters`` leaves them as PNG pictures under ``/tmp/letters``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
import segno
from PIL import Image

from adapters.letters import TITLE, Fpdf2LetterPrinter
from application.ports import ConnectionLetter, SchoolLetterhead

SCHOOL = SchoolLetterhead(name="Collège Jean-Jaurès", uai="0751234A", address="12 rue des Écoles, 75005 Paris")
URL = "https://cartable.college-jean-jaures.fr/connexion?login="
DEJAVU = Fpdf2LetterPrinter()
CORE_FONTS = Fpdf2LetterPrinter(font_dirs=())
PRINTERS = [
    pytest.param(
        DEJAVU, id="dejavu", marks=pytest.mark.skipif(not DEJAVU.unicode, reason="no DejaVu font on this machine")
    ),
    pytest.param(CORE_FONTS, id="core-fonts"),
]


def letter(number: int, name: str = "Léa MARTIN", detail: str | None = "5e B") -> ConnectionLetter:
    login = f"eleve.{number:02d}"
    return ConnectionLetter(
        full_name=name, detail=detail, login=login, password=f"Kx7pQm3v{number:04d}", connection_url=URL + login
    )


def read(pdf: bytes) -> pypdf.PdfReader:
    assert pdf.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(pdf))


def text_of(reader: pypdf.PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize("printer", PRINTERS)
def test_eleven_letters_take_two_pages_of_eight_labels(printer: Fpdf2LetterPrinter) -> None:
    letters = [letter(number) for number in range(11)]
    reader = read(printer.render(SCHOOL, "Élèves", letters))

    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert [first.count(URL), second.count(URL)] == [8, 3]
    text = first + second
    for each in letters:
        assert each.login in text
        assert each.password in text
    assert text.count("Collège Jean-Jaurès") >= 11
    assert text.count("À changer à la première connexion") == 11


@pytest.mark.parametrize("printer", PRINTERS)
def test_every_page_is_headed_with_the_population_and_the_label_with_the_school(printer: Fpdf2LetterPrinter) -> None:
    reader = read(printer.render(SCHOOL, "Responsables", [letter(number) for number in range(9)]))
    for page in reader.pages:
        text = page.extract_text()
        assert "Lettres de connexion — Responsables" in text
        assert "UAI 0751234A · 12 rue des Écoles, 75005 Paris" in text
        assert "Identifiant :" in text
        assert "Mot de passe provisoire :" in text


@pytest.mark.parametrize("printer", PRINTERS)
def test_the_document_is_titled_in_french(printer: Fpdf2LetterPrinter) -> None:
    metadata = read(printer.render(SCHOOL, "Professeurs", [letter(1)])).metadata
    assert metadata is not None
    assert metadata.title == TITLE == "Lettres de connexion"


@pytest.mark.parametrize("printer", PRINTERS)
def test_each_label_holds_a_qr_code_of_its_connection_url(printer: Fpdf2LetterPrinter) -> None:
    letters = [letter(1), letter(2)]
    (page,) = read(printer.render(SCHOOL, "Élèves", letters)).pages
    printed = [image.image for image in page.images]
    assert len(printed) == 2
    for each, image in zip(letters, printed, strict=True):
        assert image is not None
        expected = io.BytesIO()
        segno.make(each.connection_url, error="m", micro=False).save(expected, kind="png", scale=8, border=2)
        expected.seek(0)
        assert image.convert("L").tobytes() == Image.open(expected).convert("L").tobytes()


@pytest.mark.parametrize("printer", PRINTERS)
def test_no_letter_gives_one_page_that_says_so(printer: Fpdf2LetterPrinter) -> None:
    reader = read(printer.render(SCHOOL, "Accompagnants", []))
    assert len(reader.pages) == 1
    text = text_of(reader)
    assert "Lettres de connexion — Accompagnants" in text
    assert "Aucune lettre à imprimer." in text


@pytest.mark.parametrize("printer", PRINTERS)
def test_a_long_login_is_wrapped_never_cut(printer: Fpdf2LetterPrinter) -> None:
    login = "marie-christine.de-la-rochefoucauld-epernay"
    long = ConnectionLetter(
        "Marie-Christine DE LA ROCHEFOUCAULD-ÉPERNAY", "Responsable de Léa MARTIN", login, "Kx7pQm3vRt9a", URL + login
    )
    text = text_of(read(printer.render(SCHOOL, "Responsables", [long])))
    assert login in text.replace("\n", "")
    assert "Kx7pQm3vRt9a" in text


def test_the_dejavu_fonts_print_any_latin_letter() -> None:
    if not DEJAVU.unicode:
        pytest.skip("no DejaVu font on this machine")
    text = text_of(read(DEJAVU.render(SCHOOL, "Élèves", [letter(1, name="Łukasz NOWAK", detail="Ștefan, 4e A")])))
    assert "Łukasz NOWAK" in text
    assert "Ștefan, 4e A" in text


def test_without_dejavu_letters_print_in_core_fonts_and_keep_french_accents() -> None:
    assert not CORE_FONTS.unicode
    people = [letter(1, name="Zoë LŒUVRE", detail="Fils d’Anaïs « Noé » ÇA")]
    text = text_of(read(CORE_FONTS.render(SCHOOL, "Élèves", people)))
    assert "Zoë LŒUVRE" in text
    assert "Fils d’Anaïs « Noé » ÇA" in text


def test_without_dejavu_other_letters_lose_their_accents_rather_than_fail() -> None:
    people = [letter(1, name="Łukasz NOWAK", detail="Ștefan ĐORĐEVIĆ, 王芳")]
    text = text_of(read(CORE_FONTS.render(SCHOOL, "Élèves", people)))
    assert "Lukasz NOWAK" in text
    assert "Stefan DORDEVIC, ??" in text


def test_poppler_draws_every_page_of_a4(tmp_path: Path) -> None:
    """Another reader than pypdf: pdftoppm (poppler, the engine of most Linux viewers) draws both pages."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    people = [
        letter(1),
        letter(2, "Noé DUBOIS-FERNANDES", None),
        letter(3, "Marie-Christine DE LA ROCHEFOUCAULD-ÉPERNAY", "Responsable de Léa MARTIN"),
        *(letter(number, "Chloé LEFÈVRE", "Professeur de mathématiques") for number in range(4, 12)),
    ]
    (tmp_path / "letters.pdf").write_bytes(DEJAVU.render(SCHOOL, "Élèves", people))
    subprocess.run([pdftoppm, "-png", "-r", "60", "letters.pdf", "page"], cwd=tmp_path, check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    for page in pages:
        with Image.open(page) as picture:
            width, height = picture.size
            assert abs(height / width - 297 / 210) < 0.01  # A4, portrait
