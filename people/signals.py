"""Signals people sends, so that apps above it act without `people` importing them.

`person_deactivated` is sent inside `people.services.set_active`'s transaction when a
person is deactivated (accounts revokes their open invitations). Keyword arguments:
`person`, `actor`. (A person with a login also closes it: `organizations.signals.login_closed`.)

`placement_changed` is sent inside `people.services.create_person`'s and `update_person`'s
transaction when a person is added on a level or their job family or level changes
(promotions recomputes their readiness). Keyword arguments: `person`.
"""

from django.dispatch import Signal

person_deactivated = Signal()
placement_changed = Signal()
