"""Signals growth sends, so that apps above it act without `growth` importing them.

`readiness_rule_changed` is sent inside `growth.services.update_settings`'s transaction
when the organization's readiness rule (percent, rating or whose ratings count) changes
(promotions recomputes the stored readiness of everyone). Keyword arguments: `organization`.
"""

from django.dispatch import Signal

readiness_rule_changed = Signal()
