"""용신 · 희신 · 기신 · 구신 · 한신: one coherent set per chart, every element in exactly one role.

Method (`YONGSIN_METHOD`), in this order:

1. **The side that helps.** The strength decision (`saju.analysis.strength`) fixes which ten-god groups
   help the chart: a chart leaning weak (score < 50) or following its own strength (종왕·종강, score ≥ 90)
   is helped by 인성·비겁; a chart leaning strong or following the forces around it (종재·종살·종아,
   score < 10) by 식상·재성·관성.
2. **억부 (抑扶, 적천수 「衰旺」): the 용신.** Weak side: 비겁 when 재성 is the heaviest burden (비겁이
   재를 나눔), else 인성 (인성이 관살을 받아 일간을 생하고 식상을 누름). Strong side: 재성 when 인성 outweighs
   비겁 (재극인), else 관성 when 관성 weighs at least as much as 식상 and is present, else 식상 (설기).
   종격: the strongest group of the side it follows (종강: 비겁 or 인성; 종약: 식상, 재성 or 관성).
3. **The other four roles, from the 용신 and the helping side** (the modern Korean five-role scheme,
   e.g. 박주현 『용신』, with 희신 kept on the helping side): 희신 = the neighbour of the 용신 on the 생 cycle
   that stands on the helping side (its producer if it does, else the element it produces); 기신 = the
   element that controls the 용신 (극용신); 구신 = the element that produces the 기신 (= the one the 용신
   controls); 한신 = the one left. So no element is ever both a candidate (용신/희신) and a 기신/구신.
4. **조후 (調候, 궁통보감 / 난강망): weighed once.** Born in 亥子丑 the chart wants 火, in 巳午未 水. If that
   element already is the 용신 or 희신 the two methods agree; if it is the 한신 it is welcome as a help. If
   it is the 기신 or 구신 of the 억부 choice, 조후 wins only when it also stands on the helping side and the
   chart nearly lacks it (share < 10 %, 한랭·조열이 심함): it becomes the 용신 and the roles follow from it;
   otherwise 억부 wins and the text says why. 종격 charts follow their force: 조후 never overrides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from saju.analysis.balance import ElementBalance
from saju.analysis.strength import SUMMER, WINTER, Strength
from saju.analysis.tengods import TenGodGroup, element_group, group_element
from saju.core import Branch, Element, Pillar, Stem
from saju.korean import josa

YONGSIN_METHOD = (
    "강약(50점 기준, 종격은 10점 미만·90점 이상)으로 돕는 편을 정하고 억부로 용신을 잡은 뒤, 희신은 용신과 상생하는 돕는 편 오행, "
    "기신은 용신을 극하는 오행, 구신은 기신을 생하는 오행, 한신은 나머지; 한겨울(亥子丑)·한여름(巳午未) 생은 조후를 한 번 저울질"
)
JOHU_LACK_SHARE = 10.0


class ElementRole(Enum):
    YONGSIN = "용신"
    HEESIN = "희신"
    GISIN = "기신"
    GUSIN = "구신"
    HANSIN = "한신"

    @property
    def favourable(self) -> bool:
        return self in (ElementRole.YONGSIN, ElementRole.HEESIN)

    @property
    def unfavourable(self) -> bool:
        return self in (ElementRole.GISIN, ElementRole.GUSIN)


class YongsinBasis(Enum):
    EOKBU = "억부"
    JOHU = "조후"
    JONGGYEOK = "종격"


class JohuOutcome(Enum):
    NONE = "해당 없음"  # not born in deep winter or high summer
    AGREES = "일치"  # the 조후 element is the 용신 or the 희신
    WELCOME = "보탬"  # the 조후 element is the 한신: a welcome help
    OVERRIDES = "조후 우선"  # 조후 chose the 용신 over 억부
    SET_ASIDE = "억부 우선"  # the 조후 element is a 기신/구신 of the 억부 choice, and 억부 wins


ROLE_ORDER: tuple[ElementRole, ...] = tuple(ElementRole)
# Tuples, not sets: a set of enum members has no stable order across processes (string hashing is
# randomized), and the reading picks its wording from the repr of these facts.
SUPPORTING: tuple[TenGodGroup, ...] = (TenGodGroup.BIGEOP, TenGodGroup.INSEONG)
OPPOSING: tuple[TenGodGroup, ...] = (TenGodGroup.SIKSANG, TenGodGroup.JAESEONG, TenGodGroup.GWANSEONG)
_GROUPS: tuple[TenGodGroup, ...] = tuple(TenGodGroup)
_ELEMENTS: tuple[Element, ...] = tuple(Element)


@dataclass(frozen=True, slots=True)
class Yongsin:
    """The five roles of the elements for one chart, and how they were decided."""

    yongsin: Element
    heesin: Element
    gisin: Element
    gusin: Element
    hansin: Element
    basis: YongsinBasis  # what chose the 용신
    group: TenGodGroup  # ten-god group the 용신 plays for the day master
    helping: tuple[TenGodGroup, ...]  # the side that helps this chart (인성·비겁 or 식상·재성·관성)
    eokbu: Element  # the 용신 억부 (or 종격) alone would choose
    johu: Element | None  # the element the season asks for (火 in 亥子丑, 水 in 巳午未)
    johu_outcome: JohuOutcome
    reason: str  # Korean: why this 용신, one or two sentences
    johu_note: str | None  # Korean: how 조후 was weighed, said once (None outside deep winter/summer)
    method: str = YONGSIN_METHOD

    def role(self, element: Element) -> ElementRole:
        if element is self.yongsin:
            return ElementRole.YONGSIN
        if element is self.heesin:
            return ElementRole.HEESIN
        if element is self.gisin:
            return ElementRole.GISIN
        if element is self.gusin:
            return ElementRole.GUSIN
        return ElementRole.HANSIN

    def element(self, role: ElementRole) -> Element:
        return (self.yongsin, self.heesin, self.gisin, self.gusin, self.hansin)[ROLE_ORDER.index(role)]

    @property
    def roles(self) -> tuple[tuple[ElementRole, Element], ...]:
        return tuple((role, self.element(role)) for role in ROLE_ORDER)

    @property
    def favourable(self) -> tuple[Element, Element]:
        """용신 and 희신: the elements the reading recommends."""
        return (self.yongsin, self.heesin)

    @property
    def unfavourable(self) -> tuple[Element, Element]:
        """기신 and 구신: the elements the reading warns about."""
        return (self.gisin, self.gusin)


def _shift(element: Element, step: int) -> Element:
    return _ELEMENTS[(_ELEMENTS.index(element) + step) % 5]


def _roles(
    dm: Stem, yong: Element, helping: tuple[TenGodGroup, ...]
) -> tuple[Element, Element, Element, Element]:
    """(희신, 기신, 구신, 한신) for a 용신 and the helping side."""
    producer, child = _shift(yong, 4), _shift(yong, 1)
    hee, han = (producer, child) if element_group(dm, producer) in helping else (child, producer)
    return hee, _shift(yong, 3), _shift(yong, 2), han


def _heaviest(strength: Strength, groups: tuple[TenGodGroup, ...]) -> TenGodGroup:
    return max(groups, key=lambda g: (strength.group_weight(g), -_GROUPS.index(g)))


def _eokbu(strength: Strength) -> tuple[TenGodGroup, tuple[TenGodGroup, ...], YongsinBasis, str]:
    """(용신 group, helping side, basis, Korean reason) before 조후."""
    weight = strength.group_weight
    if strength.jonggyeok and not strength.leans_strong:
        dominant = _heaviest(strength, (TenGodGroup.SIKSANG, TenGodGroup.JAESEONG, TenGodGroup.GWANSEONG))
        return (
            dominant,
            OPPOSING,
            YongsinBasis.JONGGYEOK,
            (
                f"일간을 돕는 기운이 거의 없어 맞서기보다 가장 강한 {dominant.value}의 흐름을 따르는 종격으로 봅니다"
            ),
        )
    if strength.jonggyeok:
        dominant = _heaviest(strength, (TenGodGroup.BIGEOP, TenGodGroup.INSEONG))
        return (
            dominant,
            SUPPORTING,
            YongsinBasis.JONGGYEOK,
            (
                f"일간을 누르는 기운이 거의 없어 그 힘을 거스르지 않고 {josa(dominant.value, '을', '를')} 따르는 종격으로 봅니다"
            ),
        )
    if strength.leans_strong:
        if weight(TenGodGroup.INSEONG) > weight(TenGodGroup.BIGEOP):
            return (
                TenGodGroup.JAESEONG,
                OPPOSING,
                YongsinBasis.EOKBU,
                "인성이 과해 일간이 무거우니 재성으로 인성을 눌러 줍니다",
            )
        gwan, sik = weight(TenGodGroup.GWANSEONG), weight(TenGodGroup.SIKSANG)
        if gwan > 0 and gwan >= sik:
            return (
                TenGodGroup.GWANSEONG,
                OPPOSING,
                YongsinBasis.EOKBU,
                "비겁이 많아 관성으로 일간을 다스려 줍니다",
            )
        return (
            TenGodGroup.SIKSANG,
            OPPOSING,
            YongsinBasis.EOKBU,
            "비겁이 많은데 관성이 약해, 식상으로 넘치는 힘을 밖으로 풀어 줍니다",
        )
    burden = _heaviest(strength, (TenGodGroup.SIKSANG, TenGodGroup.JAESEONG, TenGodGroup.GWANSEONG))
    if burden is TenGodGroup.JAESEONG:
        return (
            TenGodGroup.BIGEOP,
            SUPPORTING,
            YongsinBasis.EOKBU,
            "재성이 무거워 비겁으로 일간을 받쳐 재물을 감당하게 합니다",
        )
    return (
        TenGodGroup.INSEONG,
        SUPPORTING,
        YongsinBasis.EOKBU,
        (f"{burden.value}에 힘이 빠지니 인성으로 일간을 생해 줍니다"),
    )


_NEED: dict[Branch, Element] = {**dict.fromkeys(WINTER, Element.FIRE), **dict.fromkeys(SUMMER, Element.WATER)}


def _season_need(month_branch: Branch) -> tuple[Element | None, str]:
    if month_branch in WINTER:
        return Element.FIRE, "한겨울"
    if month_branch in SUMMER:
        return Element.WATER, "한여름"
    return None, ""


# The decision depends on the day master, the season, the 억부 decision and whether the 조후 element is
# lacking — never on more: built once per distinct key.
_CACHE: dict[tuple[object, ...], Yongsin] = {}


def _decision(strength: Strength) -> tuple[object, ...]:
    """What `_eokbu` decides, as a cheap key: the same comparisons, without building any text."""
    g = strength.group_weights
    if strength.jonggyeok:
        if strength.leans_strong:
            return (True, True, g[4] > g[0])
        return (True, False, _argmax3(g))
    if strength.leans_strong:
        return (False, True, g[4] > g[0], g[3] > 0 and g[3] >= g[1])
    return (False, False, _argmax3(g))


def _argmax3(g: tuple[float, ...]) -> int:
    """Index of the heaviest of 식상 (1), 재성 (2), 관성 (3); the first on a tie."""
    best = 1
    if g[2] > g[best]:
        best = 2
    if g[3] > g[best]:
        best = 3
    return best


def yongsin(day_master: Stem, month_branch: Branch, strength: Strength, balance: ElementBalance) -> Yongsin:
    """The coherent 용신 set of a chart (the 오행 balance tells whether the 조후 element is lacking)."""
    need = _NEED.get(month_branch)
    lacking = need is not None and balance.share(need) < JOHU_LACK_SHARE
    key = (day_master, _decision(strength), need, lacking)
    found = _CACHE.get(key)
    if found is None:
        group, helping, basis, reason = _eokbu(strength)
        found = _decide(
            day_master, group, helping, basis, reason, need, _season_need(month_branch)[1], lacking=lacking
        )
        _CACHE[key] = found
    return found


def _decide(
    dm: Stem,
    group: TenGodGroup,
    helping: tuple[TenGodGroup, ...],
    basis: YongsinBasis,
    reason: str,
    need: Element | None,
    season: str,
    *,
    lacking: bool,
) -> Yongsin:
    yong = group_element(dm, group)
    eokbu = yong
    hee, gi, gu, han = _roles(dm, yong, helping)
    outcome, note = JohuOutcome.NONE, None
    if need is not None:
        label = need.label
        if need in (yong, hee):
            outcome = JohuOutcome.AGREES
            note = f"{season} 생이라 조후로 {josa(label, '이', '가')} 필요한데, 억부로 본 판단과 같은 방향이라 답이 하나로 모입니다."
        elif need is han:
            outcome = JohuOutcome.WELCOME
            note = f"{season} 생이라 조후로 {label}의 기운도 반갑습니다. 억부의 판단을 흔들지 않는 한신이라 생활 속 보탬으로 삼습니다."
        elif basis is not YongsinBasis.JONGGYEOK and lacking and element_group(dm, need) in helping:
            outcome = JohuOutcome.OVERRIDES
            note = (
                f"억부로만 보면 {josa(eokbu.label, '이', '가')} 용신이지만, {season}에 태어나고 {josa(label, '이', '가')} 거의 없어 "
                f"기후를 맞추는 조후가 더 급합니다. {josa(label, '은', '는')} 일간의 힘을 맞추는 쪽이기도 하므로 조후를 따릅니다."
            )
            yong, basis = need, YongsinBasis.JOHU
            group = element_group(dm, need)
            hee, gi, gu, han = _roles(dm, yong, helping)
            reason = f"{season}의 기후를 먼저 맞추어야 하므로 {josa(label, '을', '를')} 씁니다"
        else:
            outcome = JohuOutcome.SET_ASIDE
            role = "용신을 누르는 기신" if need is gi else "기신을 돕는 구신"
            follow = (
                "종격의 흐름을" if basis is YongsinBasis.JONGGYEOK else "일간의 힘을 맞추는 억부의 판단을"
            )
            note = (
                f"{season} 생이라 조후로는 {label}의 기운도 아쉽지만, {josa(label, '은', '는')} 이 사주에서 {role}이라 "
                f"{follow} 따릅니다."
            )
    return Yongsin(
        yongsin=yong,
        heesin=hee,
        gisin=gi,
        gusin=gu,
        hansin=han,
        basis=basis,
        group=group,
        helping=helping,
        eokbu=eokbu,
        johu=need,
        johu_outcome=outcome,
        reason=reason,
        johu_note=note,
    )


ROLE_POINTS: dict[ElementRole, int] = {
    ElementRole.YONGSIN: 1,
    ElementRole.HEESIN: 1,
    ElementRole.HANSIN: 0,
    ElementRole.GISIN: -1,
    ElementRole.GUSIN: -1,
}


@dataclass(frozen=True, slots=True)
class LuckFit:
    """How an outside pillar (대운, 세운, 월운, 일진) sits with the chart's 용신 set."""

    stem: Element
    branch: Element
    stem_role: ElementRole
    branch_role: ElementRole

    @property
    def score(self) -> int:
        """−2..+2: +1 for each character on the 용신/희신 side, −1 for each on the 기신/구신 side."""
        return ROLE_POINTS[self.stem_role] + ROLE_POINTS[self.branch_role]


def luck_fit(ys: Yongsin, pillar: Pillar) -> LuckFit:
    stem, branch = pillar.stem.element, pillar.branch.element
    return LuckFit(stem, branch, ys.role(stem), ys.role(branch))
