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
    parser.add_argument("--gender", choices=[g.value for g in Gender])
    parser.add_argument("--lunar", action="store_true", help="음력 날짜")
    parser.add_argument("--leap", action="store_true", help="윤달 (음력과 함께)")
    parser.add_argument("--tz", default=None, help="IANA 시간대 (기본 Asia/Seoul)")
    parser.add_argument("--longitude", type=float, default=None, help="출생지 경도 (기본: 서울 126.978)")
    parser.add_argument("--time-basis", choices=[b.value for b in TimeBasis], default=None)
    parser.add_argument("--day-change", choices=[d.value for d in DayChange], default=None)
    parser.add_argument(
        "--fold", type=int, choices=(0, 1), default=None, help="두 번 있었던 시각: 0 앞, 1 뒤"
    )
    parser.add_argument("--no-time", action="store_true", help="시간 모름 (시주 없음)")


def birth_from_args(args: argparse.Namespace) -> BirthInput:
    data: dict[str, object] = {
        "datetime": args.datetime,
        "timezone": args.tz,
        "calendar": Calendar.LUNAR.value if args.lunar else Calendar.SOLAR.value,
        "leap": args.leap,
        "longitude": args.longitude,
        "time_basis": args.time_basis,
        "day_change": args.day_change,
        "fold": args.fold,
        "gender": args.gender,
    }
    if args.no_time:
        data["time_unknown"] = True
        data["datetime"] = str(args.datetime).strip()[:10]
    if args.leap and not args.lunar:
        raise InvalidBirth(INVALID_OPTION, "--leap은 --lunar와 함께 쓰세요.")
    return BirthInput.from_mapping(data)
