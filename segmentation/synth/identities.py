"""Fake identities: names, e-mail addresses, phone numbers and places."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from segmentation.synth.profiles import GENDERS
from segmentation.synth.sampling import as_probabilities, pick

_FIRST_NAMES = {
    ("en", "female"): (
        "Emma", "Olivia", "Ava", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia",
        "Harper", "Evelyn", "Abigail", "Emily", "Ella", "Grace", "Chloe", "Lily",
        "Hannah", "Sarah", "Jessica", "Laura", "Megan", "Rachel", "Zoe", "Lucy",
    ),
    ("en", "male"): (
        "Liam", "Noah", "Oliver", "James", "William", "Benjamin", "Lucas", "Henry",
        "Alexander", "Daniel", "Michael", "Ethan", "Jacob", "Samuel", "David", "Joseph",
        "Thomas", "Matthew", "Ryan", "Jack", "Harry", "George", "Oscar", "Adam",
    ),
    ("de", "female"): (
        "Anna", "Lena", "Leonie", "Sophie", "Marie", "Hannah", "Lea", "Julia",
        "Katharina", "Jana", "Sabine", "Petra", "Ursula", "Greta", "Mareike", "Birgit",
    ),
    ("de", "male"): (
        "Lukas", "Jonas", "Leon", "Finn", "Felix", "Paul", "Maximilian", "Tobias",
        "Jan", "Stefan", "Jürgen", "Matthias", "Andreas", "Florian", "Sebastian", "Uwe",
    ),
}  # fmt: skip
_LAST_NAMES = {
    "en": (
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
        "Wilson", "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Jackson",
        "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young",
        "Allen", "King", "Wright", "Scott", "Hill", "Green", "Adams", "Baker", "Nelson",
        "Carter", "Mitchell", "Roberts", "Turner", "Campbell", "Evans", "Edwards",
        "Collins", "Stewart", "Murphy", "Cooper", "Patel", "Nguyen", "O'Brien",
        "MacDonald", "Tremblay", "Gagnon", "Roy",
    ),
    "de": (
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
        "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein",
        "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
        "Hartmann", "Lange", "Yılmaz",
    ),
}  # fmt: skip
_STREETS = {
    "en": (
        "Oak", "Maple", "Cedar", "Elm", "Pine", "Park", "Lake", "Hill", "Church",
        "Mill", "Station", "Victoria", "King", "Queen", "High", "Main", "Lincoln",
        "Sunset", "River", "Meadow",
    ),
    "de": (
        "Haupt", "Bahnhof", "Garten", "Schul", "Berg", "Kirch", "Linden", "Wald",
        "Rosen", "Mühlen", "Birken", "Goethe", "Schiller", "Dorf",
    ),
}  # fmt: skip
_STREET_SUFFIXES = {
    "en": ("Street", "Avenue", "Road", "Lane", "Drive", "Court", "Way"),
    "de": ("straße", "weg", "allee", "gasse"),
}
_EMAIL_DOMAINS = (
    "example.com",
    "example.net",
    "example.org",
    "mail.test",
    "inbox.test",
)
_ASCII_FOLD = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "ı": "i", "'": "", " ": ""}
)


@dataclass(frozen=True)
class Country:
    """A country customers live in, with the spellings of its places and phones.

    Attributes
    ----------
    name : str
        Country name as written to ``raw_customers``.
    language : str
        ``"en"`` or ``"de"``: the pool of names and street names.
    weight : float
        Relative share of customers.
    regions : tuple of (str, tuple of str)
        Regions with their cities, most populous city first.
    phone_prefix : str
        International dialling prefix, e.g. ``"+44"``.
    area_codes : tuple of str
        Area (or mobile network) codes drawn for phone numbers.
    """

    name: str
    language: str
    weight: float
    regions: tuple[tuple[str, tuple[str, ...]], ...]
    phone_prefix: str
    area_codes: tuple[str, ...]


COUNTRIES = (
    Country(
        "United States",
        "en",
        0.45,
        (
            ("California", ("Los Angeles", "San Francisco", "San Diego")),
            ("Texas", ("Houston", "Austin", "Dallas")),
            ("New York", ("New York City", "Buffalo", "Albany")),
            ("Illinois", ("Chicago", "Springfield", "Naperville")),
        ),
        "+1",
        ("212", "213", "312", "415", "512", "619", "713", "716"),
    ),
    Country(
        "United Kingdom",
        "en",
        0.20,
        (
            ("England", ("London", "Manchester", "Bristol")),
            ("Scotland", ("Edinburgh", "Glasgow", "Aberdeen")),
            ("Wales", ("Cardiff", "Swansea")),
            ("Northern Ireland", ("Belfast", "Derry")),
        ),
        "+44",
        ("7700",),
    ),
    Country(
        "Germany",
        "de",
        0.20,
        (
            ("Bavaria", ("München", "Nürnberg", "Augsburg")),
            ("North Rhine-Westphalia", ("Köln", "Düsseldorf", "Dortmund")),
            ("Hesse", ("Frankfurt am Main", "Wiesbaden")),
            ("Baden-Württemberg", ("Stuttgart", "Karlsruhe", "Freiburg")),
        ),
        "+49",
        ("151", "160", "170", "176"),
    ),
    Country(
        "Canada",
        "en",
        0.15,
        (
            ("Ontario", ("Toronto", "Ottawa", "Hamilton")),
            ("Quebec", ("Montréal", "Québec City", "Laval")),
            ("British Columbia", ("Vancouver", "Victoria", "Kelowna")),
            ("Alberta", ("Calgary", "Edmonton")),
        ),
        "+1",
        ("416", "613", "514", "604", "403", "780"),
    ),
)
"""Countries customers live in, with their regions and cities."""

_CITY_WEIGHTS = (0.5, 0.3, 0.2)


def _email_local_part(first: str, last: str, pattern: float, number: int) -> str:
    """Build the local part of a fake e-mail address.

    Parameters
    ----------
    first, last : str
        Person's names.
    pattern : float
        Uniform draw choosing the pattern.
    number : int
        Two-digit number some patterns append.

    Returns
    -------
    str
        ASCII lower-case local part.
    """
    first_ascii = first.lower().translate(_ASCII_FOLD)
    last_ascii = last.lower().translate(_ASCII_FOLD)
    if pattern < 0.35:
        return f"{first_ascii}.{last_ascii}"
    if pattern < 0.55:
        return f"{first_ascii}{last_ascii}{number:02d}"
    if pattern < 0.75:
        return f"{first_ascii[0]}.{last_ascii}"
    return f"{first_ascii}_{last_ascii}{number:02d}"


def draw_identity(rng: np.random.Generator, gender: np.ndarray) -> pd.DataFrame:
    """Draw fake names, contact details and geography.

    Parameters
    ----------
    rng : numpy.random.Generator
        Source of randomness.
    gender : numpy.ndarray
        Gender codes into :data:`GENDERS`.

    Returns
    -------
    pandas.DataFrame
        Text columns ``name``, ``email``, ``phone``, ``street_address``, ``country``,
        ``region``, ``city`` and the helper code ``country_code``.
    """
    size = len(gender)
    country = pick(rng, [country.weight for country in COUNTRIES], size)
    draws = rng.random((size, 10))
    numbers = rng.integers(0, 10_000_000, size=size)
    records = []
    for i in range(size):
        place = COUNTRIES[country[i]]
        language = place.language
        # non-binary people get a first name from either list
        name_gender = (
            GENDERS[gender[i]] if gender[i] < 2 else GENDERS[int(draws[i, 0] < 0.5)]
        )
        firsts = _FIRST_NAMES[(language, name_gender)]
        lasts = _LAST_NAMES[language]
        first = firsts[int(draws[i, 1] * len(firsts))]
        last = lasts[int(draws[i, 2] * len(lasts))]
        region, cities = place.regions[int(draws[i, 3] * len(place.regions))]
        city_weights = np.cumsum(as_probabilities(_CITY_WEIGHTS[: len(cities)]))
        city = cities[min(int((draws[i, 4] > city_weights).sum()), len(cities) - 1)]
        street = _STREETS[language][int(draws[i, 5] * len(_STREETS[language]))]
        suffix = _STREET_SUFFIXES[language][
            int(draws[i, 6] * len(_STREET_SUFFIXES[language]))
        ]
        house = 1 + int(draws[i, 7] ** 2 * 240)
        area = place.area_codes[int(draws[i, 8] * len(place.area_codes))]
        number = int(numbers[i])
        if place.phone_prefix == "+1":
            phone = f"+1 {area}-555-{number % 10_000:04d}"
        elif place.phone_prefix == "+44":
            phone = f"+44 {area} {number % 1_000_000:06d}"
        else:
            phone = f"+49 {area} {number:07d}"
        address = (
            f"{street}{suffix} {house}"
            if language == "de"
            else f"{house} {street} {suffix}"
        )
        local = _email_local_part(first, last, float(draws[i, 9]), number % 100)
        domain = _EMAIL_DOMAINS[number % len(_EMAIL_DOMAINS)]
        records.append(
            (
                f"{first} {last}",
                f"{local}@{domain}",
                phone,
                address,
                place.name,
                region,
                city,
            )
        )
    identity = pd.DataFrame(
        records,
        columns=[
            "name",
            "email",
            "phone",
            "street_address",
            "country",
            "region",
            "city",
        ],
        dtype=object,
    )
    identity["country_code"] = country
    return identity


def unique_emails(emails: pd.Series, numbers: np.ndarray) -> pd.Series:
    """Make e-mail addresses unique by adding the record number to repeats.

    Parameters
    ----------
    emails : pandas.Series
        Candidate addresses.
    numbers : numpy.ndarray
        Distinct record numbers.

    Returns
    -------
    pandas.Series
        Addresses, unique.
    """
    repeated = emails.duplicated(keep="first").to_numpy()
    fixed = [
        email.replace("@", f".{number}@") if again else email
        for email, number, again in zip(
            emails.tolist(), numbers.tolist(), repeated, strict=True
        )
    ]
    return pd.Series(fixed, index=emails.index, dtype=object)
