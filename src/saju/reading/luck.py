"""Reading sections about time: the 대운 of the reading's saju year and that year's 세운 (with its 월운).

Both read the same 용신 set (`saju.analysis.yongsin.luck_fit`) as every other section. Ages are written
with their count ("세는 나이 33–42세" or "만 33–42세") next to the calendar years they stand for, by one rule
(`saju.analysis.luck`): 세는 나이 N is the year birth + N − 1, 만 N세 the year birth + N.
"""

from __future__ import annotations

from saju.analysis.luck import AgeConvention, DaewoonRounding, Direction
from saju.analysis.model import Analysis, Daewoon, DaewoonPeriod, LuckPillarInfo, MonthLuck
from saju.analysis.relations import Relation, RelationKind
from saju.analysis.yongsin import luck_fit
from saju.korean import josa
from saju.reading.model import ReadingSection, join_ko, pick
from saju.reading.natal import stage_label
from saju.reading.plain import PLAIN_PERIOD, plain_fit
from saju.reading.relate import grouped, kinds, labels, positions_text
from saju.reading.texts_elements import ELEMENT_NAME
from saju.reading.texts_luck import DAEWOON_THEME, SEWOON_THEME
from saju.terms import KST, term_instant

MAX_MONTHS = 3
CONVENTION_TEXT = {AgeConvention.KOREAN: "세는 나이", AgeConvention.INTERNATIONAL: "만 나이"}
# What a natal position stands for when an outside pillar touches it.
AREA: dict[str, str] = {
    "년": "집안과 윗세대",
    "월": "직장과 사회생활",
    "일": "나 자신과 배우자·생활 터전",
    "시": "자녀·아랫사람과 장기 계획",
}
CLASH_BY_AREA: dict[str, str] = {
    "일": "이사, 이직, 관계의 재정비 같은 변동이 생기기 쉽습니다",
    "월": "직장과 활동 무대에 변화가 옵니다",
    "년": "집안이나 윗세대와 관련된 일로 마음 쓸 일이 생길 수 있습니다",
    "시": "자녀·후배, 장기 계획에 조정이 필요할 수 있습니다",
}


def age_text(convention: AgeConvention, first: int, last: int | None = None) -> str:
    span = f"{first}–{last}세" if last is not None else f"{first}세"
    return f"세는 나이 {span}" if convention is AgeConvention.KOREAN else f"만 {span}"


def _kind_meaning(kind: RelationKind, areas: list[str], element_label: str | None) -> str:
    area = join_ko([AREA[a] for a in areas]) if areas else "원국"
    if kind is RelationKind.CLASH:
        return (
            " ".join(CLASH_BY_AREA[a] + "." for a in areas) if areas else "부딪혀 움직이는 변동이 생깁니다."
        )
    meaning = {
        RelationKind.STEM_COMBINE: f"{area} 쪽으로 새로운 인연과 협력 제안이 들어오기 쉽습니다.",
        RelationKind.SIX_COMBINE: f"{area} 쪽에 정이 붙고 손잡을 일이 생깁니다.",
        RelationKind.HALF_COMBINE: f"{area} 쪽에서 뜻이 맞는 사람과 힘을 모으기 좋습니다.",
        RelationKind.THREE_COMBINE: f"원국과 손잡아 {element_label} 기운이 크게 일어납니다.",
        RelationKind.DIRECTIONAL: f"원국과 손잡아 {element_label} 기운이 크게 일어납니다.",
        RelationKind.STEM_CLASH: f"{area} 쪽에서 생각과 방향이 부딪혀 선택을 다시 하게 됩니다.",
        RelationKind.PUNISHMENT: "규칙·계약·건강 문제에서 마찰이 생길 수 있으니 서류와 몸을 꼼꼼히 챙기세요.",
        RelationKind.BREAK: "잘 되던 일에 작은 금이 가기 쉬우니 약속과 계약을 다시 확인하세요.",
        RelationKind.HARM: f"{area} 쪽에 말하지 못한 서운함이 쌓이기 쉽습니다.",
        RelationKind.WONJIN: f"{area} 쪽 가까운 사람과 이유 없이 밉고 끌리는 감정이 오가기 쉬우니 말을 아끼세요.",
    }
    return meaning[kind]


