"""The DSCSA record of a suspect product case's steps: kind ``case_step``, subject
``case:<id>:<seq>``, content :func:`case_step_content` (what ``rxsupply dscsa verify-ledger``
recomputes). The opening step's content carries the case and every serial and lot it names.

Every column of ``dscsa_case``, ``dscsa_case_subject`` and ``dscsa_case_step`` the code reads
is in the content (row ids aside: the case's is in the subject, the others are only an
order): the subjects' product, lot and package ids too, since they are how the cases
holding a unit are found (:attr:`~rxsupply.services.ports.suspect_cases.CaseSubject.key`),
and the external ids that make a form sent twice record nothing more."""

from __future__ import annotations

from rxsupply.services.ports import UnitOfWork

KIND = "case_step"
"""The record kind of every case step in the facility's DSCSA chain."""


def case_step_content(uow: UnitOfWork, subject: str) -> object | None:
    """The content of a ``case_step`` record (subject ``case:<id>:<seq>``): the step's row,
    and for the opening step the case and every serial and lot it names with the status each
    had; None when the rows are gone."""
    parts = subject.split(":")
    if len(parts) != 3 or parts[0] != "case" or not all(p.isdigit() for p in parts[1:]):
        return None
    found = uow.suspect_cases.get(int(parts[1]))
    seq = int(parts[2])
    step = next((s for s in found.steps if s.seq == seq), None) if found else None
    if found is None or step is None:
        return None
    content: dict[str, object] = {
        "case": found.number,
        "step": {
            "seq": step.seq,
            "kind": step.kind.value,
            "at": step.at.isoformat(),
            "user": step.user,
            "note": step.note,
            "evidence_name": step.evidence_name,
            "evidence_sha256": step.evidence_sha256,
            "partner": step.partner,
            "incident": step.incident,
            "external_id": found.step_external_ids.get(seq),
        },
    }
    if seq == 1:
        content["opened"] = {
            "facility_id": found.facility_id,
            "opened_at": found.opened_at.isoformat(),
            "opened_by": found.opened_by,
            "reason": found.reason.value,
            "source": found.source.value,
            "external_id": found.external_id,
            "subjects": [
                {
                    "kind": s.kind,
                    "product_id": s.product_id,
                    "lot_id": s.lot_id,
                    "package_id": s.package_id,
                    "ndc": s.ndc,
                    "lot": s.lot_number,
                    "gtin": s.gtin,
                    "serial": s.serial,
                    "status_before": s.status_before.value,
                    "reason_before": s.reason_before,
                    "blocked": s.blocked,
                }
                for s in found.subjects
            ],
        }
    return content
