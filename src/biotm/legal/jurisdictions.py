"""Jurisdictions as a hierarchy: ISO 3166-1 countries, their ISO 3166-2 subdivisions, and the groupings laws use.

`US-IL` is in `US`; a flow from `US-TX` to `US-TN` stays in one country. The EU, the EEA and the countries
with an EU adequacy decision are data below, each reviewed on the date it carries. Codes come from pycountry,
which ships the ISO tables, so nothing is fetched at run time.
"""

from __future__ import annotations

import difflib
import functools

import pycountry

#: "XX": a user-assigned ISO code importers write when the source format records no country. It is valid and
#: means "unknown": no law can be ruled out for an unknown place.
UNKNOWN = "XX"

#: EU member states (27 since 1 Feb 2020). Greece is `GR` in ISO 3166-1 (the EU's own "EL" is not ISO).
EU = frozenset(
    {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"}
    | {"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
)
#: The EEA: the EU plus Iceland, Liechtenstein and Norway (GDPR applies through the EEA Agreement).
EEA = EU | {"IS", "LI", "NO"}

#: Date the adequacy table below was last checked against the Commission's list of adequacy decisions.
ADEQUACY_REVIEWED = "2025-06-30"
#: Countries with an EU adequacy decision (GDPR Art. 45), code -> what the decision covers. "partial" ones cover
#: only some recipients, so a transfer there still needs checking per recipient.
ADEQUACY: dict[str, tuple[bool, str]] = {
    "AD": (True, "Andorra (2010)"),
    "AR": (True, "Argentina (2003)"),
    "CA": (False, "Canada (2001): only organisations subject to PIPEDA"),
    "CH": (True, "Switzerland (2000)"),
    "FO": (True, "Faroe Islands (2010)"),
    "GB": (True, "United Kingdom (2021, renewed 2025)"),
    "GG": (True, "Guernsey (2003)"),
    "IL": (True, "Israel (2011)"),
    "IM": (True, "Isle of Man (2004)"),
    "JE": (True, "Jersey (2008)"),
    "JP": (True, "Japan (2019)"),
    "KR": (True, "Republic of Korea (2021)"),
    "NZ": (True, "New Zealand (2012)"),
    "US": (False, "United States (2023): only organisations certified under the EU-U.S. Data Privacy Framework"),
    "UY": (True, "Uruguay (2012)"),
}

#: Named groupings a law's scope may list besides country and subdivision codes.
GROUPS: dict[str, frozenset[str]] = {"EU": EU, "EEA": EEA}


@functools.cache
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries) | {UNKNOWN}


@functools.cache
def _alpha3() -> dict[str, str]:
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


@functools.cache
def _all_subdivisions() -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for subdivision in pycountry.subdivisions:
        out.setdefault(subdivision.country_code, set()).add(subdivision.code)
    return {code: frozenset(codes) for code, codes in out.items()}


def _subdivisions(country: str) -> frozenset[str]:
    return _all_subdivisions().get(country, frozenset())


def country(code: str) -> str:
    """The country of a jurisdiction code: `US-IL` -> `US`, `CN` -> `CN`."""
    return code.split("-", 1)[0]


def problem(code: str) -> str | None:
    """Why `code` is not an ISO 3166 country or subdivision code (with a suggestion), or None if it is."""
    head = country(code)
    if head not in _countries():
        alpha3 = _alpha3().get(head)
        if alpha3 is not None:
            return f"'{head}' is an ISO 3166-1 alpha-3 code; write the alpha-2 code '{alpha3}'"
        return f"unknown country code '{head}' (ISO 3166-1 alpha-2){_suggest(head, _countries())}"
    if code == head or head == UNKNOWN:
        return None
    subdivisions = _subdivisions(head)
    if code in subdivisions:
        return None
    return f"unknown subdivision '{code}' of {head} (ISO 3166-2){_suggest(code, subdivisions)}"


def _suggest(code: str, pool: frozenset[str]) -> str:
    close = difflib.get_close_matches(code, sorted(pool), n=1, cutoff=0.5)
    return f"; did you mean '{close[0]}'?" if close else ""


def within(code: str, area: str) -> bool:
    """Whether the place `code` lies in `area`: a group (EU, EEA), a country, or a subdivision."""
    group = GROUPS.get(area)
    if group is not None:
        return country(code) in group
    if "-" in area:
        return code == area or code.startswith(area + "-")
    return country(code) == area


def is_unknown(code: str) -> bool:
    return country(code) == UNKNOWN


def crosses_border(source: str, target: str) -> bool:
    """A flow between two countries; moving between subdivisions of one country crosses no border."""
    return country(source) != country(target)


def free_destination(target: str) -> bool:
    """Data may go to `target` without a GDPR Chapter V safeguard: it is in the EEA or fully adequate."""
    entry = ADEQUACY.get(country(target))
    return country(target) in EEA or (entry is not None and entry[0])


def gdpr_restricted(source: str, target: str) -> bool:
    """A GDPR Chapter V transfer: out of the EEA to a country without a full adequacy decision."""
    return country(source) in EEA and not free_destination(target)


def adequacy_note(target: str) -> str | None:
    """What the EU adequacy decision for `target`'s country covers, if there is one."""
    entry = ADEQUACY.get(country(target))
    return entry[1] if entry else None
