"""Out-of-process helper of the Celery integration test: seed users, start the fan-out, report results.

Run from the repository root: `python -m tests.unse.fortunes.celery_helper seed 12` (the environment
names the database; the worker under test and this helper share it).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from datetime import date, timedelta


def _setup() -> None:
    sys.path.insert(0, os.path.join(os.getcwd(), "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def seed(count: int) -> None:
    from tests.unse.fortunes.conftest import make_target

    for n in range(count):
        make_target(n=n)


def fan_out(base_date: str) -> None:
    from unse.fortunes.tasks import fan_out_daily_fortunes

    print(fan_out_daily_fortunes.delay(base_date).id)


def report(base_date: str) -> None:
    from unse.accounts.selectors.profiles import profile_birth_mapping, profile_default_get
    from unse.fortunes.daily import daily_cache_keys
    from unse.fortunes.models import BatchFailure, BatchRun
    from unse.fortunes.selectors import daily_target_id_pages
    from unse.readings.models import Reading

    target = date.fromisoformat(base_date) + timedelta(days=1)
    # The run first: counted after it, the fortunes are those of a run already seen finished. Counted before
    # it, a chunk could store its last fortunes and close the run in between, and a finished run would show
    # users without a fortune (the cause of the kill test's rare "22 == 24").
    run = BatchRun.objects.filter(target_date=target).order_by("-pk").first()
    per_user: list[int] = []
    for page in daily_target_id_pages(page_size=500):
        for user_id in page:
            profile = profile_default_get(user_id=user_id)
            assert profile is not None
            keys = daily_cache_keys(birth=profile_birth_mapping(profile=profile), day=target)
            per_user.append(Reading.objects.filter(cache_key__in=keys).count())
    print(
        json.dumps(
            {
                "targets": len(per_user),
                "with_one": sum(1 for n in per_user if n == 1),
                "with_none": sum(1 for n in per_user if n == 0),
                "with_many": sum(1 for n in per_user if n > 1),
                "daily_rows": Reading.objects.filter(kind="daily", period=target.isoformat()).count(),
                "run": None
                if run is None
                else {
                    "finished": run.finished_at is not None,
                    "status": run.status,
                    "done": run.done,
                    "skipped": run.skipped,
                    "failed": run.failed,
                    "targets": run.targets,
                    "chunks": run.chunks.count(),
                    # Why users failed, so that a failed assertion says it (cause -> users).
                    "causes": dict(
                        Counter(BatchFailure.objects.filter(run=run).values_list("cause", flat=True))
                    ),
                },
            }
        )
    )


if __name__ == "__main__":
    _setup()
    command, argument = sys.argv[1], sys.argv[2]
    {
        "seed": lambda: seed(int(argument)),
        "fanout": lambda: fan_out(argument),
        "report": lambda: report(argument),
    }[command]()
