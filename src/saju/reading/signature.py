"""The day signature: the coarse facts that set one day's judgement for a chart, and nothing else.

Charts that share a signature on a date share the day's class text (the nightly AI text is generated once
per signature, not once per person: docs/scaling.md). The signature holds the day master, the strength
band, the 용신 and 기신 elements, whether the hour is known, the 용신 roles of the day's two characters,
and flags of what the day does to the chart without saying where: 일지 충, any other 충, a 합 with the
일간 or the 일지, the element of a 삼합/방합 the day completes, 일지 원진, any 형, and the stars 천을귀인,
역마살, 도화살. Those are enough for the day's stars (`DaySignature.score` equals `daily_fortune(...).score`
for every chart with that signature; tests/saju/test_signature.py checks it), its ten gods (day master +
date) and its lucky colour and direction (용신).

Everything that names a pillar or a position is personal and written by the engine per chart
(`daily_personal`): the pillars, the day's relations by position ("오늘의 지지가 일지와 충"), the lucky
colour/direction/number, the stars' breakdown and the morning e-mail line. The class text
(`signature_markdown`, or the AI's from `signature_facts`) names no pillar and no position.

`SIGNATURE_VERSION` changes whenever the fields or their meaning change (it is part of `signature_key`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from saju.analysis.analyze import ChartLike, iljin
from saju.analysis.hidden import main_stem
from saju.analysis.luck import ORDINAL_TO_DAY_INDEX
from saju.analysis.model import Analysis
from saju.analysis.relations import RelationKind
from saju.analysis.shinsal import CHEONEUL, DOHWA, YEOKMA
from saju.analysis.strength import StrengthBand
from saju.analysis.tengods import TenGod, ten_god
from saju.analysis.yongsin import ElementRole
from saju.core import PILLARS, Element, Pillar, Stem
from saju.korean import josa
from saju.reading.daily import (
    LUCKY_COLOR,
    LUCKY_DIRECTION,
    SCORE_BASE,
    SCORE_MAX,
    SCORE_MIN,
    STAR_NOTES,
    DailyFortune,
    daily_fortune,
)
from saju.reading.texts_elements import ELEMENT_NAME, REMEDY
from saju.reading.texts_luck import DAILY_THEME
from saju.reading.voice import Voice, to_haeyo

SIGNATURE_VERSION = 1
# The stars a signature keeps (the others only colour the personal lines).
SIGNATURE_STARS = (CHEONEUL, YEOKMA, DOHWA)
# 하도(河圖) numbers of the 용신 element: the lucky numbers of the personal lines.
LUCKY_NUMBERS: dict[Element, tuple[int, int]] = {
    Element.WOOD: (3, 8),
    Element.FIRE: (2, 7),
    Element.EARTH: (5, 10),
    Element.METAL: (4, 9),
    Element.WATER: (1, 6),
}
DAY_SLOT = "일진"
STEM_SLOT = "일진간"
BRANCH_SLOT = "일진지"
FLAG_NOTES: dict[str, str] = {
    "day_clash": "오늘의 기운이 나의 생활 중심과 부딪혀(충) 일상 리듬이 흔들리기 쉽습니다.",
    "other_clash": "오늘의 기운이 내 사주의 다른 자리와 부딪혀(충) 주변 일로 변동이 생기기 쉽습니다.",
    "bind": "오늘의 기운이 나와 합을 이루어 사람과 손잡고 협력하기 좋습니다.",
    "wonjin": "가까운 사람과 괜한 서운함이 오가기 쉬운 날(원진)이니 말을 아끼세요.",
    "punishment": "형(刑)이 드는 날이라 말다툼이나 서류·규칙 문제, 작은 다침을 조심하세요.",
}


@dataclass(frozen=True, slots=True)
class DaySignature:
    """The facts that set one day's judgement for a chart (see module docstring)."""

    day_master: Stem
    band: StrengthBand
    yongsin: Element
    gisin: Element
    hour_known: bool
    stem_role: ElementRole  # the 용신 role of the day's stem element
    branch_role: ElementRole  # the 용신 role of the day's branch element
    day_clash: bool  # 일지 충
    other_clash: bool  # 충 with any other natal branch
    bind: bool  # 천간합 with the 일간 or 육합 with the 일지
    completes: Element | None  # element of a 삼합/방합 the day completes with the natal branches
    wonjin: bool  # 일지 원진
    punishment: bool  # any 형 with a natal branch
    stars: tuple[str, ...]  # of SIGNATURE_STARS, in that order
    version: int = SIGNATURE_VERSION

    @property
    def raw_score(self) -> int:
        """The day's stars before keeping them within 1..5: the rule of `saju.reading.daily`."""
        return (
            SCORE_BASE
            + _role_delta(self.stem_role)
            + _role_delta(self.branch_role)
            - int(self.day_clash)
            + int(self.bind)
            + int(CHEONEUL.name in self.stars)
        )

    @property
    def score(self) -> int:
        return max(SCORE_MIN, min(SCORE_MAX, self.raw_score))


