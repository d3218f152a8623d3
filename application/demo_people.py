"""Realistic, made-up people for a demo school.

A demo or a load test is only convincing when the directory looks like a real French
school: accented and hyphenated names, siblings sharing guardians, classes of about
thirty, a handful of staff. Everything here is pure and seeded from the arguments, so a
demo can be rebuilt identically and a test can name the people it expects.
"""

from __future__ import annotations

import math
import random
import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta


def _names(text: str) -> tuple[str, ...]:
    """Comma-separated names, so that the data stays compact yet allows inner spaces."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


GIRL_NAMES = _names(
    "Emma, Jade, Louise, Alice, Chloé, Lina, Léa, Rose, Anna, Mila, Inès, Ambre, Julia,"
    "Mia, Léna, Manon, Juliette, Lou, Zoé, Camille, Agathe, Jeanne, Lucie, Éva, Nina,"
    "Sarah, Romane, Inaya, Charlotte, Léonie, Romy, Adèle, Iris, Louna, Margaux, Alix,"
    "Victoria, Clémence, Anaïs, Hélène, Margot, Elsa, Capucine, Clara, Héloïse, Lola,"
    "Mathilde, Maëlys, Océane, Lilou, Laura, Pauline, Marie, Sofia, Yasmine, Noémie,"
    "Justine, Amandine, Émilie, Élise, Aurélie, Célia, Maëlle, Nour, Salomé, Apolline,"
    "Gabrielle, Joséphine, Valentine, Constance, Léane, Éléonore, Maya, Lana, Aya, Lisa,"
    "Marion, Mélanie, Morgane, Estelle, Cécile, Sophie, Nathalie, Isabelle, Claire,"
    "Amélie, Bérénice, Solène, Gaëlle, Coralie, Axelle, Fanny, Ophélie, Noa, Élodie,"
    "Thaïs, Kenza, Fatoumata, Assia, Yara, Myriam, Aïcha, Hana, Ninon, Garance, Lise,"
    "Pénélope, Zélie, Albane, Diane, Cassandre, Sixtine, Marine, Audrey, Flavie, Olivia,"
    "Tiphaine, Louane, Maïwenn, Soline, Anouk, Mélissa, Nolwenn, Ludivine, Giulia"
)
BOY_NAMES = _names(
    "Gabriel, Léo, Raphaël, Louis, Maël, Noah, Jules, Arthur, Adam, Lucas, Hugo, Sacha,"
    "Nathan, Tom, Paul, Gabin, Aaron, Noé, Théo, Mohamed, Ethan, Timéo, Liam, Marius,"
    "Martin, Axel, Nolan, Victor, Isaac, Mathis, Léon, Naël, Rayan, Éden, Baptiste,"
    "Valentin, Clément, Antoine, Maxime, Alexandre, Thomas, Romain, Julien, Nicolas,"
    "Jérémy, François, Pierre, Benoît, Sébastien, Frédéric, Cédric, Jérôme, Loïc, Gaël,"
    "Yannick, Mathéo, Enzo, Evan, Kylian, Aurélien, Bastien, Corentin, Quentin, Florian,"
    "Damien, Adrien, Mattéo, Timothée, Élias, Ilyes, Yanis, Amine, Ibrahim, Moussa,"
    "Mamadou, Samuel, Simon, Benjamin, Félix, Émile, Augustin, Côme, Anatole, Célestin,"
    "Joseph, Basile, Eliott, Noam, Ismaël, Ewen, Erwan, Gaspard, Lenny, Esteban, Diego,"
    "Kaïs, Kevin, Dylan, Alexis, Rémi, Guillaume, Vincent, Olivier, Laurent, Stéphane,"
    "Hervé, Étienne, Grégoire, Arnaud, Tristan, Lucien, Charles, Édouard, Achille, Malo,"
    "Ayoub, Wassim, Bilal, Idriss, Oscar, Robin, Owen, Titouan, Thibault, Maxence"
)
LAST_NAMES = _names(
    "Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent,"
    "Simon, Michel, Lefèvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard,"
    "Bonnet, Dupont, Lambert, Fontaine, Rousseau, Vincent, Müller, Lefebvre, Faure,"
    "André, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier, François, Legrand,"
    "Gauthier, Garcia, Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu,"
    "Masson, Marchand, Duval, Denis, Dumont, Lemaire, Noël, Meyer, Dufour, Meunier, Brun,"
    "Blanchard, Giraud, Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Roche,"
    "Martinez, Gérard, Renard, Schmitt, Roy, Leroux, Colin, Vidal, Caron, Picard, Roger,"
    "Fabre, Aubert, Lemoine, Renaud, Dumas, Lacroix, Olivier, Philippe, Bourgeois, Rey,"
    "Leclerc, Payet, Rolland, Leclercq, Guillaume, Lecomte, López, Dupuy, Guillot,"
    "Hubert, Berger, Carpentier, Sanchez, Dupuis, Moulin, Deschamps, Huet, Vasseur,"
    "Perez, Boucher, Fleury, Royer, Klein, Jacquet, Poirier, Marty, Aubry, Guyot, Carré,"
    "Renault, Charpentier, Ménard, Maillard, Baron, Bertin, Bailly, Hervé, Schneider,"
    "Fernandez, Le Gall, Collet, Léger, Bouvier, Prévost, Millet, Perrot, Le Roux,"
    "Cousin, Germain, Breton, Besson, Langlois, Rémy, Le Goff, Pelletier, Lévêque,"
    "Perrier, Leblanc, Barré, Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger, Jacob,"
    "Monnier, Michaud, Rodriguez, Guichard, Gillet, Grondin, Poulain, Tessier, Chauvin,"
    "Da Silva, Bouchet, Lemaître, Bénard, Maréchal, Humbert, Reynaud, Hoarau, Perret,"
    "Barthélemy, Cordier, Pichon, Lejeune, Gilbert, Lamy, Delaunay, Pasquier, Carlier,"
    "Laporte, Cohen, Lebon, N'Diaye, Diallo, Traoré, Nguyen, Benali, Haddad, Dupont-Moreau, Le Bihan,"
    "de La Fontaine, D'Angelo, Saint-Martin, Lefèvre-Durand, de Villiers, Kowalski"
)
STREETS = _names(
    "rue Victor Hugo, avenue Jean Jaurès, rue de la République, boulevard Gambetta,"
    "rue Pasteur, place de l'Église, allée des Tilleuls, rue du Moulin, impasse des Lilas,"
    "rue Émile Zola, chemin des Vignes, avenue Foch, rue Jules Ferry, rue de la Gare"
)
CITIES = (
    ("75005", "Paris"),
    ("69003", "Lyon"),
    ("13006", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("34000", "Montpellier"),
    ("21000", "Dijon"),
    ("29200", "Brest"),
)
STAFF_FUNCTIONS = ("Direction", "CPE", "Secrétaire", "AESH", "Infirmier", "Surveillant", "Agent")
# (level code, class-code prefix, label prefix, age on 1 January of the school year)
_COLLEGE = (("6E", "6", "6e", 11), ("5E", "5", "5e", 12), ("4E", "4", "4e", 13), ("3E", "3", "3e", 14))
_LYCEE = (("2NDE", "2", "2nde", 15), ("1ERE", "1", "1re", 16), ("TLE", "T", "Tle", 17))
_COLLEGE_MAX_STUDENTS = 800
_MAX_CLASS_SIZE = 30
# Disciplines every school has, then how often each is drawn for the remaining posts.
_CORE = ("Mathématiques", "Français", "Histoire-Géographie", "Anglais", "SVT", "Physique-Chimie", "EPS", "Espagnol")
_COLLEGE_WEIGHTS = {
    "Mathématiques": 4,
    "Français": 5,
    "Histoire-Géographie": 3,
    "Anglais": 3,
    "Espagnol": 2,
    "Allemand": 1,
    "SVT": 2,
    "Physique-Chimie": 2,
    "EPS": 3,
    "Technologie": 2,
    "Arts plastiques": 1,
    "Éducation musicale": 1,
    "Documentation": 1,
}
_LYCEE_WEIGHTS = {
    "Mathématiques": 4,
    "Français": 3,
    "Histoire-Géographie": 3,
    "Anglais": 3,
    "Espagnol": 2,
    "Allemand": 1,
    "SVT": 2,
    "Physique-Chimie": 3,
    "EPS": 2,
    "Philosophie": 2,
    "SES": 2,
    "NSI": 1,
    "Documentation": 1,
}


@dataclass(frozen=True)
class DemoClass:
    """A class (division), coded as SIECLE writes it."""

    code: str
    label: str
    level: str


@dataclass(frozen=True)
class DemoStudent:
    """A student enrolled in one class."""

    key: str
    last_name: str
    first_name: str
    birth_date: date
    sex: str
    ine: str
    class_code: str


@dataclass(frozen=True)
class DemoGuardian:
    """A guardian; ``children`` holds (student key, relationship, legal) triples."""

    key: str
    last_name: str
    first_name: str
    civility: str
    email: str
    phone: str
    address: str
    children: tuple[tuple[str, str, bool], ...]


@dataclass(frozen=True)
class DemoTeacher:
    """A teacher and the discipline they teach."""

    key: str
    last_name: str
    first_name: str
    civility: str
    email: str
    discipline: str


@dataclass(frozen=True)
class DemoStaff:
    """A non-teaching member of staff, with one of ``STAFF_FUNCTIONS``."""

    key: str
    last_name: str
    first_name: str
    civility: str
    email: str
    function: str


@dataclass(frozen=True)
class DemoSchool:
    """Everyone in a demo school for one school year."""

    uai: str
    year: int
    classes: tuple[DemoClass, ...]
    students: tuple[DemoStudent, ...]
    guardians: tuple[DemoGuardian, ...]
    teachers: tuple[DemoTeacher, ...]
    staff: tuple[DemoStaff, ...]


def _letters(index: int) -> str:
    """Class suffix A..Z then AA, AB..., so that very large schools still get codes."""
    suffix = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        suffix = string.ascii_uppercase[rest] + suffix
    return suffix


def ascii_fold(text: str) -> str:
    """Lower-case ASCII for e-mail local parts: accents, apostrophes and spaces dropped."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9-]", "", plain)


