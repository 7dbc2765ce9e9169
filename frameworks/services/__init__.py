"""The write path for frameworks: drafts, publishing, and loading plain data.

Every function runs in one transaction and writes an audit entry. Drafts carry a
`revision` that every edit must name (`expected_revision`), so two admins editing the
same draft cannot silently overwrite each other (`ConcurrentEditError`).

- `versions`: a family's draft (its current version is `frameworks.selectors`'), a draft's revision,
  creating a family;
- `loading`: `apply_family_data` (plain `FamilyData` into a draft) and `version_to_data`;
- `lifecycle`: start, discard and publish a draft; archive or delete a family;
- `operations`: the typed registry of draft operations, the undo stack, audited edits;
- `editing`: the editor's edits (a cell; add/edit/move/remove a level, category or
  competency).

Import from `frameworks.services`; the modules are its inside.
"""

from frameworks.errors import ConcurrentEditError, EditError, FrameworkError
from frameworks.services.editing import (
    accept_statement,
    add_category,
    add_competency,
    add_competency_with_statements,
    add_level,
    edit_cell,
    edit_cell_statements,
    move_category,
    move_competency,
    move_level,
    remove_category,
    remove_competency,
    remove_level,
    rename_category,
    update_competency,
    update_level,
)
from frameworks.services.lifecycle import (
    archive_family,
    create_blank_family,
    delete_family,
    discard_draft,
    pending_uids,
    publish_draft,
    restore_family,
    start_draft,
)
from frameworks.services.loading import apply_family_data, version_to_data
from frameworks.services.operations import (
    ITEM_KINDS,
    OPERATIONS,
    apply_edit,
    last_edit,
    undo_last_edit,
)
from frameworks.services.versions import (
    bump_revision,
    create_family,
    current_draft,
    ladder_problems,
    next_number,
)

__all__ = [
    "ITEM_KINDS",
    "OPERATIONS",
    "ConcurrentEditError",
    "EditError",
    "FrameworkError",
    "accept_statement",
    "add_category",
    "add_competency",
    "add_competency_with_statements",
    "add_level",
    "apply_edit",
    "apply_family_data",
    "archive_family",
    "bump_revision",
    "create_blank_family",
    "create_family",
    "current_draft",
    "delete_family",
    "discard_draft",
    "edit_cell",
    "edit_cell_statements",
    "ladder_problems",
    "last_edit",
    "move_category",
    "move_competency",
    "move_level",
    "next_number",
    "pending_uids",
    "publish_draft",
    "remove_category",
    "remove_competency",
    "remove_level",
    "rename_category",
    "restore_family",
    "start_draft",
    "undo_last_edit",
    "update_competency",
    "update_level",
    "version_to_data",
]
