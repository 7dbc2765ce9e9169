"""Signals other apps listen to without core importing them."""

from django.dispatch import Signal

# sent by `manage.py db_worker` as it starts, before it takes any task (e.g. to clean
# up jobs a killed worker left behind)
worker_started = Signal()
