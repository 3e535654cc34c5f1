"""What every ``saju`` subcommand shares: the one-line usage error and the birth options."""

from __future__ import annotations

import argparse
from typing import NoReturn

from saju.birth import BirthInput, Calendar, DayChange, Gender, TimeBasis
from saju.errors import INVALID_OPTION, InvalidBirth


class CliError(Exception):
    """A usage error reported as one line with exit status 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CliError(f"오류 [USAGE]: {message} (saju --help)")


def add_birth_arguments(parser: argparse.ArgumentParser, *, datetime_help: str) -> None:
    """The birth and its conventions, the same options for ``saju chart`` and ``saju reading``."""
    parser.add_argument("datetime", nargs="?", help=datetime_help)
    add_birth_options(parser)


def add_birth_options(parser: argparse.ArgumentParser, prefix: str = "", who: str = "") -> None:
    """The options of one birth; ``prefix`` "a-" gives ``--a-gender`` … (dest ``a_gender``) for 궁합."""
    before = f"{who}: " if who else ""
    parser.add_argument(f"--{prefix}gender", choices=[g.value for g in Gender])
    parser.add_argument(f"--{prefix}lunar", action="store_true", help=f"{before}음력 날짜")
    parser.add_argument(f"--{prefix}leap", action="store_true", help=f"{before}윤달 (음력과 함께)")
    parser.add_argument(f"--{prefix}tz", default=None, help=f"{before}IANA 시간대 (기본 Asia/Seoul)")
    parser.add_argument(
        f"--{prefix}longitude", type=float, default=None, help=f"{before}출생지 경도 (기본: 서울 126.978)"
    )
    parser.add_argument(f"--{prefix}time-basis", choices=[b.value for b in TimeBasis], default=None)
    parser.add_argument(f"--{prefix}day-change", choices=[d.value for d in DayChange], default=None)
    parser.add_argument(
        f"--{prefix}fold",
        type=int,
        choices=(0, 1),
        default=None,
        help=f"{before}두 번 있었던 시각: 0 앞, 1 뒤",
    )
    parser.add_argument(f"--{prefix}no-time", action="store_true", help=f"{before}시간 모름 (시주 없음)")


def birth_from_args(args: argparse.Namespace, prefix: str = "", datetime: str | None = None) -> BirthInput:
    """The birth of ``add_birth_options(parser, prefix)``; ``datetime`` defaults to ``args.datetime``."""
    p = prefix.replace("-", "_")
    value = args.datetime if datetime is None else datetime

    def opt(name: str) -> object:
        return getattr(args, p + name)

    data: dict[str, object] = {
        "datetime": value,
        "timezone": opt("tz"),
        "calendar": Calendar.LUNAR.value if opt("lunar") else Calendar.SOLAR.value,
        "leap": opt("leap"),
        "longitude": opt("longitude"),
        "time_basis": opt("time_basis"),
        "day_change": opt("day_change"),
        "fold": opt("fold"),
        "gender": opt("gender"),
    }
    if opt("no_time"):
        data["time_unknown"] = True
        data["datetime"] = str(value).strip()[:10]
    if opt("leap") and not opt("lunar"):
        raise InvalidBirth(INVALID_OPTION, f"--{prefix}leap은 --{prefix}lunar와 함께 쓰세요.")
    return BirthInput.from_mapping(data)
