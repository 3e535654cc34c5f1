"""Render deploy/nginx.conf for one or several app instances (stdlib only; runs wherever nginx runs).

    python3 deploy/render_nginx.py --upstream 10.0.0.5:8000 --upstream 10.0.0.6:8000 --port 80 \\
        > /etc/nginx/conf.d/unse.conf

What envsubst '${APP_UPSTREAM} ${NGINX_PORT}' does for one instance, with the per-instance
`server ${APP_UPSTREAM} ...;` line repeated once per instance; nginx's own `$variables` stay as they are.
bench/rolling_restart.py and tests/reliability/test_rolling_restart.py use it, so the file they run is
the production one.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
_SERVER_LINE = re.compile(r"^(?P<indent>[ \t]*)server \$\{APP_UPSTREAM\}(?P<rest>[^\n]*)$", re.MULTILINE)


def render(upstreams: Sequence[str], port: int, template: str | None = None) -> str:
    text = TEMPLATE.read_text() if template is None else template
    if not upstreams:
        raise ValueError("at least one upstream (host:port) is needed")
    matches = _SERVER_LINE.findall(text)
    if len(matches) != 1:
        raise ValueError("the template must have exactly one `server ${APP_UPSTREAM} ...;` line")
    text = _SERVER_LINE.sub(
        lambda m: "\n".join(f"{m['indent']}server {address}{m['rest']}" for address in upstreams), text
    )
    # What is left is in comments (envsubst replaces those too).
    return text.replace("${APP_UPSTREAM}", upstreams[0]).replace("${NGINX_PORT}", str(port))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--upstream", action="append", required=True, help="host:port of an instance (repeat)"
    )
    parser.add_argument("--port", type=int, default=80, help="nginx listen port")
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.upstream, args.port))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
