"""Signals people sends, so that apps above it act without `people` importing them.

`person_deactivated` is sent inside `people.services.set_active`'s transaction when a
person is deactivated (accounts revokes their open invitations). Keyword arguments:
`person`, `actor`. (A person with a login also closes it: `organizations.signals.login_closed`.)
"""

from django.dispatch import Signal

person_deactivated = Signal()
