"""The load test (`make load`, bench/load/) is not run here — it takes minutes and both
cores. What can break unnoticed is checked cheaply: the locustfile still imports (in its
own process: importing locust patches the standard library with gevent), and the count
that follows a run catches a lost, a duplicated or an unexpected submission and an answer
that differs from the last one acknowledged."""

from __future__ import annotations

import copy
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
LOAD = ROOT / "bench" / "load"


def _verify() -> Any:
    spec = importlib.util.spec_from_file_location("load_verify", LOAD / "verify.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify


def test_the_locustfile_imports_and_defines_the_reviewer():
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('lf', {str(LOAD / 'locustfile.py')!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "from locust import FastHttpUser\n"
        "assert issubclass(m.Person, FastHttpUser) and m.Person.tasks\n"
        "print(m.summary()['requests'])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0"


LEDGER = {
    "forms": {
        "f1": {"user": "a@x.test", "submitted": True, "certain": True, "answers": {"s1": [3, ""]}},
        "f2": {
            "user": "a@x.test",
            "submitted": False,
            "certain": True,
            "answers": {"s1": [2, "hi"]},
        },
        "f3": {"user": "b@x.test", "submitted": None, "certain": False, "answers": None},
    }
}
STATE = {
    "forms": {
        "f1": {"status": "submitted"},
        "f2": {"status": "in_progress"},
        "f3": {"status": "submitted"},
        "f4": {"status": "not_started"},
    },
    "submitted_events": {"f1": 1, "f3": 1},
    "answers": {"f1": {"s1": [3, ""]}, "f2": {"s1": [2, "hi"], "s2": [None, ""]}},
}


def test_a_clean_run_verifies_and_an_unanswered_submit_is_only_listed():
    verify = _verify()
    result = verify(LEDGER, STATE)
    assert result["ok"], result
    assert result["submitted_by_locust"] == 1 and result["submitted_in_db"] == 2
    assert result["uncertain"] == ["f3"] and result["answers_checked"] == 3


def test_a_lost_a_duplicated_and_an_unexpected_submission_are_caught():
    verify = _verify()
    lost = copy.deepcopy(STATE)
    lost["forms"]["f1"]["status"] = "in_progress"
    assert verify(LEDGER, lost)["lost"] == ["f1"]
    doubled = copy.deepcopy(STATE)
    doubled["submitted_events"]["f1"] = 2
    result = verify(LEDGER, doubled)
    assert result["duplicated"] == ["f1"] and not result["ok"]
    refused = copy.deepcopy(STATE)
    refused["forms"]["f2"]["status"] = "submitted"
    refused["forms"]["f4"]["status"] = "submitted"
    result = verify(LEDGER, refused)
    assert result["unexpected"] == ["f2", "f4"] and not result["ok"]


def test_an_answer_that_differs_from_the_last_acknowledged_save_is_caught():
    verify = _verify()
    changed = copy.deepcopy(STATE)
    changed["answers"]["f2"]["s1"] = [2, "an older comment"]
    result = verify(LEDGER, changed)
    assert not result["ok"]
    assert result["answers_mismatched"] == [
        {"form": "f2", "statement": "s1", "saved": [2, "hi"], "stored": [2, "an older comment"]}
    ]


def test_make_bench_runs_the_benchmarks_and_no_helper_script():
    """`make bench` (bench/run.py) runs every bench/*.py but run.py, launch.py and helpers
    named with a leading underscore: a helper script it picked up failed the whole run."""
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = [script.stem for script in module.scripts()]
    assert names == [
        "editor",
        "hostile",
        "import_lock",
        "people_csv",
        "readiness_create",
        "scale",
        "spreadsheets",
    ]
