"""격국 (the chart's frame) from the month branch, by one named school: 子平真詮 (심효첨, 沈孝瞻).

Rules (`GYEOKGUK_METHOD`):

- 論建祿月劫: the month branch is the day stem's 록 (12운성 건록: 甲寅 乙卯 丙巳 丁午 戊巳 己午 庚申 辛酉
  壬亥 癸子) → **건록격**. 論陽刃: for a yang day stem the month branch is its 양인 (12운성 제왕: 甲卯 丙午
  戊午 庚酉 壬子) → **양인격**; yin stems have no 양인격 (their 刃 is disputed and not used, as in the 신살
  table). Any other month whose deciding stem is 비견/겁재 → **월겁격**.
- 論雜氣 (辰戌丑未 months): the hidden stem that stands among the year, month or hour stems (투출, 透出)
  decides — 정기 first, then 중기, then 여기; a 비겁 that shows does not form a 격 and the next one is taken.
  With none shown, the 정기 decides.
- Every other month (子午卯酉, 寅申巳亥): the 정기 (본기) of the month branch decides (사맹월의 여기·중기
  투출은 이 엔진에서 격을 바꾸지 않음).
- The 격 is named after the ten god of the deciding stem: 식신격 상관격 편재격 정재격 편관격(칠살격)
  정관격 편인격 정인격(인수격).
"""

from __future__ import annotations

from dataclasses import dataclass

from saju.analysis.hidden import QiRole, hidden_stems
from saju.analysis.stages import Stage, stage
from saju.analysis.tengods import TenGod, TenGodGroup, ten_god
from saju.core import BRANCHES, STEMS, Branch, Polarity, Stem
from saju.korean import josa

GYEOKGUK_METHOD = (
    "자평진전(子平真詮): 월지가 일간의 록이면 건록격, 양간의 양인이면 양인격, 그 밖의 비겁 월령은 월겁격; "
    "辰戌丑未월은 지장간 중 천간에 드러난(투출) 것(정기→중기→여기, 비겁 제외), 없으면 정기; 나머지 달은 정기"
)
GEONROK = "건록격"
YANGIN = "양인격"
WOLGEOP = "월겁격"
GYEOK_NAME: dict[TenGod, str] = {
    TenGod.SIKSIN: "식신격",
    TenGod.SANGGWAN: "상관격",
    TenGod.PYEONJAE: "편재격",
    TenGod.JEONGJAE: "정재격",
    TenGod.PYEONGWAN: "편관격",
    TenGod.JEONGGWAN: "정관격",
    TenGod.PYEONIN: "편인격",
    TenGod.JEONGIN: "정인격",
}
EARTH_MONTHS = frozenset({Branch.JIN, Branch.SUL, Branch.CHUK, Branch.MI})
_ROLE_PRIORITY: tuple[QiRole, ...] = (QiRole.JEONGGI, QiRole.JUNGGI, QiRole.YEOGI)
_STEM_POSITIONS: dict[str, str] = {"년": "년간", "월": "월간", "시": "시간"}


@dataclass(frozen=True, slots=True)
class Gyeokguk:
    name: str  # "정관격", "건록격", "양인격", "월겁격", …
    ten_god: TenGod  # the ten god of the deciding stem (비견 for 건록격, 겁재 for 양인격, …)
    stem: Stem  # the stem of the month branch that decides
    revealed: str | None  # the stem position it shows at (투출: "월간" …), None when the 정기 decides unseen
    rule: str  # Korean: which rule decided, one sentence
    method: str = GYEOKGUK_METHOD


def _label(b: Branch) -> str:
    return f"{b.hanja}({b.hangul})"


def _of_god(god: TenGod) -> str:
    if god.group is TenGodGroup.BIGEOP:
        return WOLGEOP
    return GYEOK_NAME[god]