class _Generator:
    """Holds the seeded random source and the registries that keep values unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.emails: set[str] = set()
        self.ines: set[str] = set()

    def email(self, first_name: str, last_name: str) -> str:
        """prenom.nom@example.fr, numbered when two people share a name."""
        base = f"{ascii_fold(first_name)}.{ascii_fold(last_name)}"
        email, number = f"{base}@example.fr", 1
        while email in self.emails:
            number += 1
            email = f"{base}{number}@example.fr"
        self.emails.add(email)
        return email

    def ine(self) -> str:
        """Ten digits and a letter, the shape of an INE-RNIE, never repeated."""
        while True:
            ine = f"{self.rng.randrange(10**10):010d}" + self.rng.choice(string.ascii_uppercase)
            if ine not in self.ines:
                self.ines.add(ine)
                return ine

    def phone(self) -> str:
        """A French mobile number, written in pairs of digits."""
        pairs = [f"{self.rng.randrange(100):02d}" for _ in range(4)]
        return " ".join([self.rng.choice(("06", "07")), *pairs])

    def address(self) -> str:
        """A plausible postal address in a large French city."""
        postcode, city = self.rng.choice(CITIES)
        street = self.rng.choice(STREETS)
        return f"{self.rng.randint(1, 120)} {street}, {postcode} {city}"

    def person(self, sex: str | None = None) -> tuple[str, str, str, str]:
        """(sex, civility, first name, last name) for an adult."""
        sex = sex or self.rng.choice("FM")
        first = self.rng.choice(GIRL_NAMES if sex == "F" else BOY_NAMES)
        return sex, "Mme" if sex == "F" else "M.", first, self.rng.choice(LAST_NAMES)


def _classes(students: int) -> tuple[DemoClass, ...]:
    """Enough classes per level to keep them at or under thirty students."""
    levels = _COLLEGE if students <= _COLLEGE_MAX_STUDENTS else _LYCEE
    per_level = max(1, math.ceil(students / (_MAX_CLASS_SIZE * len(levels))))
    return tuple(
        DemoClass(f"{prefix}{_letters(i)}", f"{label} {_letters(i)}", level)
        for level, prefix, label, _ in levels
        for i in range(per_level)
    )


def generate_school(uai: str, year: int, students: int) -> DemoSchool:
    """A whole school, identical for identical arguments.

    ``students`` at most 800 gives a collège (6e to 3e), more gives a lycée (2nde to
    Tle). About 15 % of families have two children in the school, most have two legal
    guardians, so guardians number between the students and twice as many.
    """
    if students < 0:
        raise ValueError(f"students must be zero or more, got {students}")
    gen = _Generator(random.Random(f"{uai}-{year}-{students}"))
    rng = gen.rng
    classes = _classes(students)
    ages = {level: age for level, _, _, age in (*_COLLEGE, *_LYCEE)}
    seats = [classes[i % len(classes)] for i in range(students)]
    rng.shuffle(seats)

    pupils: list[DemoStudent] = []
    guardians: list[DemoGuardian] = []
    while len(pupils) < students:
        family_name = rng.choice(LAST_NAMES)
        size = 2 if students - len(pupils) >= 2 and rng.random() < 0.15 else 1
        keys: list[str] = []
        for _ in range(size):
            seat = seats[len(pupils)]
            sex = rng.choice("FM")
            older = 1 if rng.random() < 0.12 else 0
            born = date(year - ages[seat.level] - older, 1, 1)
            key = f"student-{len(pupils) + 1:05d}"
            pupils.append(
                DemoStudent(
                    key=key,
                    last_name=family_name,
                    first_name=rng.choice(GIRL_NAMES if sex == "F" else BOY_NAMES),
                    birth_date=born + timedelta(days=rng.randrange(365)),
                    sex=sex,
                    ine=gen.ine(),
                    class_code=seat.code,
                )
            )
            keys.append(key)
        home = gen.address()
        roll = rng.random()
        if roll < 0.85:
            mother_name = family_name if rng.random() < 0.6 else rng.choice(LAST_NAMES)
            parents = [("MERE", "F", mother_name, True), ("PERE", "M", family_name, True)]
        else:
            sole = rng.choices(("MERE", "PERE", "TUTEUR"), weights=(7, 2, 1))[0]
            sex = {"MERE": "F", "PERE": "M"}.get(sole) or rng.choice("FM")
            parents = [(sole, sex, family_name if sole != "TUTEUR" else rng.choice(LAST_NAMES), True)]
            if rng.random() < 0.3:
                parents.append(("AUTRE", rng.choice("FM"), rng.choice(LAST_NAMES), False))
        for rank, (relationship, sex, last_name, legal) in enumerate(parents):
            _, civility, first_name, _ = gen.person(sex)
            separated = rank > 0 and rng.random() < 0.2
            guardians.append(
                DemoGuardian(
                    key=f"guardian-{len(guardians) + 1:05d}",
                    last_name=last_name,
                    first_name=first_name,
                    civility=civility,
                    email=gen.email(first_name, last_name),
                    phone=gen.phone(),
                    address=gen.address() if separated else home,
                    children=tuple((key, relationship, legal) for key in keys),
                )
            )

    order = {cls.code: i for i, cls in enumerate(classes)}
    pupils.sort(key=lambda s: (order[s.class_code], ascii_fold(s.last_name), ascii_fold(s.first_name), s.key))
    return DemoSchool(
        uai=uai,
        year=year,
        classes=classes,
        students=tuple(pupils),
        guardians=tuple(guardians),
        teachers=_teachers(gen, students),
        staff=_staff(gen, students),
    )


def _teachers(gen: _Generator, students: int) -> tuple[DemoTeacher, ...]:
    """About one teacher per 14 students, at least 8, the core subjects always covered."""
    count = max(8, round(students / 14))
    weights = _COLLEGE_WEIGHTS if students <= _COLLEGE_MAX_STUDENTS else _LYCEE_WEIGHTS
    subjects = list(_CORE) + gen.rng.choices(
        list(weights), weights=list(weights.values()), k=max(0, count - len(_CORE))
    )
    teachers: list[DemoTeacher] = []
    for number, discipline in enumerate(subjects[:count], start=1):
        _, civility, first, last = gen.person()
        teachers.append(
            DemoTeacher(
                key=f"teacher-{number:04d}",
                last_name=last,
                first_name=first,
                civility=civility,
                email=gen.email(first, last),
                discipline=discipline,
            )
        )
    return tuple(teachers)


def _staff(gen: _Generator, students: int) -> tuple[DemoStaff, ...]:
    """Principal and deputy, CPE, secretaries, AESH, nurse, supervisors and agents."""
    counts = (
        ("Direction", 2),
        ("CPE", 1 if students <= 500 else 2),
        ("Secrétaire", 2),
        ("AESH", round(students / 100)),
        ("Infirmier", 1),
        ("Surveillant", max(2, students // 120)),
        ("Agent", max(2, students // 150)),
    )
    staff: list[DemoStaff] = []
    for function, count in counts:
        for _ in range(count):
            _, civility, first, last = gen.person()
            staff.append(
                DemoStaff(
                    key=f"staff-{len(staff) + 1:04d}",
                    last_name=last,
                    first_name=first,
                    civility=civility,
                    email=gen.email(first, last),
                    function=function,
                )
            )
    return tuple(staff)
