"""The Master Template write path: upload → check → preview → confirm → apply, and
exports. The web pages, the background tasks and the management commands all go
through these functions; import them from `spreadsheets.services`.

- `selectors`: what the organization has (families and their levels, people), the family
  a ladder loads into, the fingerprint a stale preview is refused by;
- `checking`: `check_workbook` (read and validate in a limited child, then the preview),
  `check_people` (a people CSV file, read as a People sheet: `spreadsheets.people_csv`);
- `applying`: `apply_import`, all or nothing: every family becomes a new draft
  (`frameworks.services.apply_family_data`) and every person is created or updated
  (`people.importing.write_people`) in one transaction; any error rolls everything back;
- `jobs`: `ImportJob`s — `start_import`, `run_check`, `confirm_import`, `run_apply`,
  `retry_import`, inline when small (`is_small`) or in the worker; audited refusals;
- `exporting`: `export_versions`, `export_workbook`.
"""

from spreadsheets.services.applying import apply_import, families_from, payload_of, people_from
from spreadsheets.services.checking import (
    MAX_STORED_PROBLEMS,
    CheckResult,
    ImportError_,
    StaleImport,
    check_limits,
    check_people,
    check_workbook,
)
from spreadsheets.services.exporting import export_versions, export_workbook, people_rows
from spreadsheets.services.jobs import (
    audit_failure,
    audit_refusal,
    confirm_import,
    is_small,
    retry_import,
    run_apply,
    run_check,
    start_import,
)
from spreadsheets.services.selectors import (
    existing_people,
    fingerprint,
    org_context,
    people_version,
    target_family,
)

__all__ = [
    "MAX_STORED_PROBLEMS",
    "CheckResult",
    "ImportError_",
    "StaleImport",
    "apply_import",
    "audit_failure",
    "audit_refusal",
    "check_limits",
    "check_people",
    "check_workbook",
    "confirm_import",
    "existing_people",
    "export_versions",
    "export_workbook",
    "families_from",
    "fingerprint",
    "is_small",
    "org_context",
    "payload_of",
    "people_from",
    "people_rows",
    "people_version",
    "retry_import",
    "run_apply",
    "run_check",
    "start_import",
    "target_family",
]
