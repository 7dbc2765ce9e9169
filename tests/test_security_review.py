"""Moved: these tests now live beside the apps they cover — tests/people/test_cross_org.py,
tests/frameworks/test_cross_org.py, tests/accounts/test_login_safety.py,
tests/core/test_web_basics.py, tests/spreadsheets/test_preview_and_upload.py and
tests/test_access_roles.py (shared set-up: tests/cross_org.py).

This empty file only keeps commands that still name it working during the session; delete
it once nothing names it."""
