"""What the reader must know before trusting the text: an unknown hour (issue 14 #7) and a month that
depends on it (#6). Each is said once, here; the sections then avoid claims the missing hour could undo.
"""

from __future__ import annotations

from dataclasses import dataclass

from saju.analysis.combine import transformations, transformed_slots
from saju.analysis.model import Analysis
from saju.analysis.strength import StrengthBand, strength_from_indices
from saju.analysis.tengods import BRANCH_TEN_GOD_BY_INDEX, TEN_GOD_BY_INDEX, TenGodGroup
from saju.analysis.uncertain import MonthOption
from saju.korean import josa
from saju.reading.model import Notice, join_ko

HOURS = 12
_BAND_ORDER: tuple[StrengthBand, ...] = (
    StrengthBand.EXTREMELY_WEAK,
    StrengthBand.WEAK,
    StrengthBand.BALANCED,
    StrengthBand.STRONG,
    StrengthBand.EXTREMELY_STRONG,
)


@dataclass(frozen=True, slots=True)
class HourPossibilities:
    """Over the twelve hour pillars the day allows: which absent ten-god groups an hour could bring (and
    in how many of the twelve), and the range of strength bands."""

    absent_filled: tuple[tuple[TenGodGroup, int], ...]
    bands: tuple[StrengthBand, ...]  # distinct bands over the twelve hours, weakest first


def absent_groups(a: Analysis) -> tuple[TenGodGroup, ...]:
    return tuple(g for g in TenGodGroup if a.group_count(g) == 0)


def hour_possibilities(a: Analysis) -> HourPossibilities:
    indices = tuple((p.label, p.pillar.index) for p in a.pillars if p.label != "시")
    day = next(i for label, i in indices if label == "일")
    dm = day % 10
    first_stem = (dm % 5) * 2  # 시두법: 甲己 → 甲子, 乙庚 → 丙子, …
    missing = absent_groups(a)
    filled = dict.fromkeys(missing, 0)
    bands: set[StrengthBand] = set()
    for branch in range(HOURS):
        stem = (first_stem + branch) % 10
        hour = next(i for i in range(branch, 60, 12) if i % 10 == stem)
        slots = (*indices, ("시", hour))
        found = transformations(slots)
        strength = strength_from_indices(slots, transformed_slots(found) if found else None)
        bands.add(strength.band)
        gods = (TEN_GOD_BY_INDEX[dm][stem].group, BRANCH_TEN_GOD_BY_INDEX[dm][branch].group)
        for group in missing:
            filled[group] += group in gods
    return HourPossibilities(
        absent_filled=tuple((g, n) for g, n in filled.items() if n),
        bands=tuple(b for b in _BAND_ORDER if b in bands),
    )


def time_unknown_notice(a: Analysis) -> Notice:
    hp = hour_possibilities(a)
    parts = ["태어난 시간을 몰라 시주 없이 세 기둥으로 읽었습니다."]
    if hp.absent_filled:
        filled = join_ko([f"{g.value}(열두 시진 중 {n}곳)" for g, n in hp.absent_filled])
        parts.append(f"시주가 더해지면 세 기둥에 보이지 않는 {josa(filled, '이', '가')} 채워질 수 있습니다.")
    if len(hp.bands) > 1:
        parts.append(
            f"일간의 힘도 시간에 따라 {hp.bands[0].value}에서 {hp.bands[-1].value}까지 달라질 수 있어, "
            "용신과 그에 기댄 풀이는 시간을 알면 바뀔 수 있습니다."
        )
    else:
        parts.append(
            f"일간의 힘은 어느 시간이든 {josa(hp.bands[0].value, '으로', '로')} 같아, 큰 판단은 그대로입니다."
        )
    if a.daewoon is not None:
        parts.append("대운의 시작 나이는 그날 정오로 셌으므로 1년쯤 달라질 수 있습니다.")
    return Notice("time_unknown", " ".join(parts))


def _option_text(o: MonthOption) -> str:
    text = f"연주 {o.year.hanja}({o.year.hangul})·월주 {o.month.hanja}({o.month.hangul})"
    if o.daewoon_direction is not None:
        text += f", 대운은 {o.daewoon_direction.value}·대운수 약 {o.daewoon_number}"
    return text


def month_notice(a: Analysis) -> Notice | None:
    u = a.month_uncertainty
    if u is None:
        return None
    at = u.jie_local.strftime("%H:%M")
    before, after = u.options
    assumed = "이전" if u.assumed.before_jie else "이후"
    what = "해와 달이" if before.year != after.year else "달이"
    return Notice(
        "month_uncertain",
        f"태어난 날 {at}에 {josa(u.jie_name, '이', '가')} 들어 사주의 {what} 바뀝니다. "
        f"{at} 이전에 태어났다면 {_option_text(before)}이고, 이후라면 {_option_text(after)}입니다. "
        f"시간을 몰라 정오로 보아 이 풀이는 {at} {assumed} 쪽으로 읽었으니, 태어난 시간을 알면 다시 확인해 주세요.",
    )


def notices(a: Analysis) -> tuple[Notice, ...]:
    found = [n for n in (month_notice(a),) if n is not None]
    if not a.has_hour:
        found.append(time_unknown_notice(a))
    return tuple(found)