# (day stem, month branch[, where each hidden stem of an earth month first shows]) → the 격: built once each.
_CACHE: dict[tuple[int, ...], Gyeokguk] = {}
_EARTH_MASK = sum(1 << b.index for b in EARTH_MONTHS)
_HIDDEN_INDEX: tuple[tuple[int, ...], ...] = tuple(
    tuple(h.stem.index for h in hidden_stems(b)) for b in BRANCHES
)
_POSITION_ORDER = ("년", "월", "시")


def gyeokguk(indices: tuple[tuple[str, int], ...]) -> Gyeokguk:
    """The 격국 of natal (label, sexagenary index) slots (labels 년 월 일 [시])."""
    dm = mb = 0
    for label, i in indices:
        if label == "일":
            dm = i % 10
        elif label == "월":
            mb = i % 12
    if _EARTH_MASK >> mb & 1:
        # Only where each hidden stem first shows matters (position 0 = nowhere).
        shown = {i % 10: label for label, i in reversed(indices) if label in _STEM_POSITIONS}
        key: tuple[int, ...] = (
            dm,
            mb,
            *(_POSITION_ORDER.index(shown[h]) + 1 if h in shown else 0 for h in _HIDDEN_INDEX[mb]),
        )
    else:
        key = (dm, mb)
    found = _CACHE.get(key)
    if found is None:
        stems = tuple((label, STEMS[i % 10]) for label, i in indices if label in _STEM_POSITIONS)
        found = _decide(STEMS[dm], BRANCHES[mb], stems)
        _CACHE[key] = found
    return found


def _decide(dm: Stem, month: Branch, shown: tuple[tuple[str, Stem], ...]) -> Gyeokguk:
    where = f"월지 {_label(month)}"
    seat = stage(dm, month)
    if seat is Stage.GEONROK:
        return Gyeokguk(
            GEONROK,
            ten_god(dm, dm),
            dm,
            None,
            f"{josa(where, '이', '가')} 일간 {dm.hanja}의 록(건록)이라 건록격입니다.",
        )
    if dm.polarity is Polarity.YANG and seat is Stage.JEWANG:
        rival = STEMS[dm.index + 1]  # the 겁재 the 刃 holds (午 holds 己 for 戊 as its 중기)
        return Gyeokguk(
            YANGIN,
            ten_god(dm, rival),
            rival,
            None,
            f"{josa(where, '이', '가')} 양간 {dm.hanja}의 양인(제왕)이라 양인격입니다.",
        )
    hidden = {h.role: h.stem for h in hidden_stems(month)}
    main = hidden[QiRole.JEONGGI]
    if month in EARTH_MONTHS:
        for role in _ROLE_PRIORITY:
            stem = hidden.get(role)
            if stem is None or ten_god(dm, stem).group is TenGodGroup.BIGEOP:
                continue
            position = next((_STEM_POSITIONS[label] for label, s in shown if s is stem), None)
            if position is not None:
                god = ten_god(dm, stem)
                return Gyeokguk(
                    GYEOK_NAME[god],
                    god,
                    stem,
                    position,
                    f"{where}의 지장간 중 {role.value} {josa(f'{stem.hanja}({stem.hangul})', '이', '가')} "
                    f"{position}에 드러나(투출) {GYEOK_NAME[god]}입니다.",
                )
        god = ten_god(dm, main)
        name = _of_god(god)
        return Gyeokguk(
            name,
            god,
            main,
            None,
            f"{where}의 지장간 중 격을 이룰 글자가 천간에 드러나지 않아 정기 {main.hanja}({main.hangul})의 "
            f"{josa(god.value, '으로', '로')} 보아 {name}입니다.",
        )
    god = ten_god(dm, main)
    name = _of_god(god)
    main_name = josa(f"{main.hanja}({main.hangul})", "이", "가")
    return Gyeokguk(
        name, god, main, None, f"{where}의 정기 {main_name} {josa(god.value, '이라', '라')} {name}입니다."
    )
