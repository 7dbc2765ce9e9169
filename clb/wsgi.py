import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clb.settings")
application = get_wsgi_application()

from clb.process import settle  # noqa: E402 (needs the settings)

settle()
