"""The nightly batch (docs/batch.md): tomorrow's daily fortune for every target user.

- `run`: one whole run of the command (plan → run record → workers → summary → webhook), with
  `--processes N` forked over id ranges (`processes`);
- `fanout`: the same under Celery, as id-range chunks;
- `workers`: the async worker pool with retries; `work`: one user's step on the readings pipeline;
- `bucket`: the provider's request/token limits; `progress`, `summary`, `webhook`, `runs` (the records).
"""