def luck_relation_lines(rels: tuple[Relation, ...], source: str) -> list[str]:
    """Every relation an outside pillar makes with the natal chart, one line per group of positions."""
    lines = []
    for positions, group in grouped(rels, outside=source):
        areas = sorted({p[0] for p in positions}, key="년월일시".index)
        element = next((r.element.label for r in group if r.element is not None), None)
        meanings = " ".join(_kind_meaning(k, areas, element) for k in kinds(group))
        lines.append(f"- **{labels(group)}** ({positions_text(positions)}): {meanings}")
    return lines


def fit_sentence(a: Analysis, info: LuckPillarInfo, period: str) -> str:
    """How the period's two characters sit with the 용신 set, and what follows (one judgement for all)."""
    fit = luck_fit(a.yongsin, info.pillar)
    stem, branch = info.pillar.stem, info.pillar.branch
    if fit.stem is fit.branch:
        roles = f"천간과 지지 모두 {fit.stem.label}, 곧 {fit.stem_role.value}입니다."
    else:
        roles = (
            f"천간 {stem.hanja}({stem.hangul})의 {josa(fit.stem.label, '은', '는')} {fit.stem_role.value}, "
            f"지지 {branch.hanja}({branch.hangul})의 {josa(fit.branch.label, '은', '는')} {fit.branch_role.value}입니다."
        )
    yong = ELEMENT_NAME[a.yongsin.yongsin]
    if fit.score >= 2:
        tail = f"{period} 전체가 순풍에 가깝습니다. 미뤄 둔 도전을 꺼낼 때입니다."
    elif fit.score == 1:
        tail = f"용신 {yong} 쪽 기운이 더 실려 있어, {period}에는 노력한 만큼 결과가 따르는 편입니다."
    elif fit.score == 0:
        tail = f"반가운 기운과 조심할 기운이 엇갈리거나 어느 쪽도 아니어서, {period}의 성패는 운보다 선택과 준비에 달려 있습니다."
    elif fit.score == -1:
        tail = f"용신을 누르는 쪽 기운이 더 실려 있어, {period}에는 무리한 확장보다 내실을 다지는 편이 안전합니다."
    else:
        tail = f"천간과 지지 모두 용신을 누르는 쪽이라 {period}에는 바람을 거스르는 느낌이 들 수 있습니다. 건강과 재정의 안전판을 먼저 마련하세요."
    return f"{roles} {tail}"


