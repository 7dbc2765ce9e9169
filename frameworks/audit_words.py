"""How the audit log words what is frameworks' own: the template a draft started from.

Read by `organizations.audit_words.load`, so `organizations` needs no knowledge of
frameworks."""

from __future__ import annotations

import functools


@functools.lru_cache(maxsize=64)
def template_name(key: str) -> str:
    """ "source": "template:product-management" → "the Product Management template"."""
    from frameworks.library import get_template_info

    try:
        return f"the {get_template_info(key).name} template"
    except (KeyError, LookupError, FileNotFoundError, ValueError):
        return "a template"


SOURCES = {"template": template_name}
