from django.db import connection
from django.utils import timezone

from jobs.hooks import database_statistics
from jobs.schedule import get


def test_the_daily_job_analyzes_sqlite_tables(db):
    assert get("database-statistics").organizations == ""
    outcome = database_statistics(timezone.now())
    if connection.vendor == "sqlite":
        assert outcome == "tables analyzed"
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone()[0] == 1
    else:
        assert outcome == "not needed on this database"
