"""An unencrypted store that a remote login without a second factor leads to is likelier to be dumped."""

from __future__ import annotations

import datetime as dt

from biotm.model.loader import load_bytes
from biotm.pipeline import AuditOptions, audit
from biotm.result import AuditResult, Finding
from biotm.scoring import REMOTE_LOGIN_REACH

MODEL = """
meta: {name: remote login reach}
zones:
  - {id: laptops, owner: Contractor, jurisdiction: US, internet_facing: true}
  - {id: edge, owner: Agency, jurisdiction: US, internet_facing: true}
  - {id: core, owner: Agency, jurisdiction: US}
  - {id: partner, owner: Partner, jurisdiction: US}
elements:
  - {id: investigator, type: actor, role: vendor, zone: laptops, people: 2000}
  - {id: gateway, type: process, zone: edge, controls: [authentication]}
  - {id: app, type: process, zone: core, controls: [access-control]}
  - {id: files, type: store, zone: core, controls: [access-control]}
  - {id: partner_copy, type: store, zone: partner, controls: [access-control]}
data:
  - {id: ssn, category: national_id, subjects: 20000000}
  - {id: login, category: credential, subjects: 2000}
flows:
  - {id: remote_login, source: investigator, target: gateway, data: [login], encrypted: true}
  - {id: session, source: gateway, target: app, data: [login], encrypted: true}
  - {id: write, source: app, target: files, data: [ssn]}
  - {id: export, source: app, target: partner_copy, data: [ssn], encrypted: true}
"""
RULE = "bio-identity-store-unencrypted"


def _audit(*controls: str) -> AuditResult:
    loaded = load_bytes(MODEL.encode("utf-8"), "reach.yaml")
    return audit(loaded, AuditOptions(today=dt.date(2026, 1, 1), with_controls=controls))


def _at(result: AuditResult, place: str) -> Finding:
    return next(f for f in result.findings if f.rule == RULE and f.places == [place])


def test_a_remote_password_login_lifts_the_store_it_leads_to() -> None:
    result = _audit()
    files = _at(result, "files")
    reach = [f for f in files.likelihood_factors if "stolen password" in f.reason]
    assert len(reach) == 1 and reach[0].effect == REMOTE_LOGIN_REACH and "'gateway'" in reach[0].reason
    assert abs(sum(f.effect for f in files.likelihood_factors) - files.likelihood) < 1e-3
    # Lateral movement stays inside the organisation that was logged into: the partner's copy is not lifted.
    partner = _at(result, "partner_copy")
    assert not any("stolen password" in f.reason for f in partner.likelihood_factors)
    assert files.likelihood > partner.likelihood


def test_a_second_factor_at_the_remote_login_takes_the_lift_away() -> None:
    before = _at(_audit(), "files")
    after = _at(_audit("gateway:mfa"), "files")
    assert not any("stolen password" in f.reason for f in after.likelihood_factors)
    assert after.likelihood < before.likelihood
