"""The readings part's services (docs/ai-pipeline.md), by sub-domain:

- `charts`: a birth's chart and analysis (no AI, no I/O);
- `session`: one client's view of a reading (cached, following a flight) and the whole-text result;
- `open`: everything before the first streamed byte (`reading_open`), `reading_stream`,
  `reading_get_or_create`, stored readings;
- `retention`: the purge of stored readings past their retention period.
"""
