"""`python -m tools.fakellm --port 8900 --tokens 600 --tps 30`: run the fake LLM until interrupted.

Prints one line `READY <port>` on stdout once listening (port 0 picks a free port), which the pytest
fixture and the benchmark wait for.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

import uvloop

from tools.fakellm.scenario import Fault, Scenario
from tools.fakellm.server import FakeLLM, serve


def _parser() -> argparse.ArgumentParser:
    defaults = Scenario()
    parser = argparse.ArgumentParser(prog="python -m tools.fakellm", description="Fake OpenAI-compatible LLM")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900, help="0 = any free port")
    parser.add_argument("--tokens", type=int, default=defaults.tokens, help="tokens (chunks) per answer")
    parser.add_argument("--ttft", type=float, default=defaults.ttft, help="seconds to the first token")
    parser.add_argument("--tps", type=float, default=defaults.tps, help="tokens per second (0 = no delay)")
    parser.add_argument("--fault", choices=[f.value for f in Fault], default=Fault.NONE.value)
    parser.add_argument("--fault-rate", type=float, default=defaults.fault_rate)
    parser.add_argument("--retry-after", type=int, default=defaults.retry_after)
    parser.add_argument("--seed", type=int, default=None, help="seed of the fault sampling")
    return parser


async def _main(args: argparse.Namespace) -> None:
    scenario = Scenario().merged(
        {
            "tokens": args.tokens,
            "ttft": args.ttft,
            "tps": args.tps,
            "fault": args.fault,
            "fault_rate": args.fault_rate,
            "retry_after": args.retry_after,
        }
    )
    server = await serve(FakeLLM(scenario, seed=args.seed), args.host, args.port)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        uvloop.run(_main(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
