"""Takes SQLite's write lock every 0.05 s until a stop file appears, then prints how long
each take waited (JSON). Run by bench/import_lock.py and tests/spreadsheets/test_import_lock.py:
how long it waits is what an import makes everyone wait, whatever the machine's load does
to Django.

    python bench/_lock_probe.py STOP_FILE DATABASE_FILE
"""

import json
import os
import sqlite3
import sys
import time

conn = sqlite3.connect(sys.argv[2], timeout=60, isolation_level=None)
waits = []
while not os.path.exists(sys.argv[1]):
    started = time.monotonic()
    conn.execute("BEGIN IMMEDIATE")
    waits.append(time.monotonic() - started)
    conn.execute("ROLLBACK")
    time.sleep(0.05)
print(json.dumps(waits))