def _count_sentence(d: Daewoon) -> str:
    days, rest = divmod(int(d.offset.interval.total_seconds()), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    jie = d.jie_name  # never its date: it would date the birth in stored text (docs/privacy.md)
    span = f"{days}일 {hours}시간" if days else f"{hours}시간 {minutes}분"
    if d.direction is Direction.FORWARD:
        where = f"출생에서 다음 절기인 {jie}까지 {span}"
    else:
        where = f"출생 전 절기인 {jie}에서 출생까지 {span}"
    rule = (
        "날수를 3으로 나눈 나머지가 2이면 올리고 1이면 버리는 한국식 셈(0이면 1)"
        if d.rounding is DaewoonRounding.KOREAN
        else "소수점 아래를 버리는 셈"
    )
    return (
        f"대운은 {d.direction.value}합니다. {where}이고, 3일을 1년으로 환산하면 {d.offset.text}이라 "
        f"{rule}으로 대운수는 **{d.number}**입니다."
    )


def _year_text(d: Daewoon, year: int) -> str:
    """A 대운's start year in a sentence; the birth year itself is written "태어난 해" (no birth data in text)."""
    first = d.periods[0]
    shift = 1 if d.age_convention is AgeConvention.KOREAN else 0
    return "태어난 해" if year == first.start_year - first.start_age + shift else f"{year}년"


def _convention_sentence(d: Daewoon) -> str:
    # The exact start date (birth + the converted interval) is in the JSON, not in the text: with the
    # interval beside it, it would give away the birth date in stored text.
    first = d.periods[0]
    if d.age_convention is AgeConvention.KOREAN:
        return (
            f"나이는 세는 나이로 셉니다. 첫 대운은 세는 나이 {first.start_age}세, 곧 {_year_text(d, first.start_year)}에 시작합니다. "
            f"환산한 기간을 출생일에 그대로 더하면 {d.offset.text} 뒤(만 나이로 {d.offset.years}세 무렵)이지만, "
            "이 풀이는 세는 나이 관례에 따라 해 단위로 봅니다."
        )
    return (
        f"나이는 만 나이로 셉니다. 첫 대운은 만 {first.start_age}세가 되는 {_year_text(d, first.start_year)} 생일 무렵 시작하며, "
        f"환산한 기간을 출생일에 그대로 더하면 {d.offset.text} 뒤입니다."
    )


def _period_years(p: DaewoonPeriod) -> str:
    return f"{p.start_year}–{p.start_year + 9}년"


def _period_table(d: Daewoon) -> str:
    convention = CONVENTION_TEXT[d.age_convention]
    head = f"| 대운 | 나이({convention}) | 기간 | 천간 십신 | 지지 십신 | 12운성 |\n|---|---|---|---|---|---|"
    rows = []
    for i, p in enumerate(d.periods):
        mark = " ◀ 올해" if i == d.current_index else ""
        rows.append(
            f"| {p.info.pillar.hanja}({p.info.pillar.hangul}){mark} | {p.start_age}–{p.end_age}세 | {_period_years(p)} | "
            f"{p.info.stem_ten_god.value} | {p.info.branch_ten_god.value} | {stage_label(p.info.stage)} |"
        )
    return "\n".join([head, *rows])


def _uncertain_sentence(a: Analysis) -> str | None:
    u = a.month_uncertainty
    if u is None or u.other.daewoon_direction is None:
        return None
    at = u.jie_local.strftime("%H:%M")
    side = "이전" if u.other.before_jie else "이후"
    return (
        f"다만 태어난 날 {at}에 {josa(u.jie_name, '이', '가')} 들어, {at} {side}에 태어났다면 대운은 "
        f"{u.other.month.hanja}월에서 {u.other.daewoon_direction.value}하고 대운수는 약 {u.other.daewoon_number}입니다."
    )


def daewoon(a: Analysis) -> ReadingSection:
    d = a.daewoon
    if d is None:
        body = (
            f"{a.daewoon_unavailable} 대운은 성별과 태어난 해의 음양으로 순행·역행이 갈리기 때문에, "
            "성별 없이 추측하지 않습니다."
        )
        return ReadingSection(
            "daewoon", "대운(10년 운)", "성별을 알려 주시면 10년 단위의 큰 흐름을 볼 수 있습니다.", body
        )
    intro = f"{_count_sentence(d)} {_convention_sentence(d)}"
    if d.approximate:
        intro += " 태어난 시간을 몰라 그날 정오로 셌으므로 대운수가 1 정도 달라질 수 있습니다."
    uncertain = _uncertain_sentence(a)
    if uncertain:
        intro += " " + uncertain
    parts = [intro]
    current = d.current
    year = a.sewoon[0].year
    if current is None:
        first = d.periods[0]
        conclusion = "아직 첫 10년 운이 시작되기 전이라, 지금은 타고난 바탕이 삶을 이끄는 때입니다."
        parts.append(
            f"아직 첫 대운({first.info.pillar.hanja}, {age_text(d.age_convention, first.start_age)}, "
            f"{_year_text(d, first.start_year)}부터) 이전으로, 월주의 기운이 삶을 이끄는 시기입니다."
        )
    else:
        info = current.info
        god = info.stem_ten_god
        fit = luck_fit(a.yongsin, info.pillar)
        conclusion = (
            f"지금의 10년({_period_years(current)})은 {PLAIN_PERIOD[god]}이고, {plain_fit(fit.score)}."
        )
        starts_now = f" {year}년에 새로 시작한 대운입니다." if current.start_year == year else ""
        parts.append(
            f"지금 지나는 대운은 **{info.pillar.hanja}({info.pillar.hangul}) 대운**"
            f"({age_text(d.age_convention, current.start_age, current.end_age)}, {_period_years(current)})입니다.{starts_now} "
            f"천간은 {god.value}, 지지는 {info.branch_ten_god.value}이고 일간은 이 대운에서 {stage_label(info.stage)}의 자리에 섭니다. "
            f"{DAEWOON_THEME[god]}"
        )
        parts.append(fit_sentence(a, info, "이 10년"))
        lines = luck_relation_lines(info.relations, "대운")
        if lines:
            parts.append("원국과 맺는 관계:\n" + "\n".join(lines))
        if current.ordinal < len(d.periods):
            nxt = d.periods[current.ordinal]
            parts.append(
                f"다음 대운은 {nxt.start_year}년부터의 {nxt.info.pillar.hanja}({nxt.info.pillar.hangul}) 대운({nxt.info.stem_ten_god.value})으로, "
                + DAEWOON_THEME[nxt.info.stem_ten_god].split(".")[0]
                + "."
            )
    parts.append(_period_table(d))
    return ReadingSection("daewoon", "대운(10년 운)", conclusion, "\n\n".join(parts))


def month_label(m: MonthLuck) -> str:
    """ "해월(亥月, 11월 7일 입동부터)": a saju month by its branch and the date its 절 begins — never read
    as a calendar month number."""
    branch = m.info.pillar.branch
    index = 2 * m.month_number if m.month_number < 12 else 0
    year = m.year if m.month_number < 12 else m.year + 1
    day = term_instant(year, index).astimezone(KST).date()
    when = f"{day.month}월 {day.day}일" if year == m.year else f"{day.year}년 {day.month}월 {day.day}일"
    return f"{branch.hangul}월({branch.hanja}月, {when} {m.jie_name}부터)"


def _day_clash(m: MonthLuck) -> bool:
    return any(r.kind is RelationKind.CLASH and "일지" in r.members for r in m.info.relations)


def sewoon(a: Analysis) -> ReadingSection:
    year = a.sewoon[0]
    info = year.info
    god = info.stem_ten_god
    fit = luck_fit(a.yongsin, info.pillar)
    facts = (year.year, info.pillar, a.yongsin.yongsin)
    parts = [
        pick(
            (
                f"{year.year}년은 {info.pillar.hanja}({info.pillar.hangul})년으로, 일간에게 천간은 {god.value}, 지지는 {info.branch_ten_god.value}입니다. {SEWOON_THEME[god]}",
                f"{year.year}년의 간지는 {info.pillar.hanja}({info.pillar.hangul})입니다. 나에게는 {god.value}의 해이고 땅에서는 {info.branch_ten_god.value}의 기운이 올라옵니다. {SEWOON_THEME[god]}",
            ),
            *facts,
        ),
        fit_sentence(a, info, "올해"),
    ]
    notes = luck_relation_lines(info.relations, "세운")
    stars = [s.name for s in info.shinsal]
    if stars:
        notes.append(f"- 올해 들어오는 신살: {join_ko(stars)}. " + _star_note(stars))
    if info.in_gongmang:
        notes.append(
            "- 올해 지지가 일주의 공망에 들어 기대한 만큼 채워지지 않는 일이 있을 수 있으니, 결과보다 과정에 의미를 두세요."
        )
    if notes:
        parts.append("원국과 맺는 관계와 신살:\n" + "\n".join(notes))
    careful = [m for m in a.wolwoon if _day_clash(m)]
    good = [m for m in a.wolwoon if luck_fit(a.yongsin, m.info.pillar).score >= 2 and m not in careful]
    month_lines = []
    if good:
        month_lines.append("힘이 실리는 달: " + join_ko([month_label(m) for m in good[:MAX_MONTHS]]) + ".")
    if careful:
        month_lines.append(
            "일지와 충해 변동을 조심할 달: " + join_ko([month_label(m) for m in careful[:MAX_MONTHS]]) + "."
        )
    if month_lines:
        parts.append(" ".join(month_lines))
    if len(a.sewoon) > 1:
        nxt = a.sewoon[1]
        parts.append(
            f"다음 해 {nxt.year}년({nxt.info.pillar.hanja}, {nxt.info.pillar.hangul})은 {nxt.info.stem_ten_god.value}의 해로, "
            + SEWOON_THEME[nxt.info.stem_ten_god].split(". ")[0].replace("올해는 ", "")
            + "."
        )
    conclusion = f"올해({year.year}년)는 {PLAIN_PERIOD[god]}이고, {plain_fit(fit.score)}."
    return ReadingSection("sewoon", f"{year.year}년 세운", conclusion, "\n\n".join(parts))


def _star_note(stars: list[str]) -> str:
    notes = []
    if "천을귀인" in stars:
        notes.append("도와주는 사람이 나타나는 해")
    if "역마살" in stars:
        notes.append("이동·출장·이사가 많아지는 해")
    if "도화살" in stars or "홍염살" in stars:
        notes.append("인기와 이성 인연이 늘어나는 해")
    if "문창귀인" in stars:
        notes.append("시험과 글에 유리한 해")
    if "양인살" in stars:
        notes.append("다툼과 다침을 조심할 해")
    if "화개살" in stars:
        notes.append("공부와 내면 정리에 좋은 해")
    return (join_ko(notes) + "입니다.") if notes else ""