def _role_delta(role: ElementRole) -> int:
    return 1 if role.favourable else -1 if role.unfavourable else 0


def day_pillar(day: date) -> Pillar:
    """The 일진 of a civil date (the same for everyone)."""
    return PILLARS[(day.toordinal() + ORDINAL_TO_DAY_INDEX) % 60]


def day_signature(chart: ChartLike, analysis: Analysis, day: date) -> DaySignature:
    """The signature of `day` for this chart (`analysis` is the chart's, for any reference date)."""
    luck = iljin(chart, day).info
    ys = analysis.yongsin
    rels = luck.relations

    def touches(kind: RelationKind, slot: str) -> bool:
        return any(r.kind is kind and slot in r.members for r in rels)

    completes = next(
        (
            r.element
            for r in rels
            if r.kind in (RelationKind.THREE_COMBINE, RelationKind.DIRECTIONAL) and BRANCH_SLOT in r.members
        ),
        None,
    )
    clashes = [r for r in rels if r.kind is RelationKind.CLASH]
    return DaySignature(
        day_master=analysis.day_master,
        band=analysis.strength.band,
        yongsin=ys.yongsin,
        gisin=ys.gisin,
        hour_known=len(analysis.pillars) == 4,
        stem_role=ys.role(luck.pillar.stem.element),
        branch_role=ys.role(luck.pillar.branch.element),
        day_clash=any("일지" in r.members for r in clashes),
        other_clash=any("일지" not in r.members for r in clashes),
        bind=touches(RelationKind.STEM_COMBINE, "일간") or touches(RelationKind.SIX_COMBINE, "일지"),
        completes=completes,
        wonjin=touches(RelationKind.WONJIN, "일지"),
        punishment=any(r.kind is RelationKind.PUNISHMENT for r in rels),
        stars=tuple(star.name for star in SIGNATURE_STARS if star in luck.shinsal),
    )


def signature_key(sig: DaySignature) -> str:
    """The signature as one stable string (its version first); equal strings mean the same class."""
    flags = "".join(
        "1" if flag else "0"
        for flag in (sig.hour_known, sig.day_clash, sig.other_clash, sig.bind, sig.wonjin, sig.punishment)
    )
    return "|".join(
        (
            f"v{sig.version}",
            sig.day_master.hanja,
            sig.band.value,
            sig.yongsin.value,
            sig.gisin.value,
            sig.stem_role.value,
            sig.branch_role.value,
            flags,
            sig.completes.value if sig.completes is not None else "-",
            ",".join(sig.stars),
        )
    )


def _day_gods(sig: DaySignature, day: date) -> tuple[Pillar, TenGod, TenGod]:
    pillar = day_pillar(day)
    return pillar, ten_god(sig.day_master, pillar.stem), ten_god(sig.day_master, main_stem(pillar.branch))


