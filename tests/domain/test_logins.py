from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.account import parse_login
from domain.logins import MAX_STEM_LENGTH, fold_accents, generate_login, login_stem


def never_taken(login: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("first_name", "last_name", "stem"),
    [
        ("Sébastien", "Léoti", "SLEOTI"),
        ("ÉLODIE", "DUPONT", "EDUPONT"),
        ("Jean-Pierre", "N'Diaye", "JNDIAYE"),
        ("Aïssatou", "N’Diaye", "ANDIAYE"),
        ("Anne-Sophie", "Martin-Lefèvre", "AMARTINLEFEVRE"),
        ("François", "Çelik", "FCELIK"),
        ("Jacques", "Cœur", "JCOEUR"),
        ("Œdipe", "Roi", "OROI"),
        ("Lætitia", "Cæsar", "LCAESAR"),
        ("Johann", "Strauß", "JSTRAUSS"),
        ("Søren", "Kierkegaard", "SKIERKEGAARD"),
        ("Łucja", "Wałęsa", "LWALESA"),
        ("Đorđe", "Đokić", "DDOKIC"),
        ("Marie", "  St. Pierre ", "MSTPIERRE"),
    ],
)
def test_stem_is_the_initial_and_the_last_name_in_ascii_capitals(first_name: str, last_name: str, stem: str) -> None:
    assert login_stem(first_name, last_name) == stem


@pytest.mark.parametrize(
    ("last_name", "stem"),
    [
        ("d'Artagnan", "CARTAGNAN"),
        ("d’Artagnan", "CARTAGNAN"),
        ("de La Fontaine", "CLAFONTAINE"),
        ("de la Fontaine", "CFONTAINE"),
        ("du Bellay", "CBELLAY"),
        ("des Essarts", "CESSARTS"),
        ("van Beethoven", "CBEETHOVEN"),
        ("von Weber", "CWEBER"),
        ("da Silva", "CSILVA"),
        ("dos Santos", "CSANTOS"),
        ("della Robbia", "CROBBIA"),
    ],
)
def test_leading_lower_case_particles_are_left_out(last_name: str, stem: str) -> None:
    assert login_stem("Charles", last_name) == stem


@pytest.mark.parametrize(
    ("last_name", "stem"),
    [
        ("Le Goff", "YLEGOFF"),
        ("La Rochelle", "YLAROCHELLE"),
        ("De Gaulle", "YDEGAULLE"),
        ("Van Damme", "YVANDAMME"),
        ("Da Costa", "YDACOSTA"),
        ("DE LA FONTAINE", "YDELAFONTAINE"),
    ],
)
def test_capitalised_particles_are_part_of_the_name(last_name: str, stem: str) -> None:
    assert login_stem("Yann", last_name) == stem


@pytest.mark.parametrize(("last_name", "stem"), [("de", "ADE"), ("d'", "AD"), ("du", "ADU"), ("van 李", "AVAN")])
def test_a_particle_stays_when_nothing_would_be_left_without_it(last_name: str, stem: str) -> None:
    assert login_stem("Anne", last_name) == stem


def test_long_names_are_cut_to_twenty_letters() -> None:
    stem = login_stem("Marie", "de Montmorency-Laval-Beauvilliers")
    assert stem == "MMONTMORENCYLAVALBEA"
    assert len(stem) == MAX_STEM_LENGTH


def test_a_first_name_without_latin_letters_gives_the_last_name_alone() -> None:
    assert login_stem("明", "Dupont") == "DUPONT"
    assert login_stem("", "Dupont") == "DUPONT"
    assert login_stem("—", "Dupont") == "DUPONT"


def test_a_last_name_without_latin_letters_gives_u_and_the_initial() -> None:
    assert login_stem("Jean", "李") == "UJ"
    assert login_stem("Ivan", "Иванов") == "UI"


@pytest.mark.parametrize(
    ("first_name", "last_name"), [("", ""), ("  ", " - "), ("李", "明"), ("'", "..."), ("١٢", "٣")]
)
def test_names_with_nothing_latin_give_user(first_name: str, last_name: str) -> None:
    assert login_stem(first_name, last_name) == "USER"


