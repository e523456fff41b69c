"""A portrait compared with faces is biometric data everywhere the audit says so: the rules, the laws they cite,
the counts and the DPIA (GDPR Recital 51: a photograph processed to identify a person; CN-FRT: facial data)."""

from __future__ import annotations

from pathlib import Path

from biotm.legal.scope import covered, matter_of
from biotm.model.loader import load_bytes, load_model
from biotm.model.portraits import biometric_ids, compared_portraits
from biotm.model.schema import DataItem
from biotm.pipeline import AuditOptions, audit
from biotm.report import ReportOptions, dpia
from biotm.result import AuditResult

ROOT = Path(__file__).resolve().parents[2]
TODAY_OPTIONS = AuditOptions()


def _china() -> AuditResult:
    return audit(load_model(str(ROOT / "scenarios" / "china-sim-registration.yaml")), TODAY_OPTIONS)


def test_a_register_of_compared_portraits_is_cited_as_the_face_store_it_is() -> None:
    result = _china()
    assert "reference_portrait" in compared_portraits(result.model)  # compared with live faces by the MPS service
    by_place = {(f.rule, tuple(f.places)): f.regulations for f in result.findings}
    # the same rule at the carrier's archive of live faces and at the register of reference portraits, both in
    # China: the register is facial data under the same articles (it was cited under PIPL-51 alone)
    faces = by_place[("bio-store-unencrypted", ("realname_archive",))]
    portraits = by_place[("bio-store-unencrypted", ("population_register",))]
    assert portraits == faces and "CN-FRT-security" in portraits
    assessment = by_place[("linddun-no-dpia", ("population_register",))]
    assert "CN-FRT-assessment" in assessment  # a facial-recognition impact assessment, not only PIPL's


def test_counts_and_the_dpia_name_the_portrait_biometric() -> None:
    result = _china()
    biometric = biometric_ids(result.model)
    assert biometric == {"face_image", "reference_portrait"}
    assert result.summary.counts.biometric_data == len(biometric) == 2
    markdown = dpia.render_markdown(result, ReportOptions())
    assert "11 data items of which 2 biometric" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| Population-register reference portrait"))
    assert "document\\_image (compared as face: biometric)" in row
    rows = [line for line in markdown.splitlines() if line.startswith("| ") and "\\_image" in line]
    assert rows.index(row) < next(i for i, r in enumerate(rows) if "id\\_card\\_photo" in r)  # biometric rows first


_ID_NUMBERS_ONLY = b"""
biotm: 1
meta: {name: Hotel check-in register}
zones:
  - {id: hotel, name: Hotel, owner: Hotel, jurisdiction: CN}
elements:
  - {id: guest, type: actor, role: data-subject, zone: hotel, holds: [id_number, name]}
  - {id: desk, type: process, zone: hotel, purpose: check-in}
  - {id: register, type: store, zone: hotel}
data:
  - {id: id_number, category: national_id, subjects: 200000, purposes: [check-in]}
  - {id: name, category: quasi_identifier, subjects: 200000, purposes: [check-in]}
flows:
  - {id: checkin, source: guest, target: desk, data: [id_number, name]}
  - {id: keep, source: desk, target: register, data: [id_number, name]}
"""


def test_the_pipia_trigger_is_sensitive_information_not_only_biometrics() -> None:
    result = audit(load_bytes(_ID_NUMBERS_ONLY, "hotel.yaml"), TODAY_OPTIONS)
    assert result.summary.counts.biometric_data == 0
    markdown = dpia.render_markdown(result, ReportOptions())
    assert "PIPL Art. 55" in markdown, "the model's findings cite PIPL"
    # ID numbers are sensitive personal information (PIPL Art. 28): Art. 55(1) requires the assessment
    assert "| sensitive personal information (Art. 55(1)) | yes |" in markdown


def test_bipa_reads_a_compared_photograph_as_a_photograph() -> None:
    # 740 ILCS 14/10: biometric identifiers "do not include ... photographs"; the face scan made from one does
    portrait = DataItem.model_validate({"id": "badge_photo", "category": "biometric_sample", "modality": "face"})
    scan = DataItem.model_validate({"id": "face_template", "category": "biometric_template", "modality": "face"})
    photos = matter_of([portrait], portraits={"badge_photo"})
    assert not covered("BIPA-15e", photos) and not covered("BIPA-15b", photos)
    assert covered("GDPR-9", photos) and covered("CN-FRT-security", photos) and covered("ISO-24745", photos)
    assert covered("BIPA-15e", matter_of([portrait, scan], portraits={"badge_photo"}))
    assert covered("BIPA-15e", matter_of([portrait]))  # declared biometric, not a compared photograph