def class_breakdown(sig: DaySignature, day: date) -> tuple[str, ...]:
    """The stars' arithmetic without positions or characters: true for every chart of the class."""
    pillar = day_pillar(day)
    lines = [f"기본 {SCORE_BASE}점"]
    for where, element, role in (
        ("천간", pillar.stem.element, sig.stem_role),
        ("지지", pillar.branch.element, sig.branch_role),
    ):
        if delta := _role_delta(role):
            sign = "+" if delta > 0 else "−"
            lines.append(f"{sign}1 오늘 {where}의 {josa(element.label, '은', '는')} {role.value}")
    if sig.day_clash:
        lines.append("−1 나의 생활 중심과 충 (리듬이 흔들리기 쉬움)")
    if sig.bind:
        lines.append("+1 나와 합 (사람과 손잡기 좋음)")
    if CHEONEUL.name in sig.stars:
        lines.append("+1 천을귀인 (도와주는 사람)")
    total = f"= {sig.score}점 ({'★' * sig.score}{'☆' * (SCORE_MAX - sig.score)})"
    if sig.raw_score != sig.score:
        total += f", 합계 {sig.raw_score}점을 1~5점 범위로 맞춤"
    return (*lines, total)


def class_notes(sig: DaySignature) -> tuple[str, ...]:
    """What the day does to every chart of the class, in words that name no position."""
    notes = [FLAG_NOTES[name] for name in FLAG_NOTES if getattr(sig, name)]
    if sig.completes is not None:
        notes.append(
            f"오늘의 기운이 내 사주와 어울려 {ELEMENT_NAME[sig.completes]} 기운의 큰 합(삼합·방합)을 완성합니다."
        )
    notes += [STAR_NOTES[name] for name in sig.stars if name in STAR_NOTES]
    return tuple(notes)


def signature_facts(sig: DaySignature, day: date) -> dict[str, object]:
    """What the daily prompt receives: the signature and the date, nothing about any one chart."""
    pillar, stem_god, branch_god = _day_gods(sig, day)
    return {
        "날짜": day.isoformat(),
        "타고난 일간": f"{sig.day_master.hanja}{sig.day_master.element.value}({sig.day_master.hangul}{sig.day_master.element.hangul})",
        "신강약": sig.band.value,
        "용신": ELEMENT_NAME[sig.yongsin],
        "기신": ELEMENT_NAME[sig.gisin],
        "태어난 시간": "앎" if sig.hour_known else "모름",
        "오늘 천간 십신": stem_god.value,
        "오늘 지지 십신": branch_god.value,
        "오늘 천간 오행의 역할": f"{ELEMENT_NAME[pillar.stem.element]}: {sig.stem_role.value}",
        "오늘 지지 오행의 역할": f"{ELEMENT_NAME[pillar.branch.element]}: {sig.branch_role.value}",
        "오늘의 흐름": list(class_notes(sig)),
        "별점": sig.score,
        "별점 근거": list(class_breakdown(sig, day)),
    }


def _score_mood(score: int) -> str:
    if score >= 4:
        return "흐름이 나를 돕는 편이라 마음먹은 일을 밀고 가기 좋습니다."
    if score == 3:
        return "흐름은 무난한 편입니다."
    return "다만 오늘의 기운은 나에게 버거운 편이라 욕심을 줄이는 것이 좋습니다."


SCORE_ADVICE: dict[int, str] = {
    1: "무리한 결정은 미루고 몸과 마음을 쉬게 하는 데 집중하세요.",
    2: "작은 실수가 커지지 않게 확인을 한 번 더 하세요.",
    3: "평소의 리듬대로 차분히 움직이면 무난한 하루입니다.",
    4: f"{josa('미뤄 둔 일', '을', '를')} 처리하거나 새로운 제안을 하기에 좋은 날입니다.",
    5: "흐름이 좋은 날입니다. 중요한 만남이나 시작을 오늘로 잡아 보세요.",
}