def test_fold_accents_keeps_the_case_and_other_scripts() -> None:
    assert fold_accents("Cœur Léoti ÉLODIE Straße") == "Coeur Leoti ELODIE Strasse"
    assert fold_accents("李明") == "李明"


def test_a_free_stem_is_the_login() -> None:
    assert generate_login("Sébastien", "Léoti", never_taken) == "SLEOTI"


def test_a_taken_stem_gets_the_first_free_number_from_two() -> None:
    assert generate_login("Sébastien", "Léoti", {"SLEOTI"}.__contains__) == "SLEOTI2"
    assert generate_login("Sylvie", "Leoti", {"SLEOTI", "SLEOTI2", "SLEOTI3"}.__contains__) == "SLEOTI4"


def test_the_stem_is_given_back_when_only_numbered_logins_are_taken() -> None:
    assert generate_login("Sébastien", "Léoti", {"SLEOTI2", "SLEOTI3"}.__contains__) == "SLEOTI"


def test_a_gap_in_the_numbers_is_filled_since_that_login_was_never_given() -> None:
    assert generate_login("Sébastien", "Léoti", {"SLEOTI", "SLEOTI3"}.__contains__) == "SLEOTI2"


def test_homonyms_get_distinct_logins() -> None:
    given_out: set[str] = set()
    for _ in range(3):
        given_out.add(generate_login("Sébastien", "Léoti", given_out.__contains__))
    assert given_out == {"SLEOTI", "SLEOTI2", "SLEOTI3"}


names = st.text(max_size=40)


@st.composite
def taken_logins(draw: st.DrawFn, stem: str) -> frozenset[str]:
    """Logins already given: some numbered from the same stem (the collisions that matter), some random."""
    numbers = draw(st.sets(st.integers(1, 40), max_size=30))
    numbered = {stem if n == 1 else f"{stem}{n}" for n in numbers}
    others = draw(st.sets(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=8)))
    return frozenset(numbered | others)


@given(names, names, st.data())
def test_generated_login_is_never_one_already_given(first_name: str, last_name: str, data: st.DataObject) -> None:
    taken = data.draw(taken_logins(login_stem(first_name, last_name)))
    login = generate_login(first_name, last_name, taken.__contains__)
    assert login not in taken
    assert login.startswith(login_stem(first_name, last_name))


@given(st.lists(st.tuples(names, names), max_size=20), st.sets(st.text(max_size=10)))
def test_logins_generated_one_after_another_are_all_distinct(people: list[tuple[str, str]], already: set[str]) -> None:
    given_out = set(already)
    logins = []
    for first_name, last_name in people:
        login = generate_login(first_name, last_name, given_out.__contains__)
        given_out.add(login)
        logins.append(login)
    assert len(set(logins)) == len(logins)
    assert not set(logins) & already


@given(names, names, st.frozensets(st.text(max_size=12)))
def test_login_generation_is_stable(first_name: str, last_name: str, taken: frozenset[str]) -> None:
    first = generate_login(first_name, last_name, taken.__contains__)
    assert generate_login(first_name, last_name, taken.__contains__) == first


@given(names, names)
def test_stem_is_ascii_capitals_and_a_valid_login(first_name: str, last_name: str) -> None:
    stem = login_stem(first_name, last_name)
    assert stem.isascii()
    assert stem.isalpha()
    assert stem.isupper()
    assert 1 <= len(stem) <= MAX_STEM_LENGTH
    assert parse_login(stem) == stem


@given(names, names, st.integers(0, 200))
def test_numbered_login_is_ascii_and_a_valid_login(first_name: str, last_name: str, homonyms: int) -> None:
    stem = login_stem(first_name, last_name)
    taken = {stem, *(f"{stem}{n}" for n in range(2, homonyms + 2))}
    login = generate_login(first_name, last_name, taken.__contains__)
    assert login == f"{stem}{homonyms + 2}"
    assert login.isascii()
    assert parse_login(login) == login
