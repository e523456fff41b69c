"""A finding says one count of people, the one its impact scores: the largest of its records, with items of fewer
people named with their own (the carrier's archive: national ID numbers of 950M, faces of its 300M subscribers)."""

from __future__ import annotations

import re

import pytest
from scenario_support import audited, scenario_paths

from biotm.model.schema import DataCategory, DataItem
from biotm.rules.base import people
from biotm.rules.evidence import records_of

FLAGSHIP = "china-sim-registration.yaml"
#: Rules whose evidence says how many people's records a place gives its users.
RECORD_RULES = ("atk-no-mfa", "bio-insider-bulk-access")


def test_the_archive_says_whose_count_is_whose() -> None:
    finding = next(f for f in audited(FLAGSHIP).findings if f.rule == "atk-no-mfa" and f.places == ["realname_archive"])
    assert "the records of 950M people (" in finding.evidence
    assert "'face_image' and 'id_card_photo' of 300M" in finding.evidence
    assert finding.subjects == 950_000_000
    assert any(r.reason.startswith("950,000,000 data subjects") for r in finding.impact_factors)


@pytest.mark.parametrize("name", [p.name for p in scenario_paths()])
def test_the_count_a_record_finding_says_first_is_the_count_it_scores(name: str) -> None:
    for finding in audited(name).findings:
        if finding.rule not in RECORD_RULES or "the records of" not in finding.evidence:
            continue
        said = re.findall(r"the records of (\S+) people", finding.evidence)
        assert said and set(said) == {people(finding.subjects)}, (finding.id, finding.evidence)
        scored = [r.reason for r in finding.impact_factors if "data subjects" in r.reason]
        assert all(r.startswith(f"{finding.subjects:,} ") for r in scored), (finding.id, scored)


def test_records_of_names_the_largest_count_first_and_each_smaller_one() -> None:
    items = [DataItem(id="face", category=DataCategory.BIOMETRIC_SAMPLE, modality="face", subjects=300_000_000),
             DataItem(id="id_number", category=DataCategory.NATIONAL_ID, subjects=950_000_000),
             DataItem(id="phone", category=DataCategory.PHONE_NUMBER, subjects=950_000_000)]
    assert records_of(items) == "950M people ('id_number' and 'phone'; 'face' of 300M)"
    assert records_of(items[:1]) == "300M people ('face')"