def signature_markdown(sig: DaySignature, day: date, *, voice: Voice = Voice.PLAIN) -> str:
    """The built-in class text: the same judgement as the stars, naming no pillar and no position."""
    pillar, stem_god, branch_god = _day_gods(sig, day)
    title, theme = DAILY_THEME[stem_god]
    score = sig.score
    fit = (
        f"오늘 천간과 지지의 기운은 모두 {pillar.stem.element.label}, 곧 {sig.stem_role.value}입니다."
        if pillar.stem.element is pillar.branch.element
        else f"오늘 천간의 {josa(pillar.stem.element.label, '은', '는')} {sig.stem_role.value}, "
        f"지지의 {josa(pillar.branch.element.label, '은', '는')} {sig.branch_role.value}입니다."
    )
    glance = f"오늘은 {title}입니다. {_score_mood(score)} {SCORE_ADVICE[score]}"
    summary = f"나에게 오늘은 천간이 {stem_god.value}, 지지가 {branch_god.value}인 날입니다. {theme} {fit}"
    advice: tuple[str, ...] = (
        f"용신 {ELEMENT_NAME[sig.yongsin]} 기운을 더하려면: {REMEDY[sig.yongsin]}.",
        SCORE_ADVICE[score],
    )
    notes = class_notes(sig)
    if voice is Voice.WARM:
        glance, summary = to_haeyo(glance), to_haeyo(summary)
        advice = tuple(to_haeyo(line) for line in advice)
        notes = tuple(to_haeyo(line) for line in notes)
    lines = [
        f"## {day.isoformat()} — {title}",
        "",
        "### 한눈에 보기",
        "",
        glance,
        "",
        summary,
        "",
        f"### 오늘의 별점: {'★' * score}{'☆' * (SCORE_MAX - score)} ({score}/5)",
        "",
        *(f"- {line}" for line in class_breakdown(sig, day)),
    ]
    if notes:
        lines += ["", "### 오늘의 흐름", "", *(f"- {note}" for note in notes)]
    lines += ["", "### 오늘의 조언", "", *(f"- {line}" for line in advice)]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class DailyPersonal:
    """The lines of one person's fortune that the engine writes for them (never the AI)."""

    pillars: str
    day: str
    relations: tuple[str, ...]
    lucky: str
    breakdown: tuple[str, ...]
    email_line: str
    fortune: DailyFortune

    @property
    def lines(self) -> tuple[str, ...]:
        return (self.pillars, self.day, *self.relations, self.lucky)


def _pillar_text(pillar: Pillar) -> str:
    return f"{pillar.hanja}({pillar.hangul})"


def daily_personal(chart: ChartLike, analysis: Analysis, day: date) -> DailyPersonal:
    """The personal lines of `day` for this chart: its pillars, the day's relations named by position,
    the lucky colour/direction/number, the stars' breakdown and the morning e-mail line."""
    fortune = daily_fortune(chart, analysis, day)
    known = {p.label: p.pillar for p in analysis.pillars}
    pillars = " · ".join(
        f"{name} {_pillar_text(known[label]) if label in known else '모름'}"
        for label, name in (("년", "연주"), ("월", "월주"), ("일", "일주"), ("시", "시주"))
    )
    yong = analysis.yongsin.yongsin
    numbers = LUCKY_NUMBERS[yong]
    stars = "★" * fortune.score + "☆" * (SCORE_MAX - fortune.score)
    return DailyPersonal(
        pillars=f"나의 사주: {pillars}",
        day=(
            f"오늘의 일진: {_pillar_text(fortune.pillar)}일 — 나에게 천간은 {fortune.stem_ten_god.value}, "
            f"지지는 {fortune.branch_ten_god.value}"
        ),
        relations=fortune.notes,
        lucky=(
            f"행운의 색: {LUCKY_COLOR[yong]} · 행운의 방향: {LUCKY_DIRECTION[yong]}"
            f" · 행운의 숫자: {numbers[0]}, {numbers[1]}"
        ),
        breakdown=fortune.breakdown,
        email_line=f"{day.month}월 {day.day}일 {_pillar_text(fortune.pillar)}일 {stars} {fortune.title}",
        fortune=fortune,
    )


def personal_markdown(personal: DailyPersonal) -> str:
    """The personal lines as the Markdown section appended to the class text."""
    lines = [
        "### 나의 오늘",
        "",
        f"- {personal.pillars}",
        f"- {personal.day}",
        *(f"- {line}" for line in personal.relations),
        f"- {personal.lucky}",
        "",
        "#### 나의 별점 계산",
        "",
        *(f"- {line}" for line in personal.breakdown),
    ]
    return "\n".join(lines) + "\n"
