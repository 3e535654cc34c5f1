"""Reading sections about time: the current 대운 and this year's 세운 (with its 월운 highlights)."""

from __future__ import annotations

from saju.analysis.model import Analysis, Daewoon, LuckPillarInfo, MonthLuck
from saju.analysis.relations import Relation, RelationKind
from saju.core import Element
from saju.reading.model import ReadingSection, join_ko, josa, pick
from saju.reading.texts_elements import ELEMENT_NAME
from saju.reading.texts_luck import DAEWOON_THEME, SEWOON_THEME

MAX_MONTHS = 3
CONVENTION_TEXT = {"korean": "세는 나이", "international": "만 나이"}


def luck_elements(info: LuckPillarInfo) -> tuple[Element, Element]:
    return info.pillar.stem.element, info.pillar.branch.element


def fit_to_yongsin(a: Analysis, info: LuckPillarInfo) -> int:
    """+2 both characters carry the 용신 (or 희신), -2 both carry the 기신; the sum of the two characters."""
    good = {a.yongsin.yongsin, a.yongsin.heesin}
    score = 0
    for e in luck_elements(info):
        if e in good:
            score += 1
        elif e is a.yongsin.gisin:
            score -= 1
    return score


def fit_sentence(a: Analysis, info: LuckPillarInfo, period: str) -> str:
    fit = fit_to_yongsin(a, info)
    yong = ELEMENT_NAME[a.yongsin.yongsin]
    if fit >= 2:
        return f"천간과 지지 모두 용신 {josa(yong, '을', '를')} 돕는 기운이라, {period} 전체가 순풍에 가깝습니다. 미뤄 둔 도전을 꺼낼 때입니다."
    if fit == 1:
        return f"용신 {yong} 쪽 기운이 절반쯤 실려 있어, {period}에는 노력한 만큼 결과가 따르는 편입니다."
    if fit == 0:
        return f"용신에 대해 중립적인 기운이라, {period}의 성패는 운보다 선택과 준비에 달려 있습니다."
    if fit == -1:
        return f"용신 {josa(yong, '을', '를')} 누르는 기신이 한쪽에 끼어 있어, {period}에는 무리한 확장보다 내실을 다지는 편이 안전합니다."
    return f"천간과 지지 모두 기신 쪽이라 {period}에는 바람을 거스르는 느낌이 들 수 있습니다. 건강과 재정의 안전판을 먼저 마련하세요."


def _relation_notes(rels: tuple[Relation, ...], source: str) -> list[str]:
    """One line per meaning: relations that read the same are listed together."""
    grouped: dict[str, list[str]] = {}
    for name, text in _relation_note_items(rels, source):
        grouped.setdefault(text, []).append(name)
    return [f"{', '.join(names)}: {text}" for text, names in grouped.items()]


def _relation_note_items(rels: tuple[Relation, ...], source: str) -> list[tuple[str, str]]:
    notes: list[tuple[str, str]] = []
    for r in rels:
        natal = [m for m in r.members if not m.startswith(source)]
        if not natal:
            continue
        if r.kind is RelationKind.CLASH and "일지" in natal:
            notes.append((r.name, "일지(생활 터전·배우자 자리)가 흔들려 이사, 이직, 관계의 재정비 같은 변동이 생기기 쉽습니다."))
        elif r.kind is RelationKind.CLASH and "월지" in natal:
            notes.append((r.name, "월지(사회적 환경)가 움직여 직장과 활동 무대에 변화가 옵니다."))
        elif r.kind is RelationKind.CLASH and "년지" in natal:
            notes.append((r.name, "년지가 충을 받아 집안이나 윗세대와 관련된 일로 마음 쓸 일이 생길 수 있습니다."))
        elif r.kind is RelationKind.CLASH and "시지" in natal:
            notes.append((r.name, "시지가 충을 받아 자녀·후배, 장기 계획에 조정이 필요할 수 있습니다."))
        elif r.kind in (RelationKind.SIX_COMBINE, RelationKind.STEM_COMBINE) and ("일지" in natal or "일간" in natal):
            notes.append((r.name, "나 자신과 합하는 기운이라 새로운 인연이나 협력 제안이 들어오기 쉽습니다."))
        elif r.kind in (RelationKind.THREE_COMBINE, RelationKind.DIRECTIONAL) and r.element is not None:
            notes.append((r.name, f"원국과 손잡아 {ELEMENT_NAME[r.element]} 기운이 크게 일어납니다."))
        elif r.kind is RelationKind.PUNISHMENT:
            notes.append((r.name, "규칙·계약·건강 문제에서 마찰이 생길 수 있으니 서류와 몸을 꼼꼼히 챙기세요."))
        elif r.kind is RelationKind.WONJIN and "일지" in natal:
            notes.append((r.name, "가까운 사람과 이유 없는 서운함이 쌓이기 쉬우니 말을 아끼세요."))
    return notes


def _period_table(d: Daewoon) -> str:
    head = "| 대운 | 나이 | 시작 연도 | 천간 십신 | 지지 십신 | 12운성 |\n|---|---|---|---|---|---|"
    rows = []
    for i, p in enumerate(d.periods):
        mark = " ◀ 현재" if i == d.current_index else ""
        rows.append(
            f"| {p.info.pillar.hanja}({p.info.pillar.hangul}){mark} | {p.start_age}–{p.end_age}세 | {p.start_year} | "
            f"{p.info.stem_ten_god.value} | {p.info.branch_ten_god.value} | {p.info.stage.value} |"
        )
    return "\n".join([head, *rows])


def daewoon(a: Analysis) -> ReadingSection:
    d = a.daewoon
    if d is None:
        body = (
            f"{a.daewoon_unavailable} 대운은 성별과 태어난 해의 음양으로 순행·역행이 갈리기 때문에, "
            "성별 없이 추측하지 않습니다."
        )
        return ReadingSection("daewoon", "대운(10년 운)", body)
    convention = CONVENTION_TEXT[d.age_convention.value]
    intro = (
        f"대운은 {d.direction.value}하며, 출생부터 {d.jie_name}까지의 간격({d.offset.text})을 3일=1년으로 환산해 "
        f"대운수는 **{d.number}**입니다({convention} 기준, 정확한 환산 시작일 {d.exact_start.isoformat()})."
    )
    if d.approximate:
        intro += " 태어난 시간을 몰라 정오를 기준으로 계산했으므로 대운수가 1 정도 달라질 수 있습니다."
    parts = [intro]
    current = d.current
    if current is None:
        first = d.periods[0]
        parts.append(
            f"아직 첫 대운({first.info.pillar.hanja}, {first.start_age}세~) 이전으로, 지금은 월주의 기운이 삶을 이끄는 시기입니다."
        )
    else:
        info = current.info
        god = info.stem_ten_god
        parts.append(
            f"지금은 **{info.pillar.hanja}({info.pillar.hangul}) 대운**({current.start_age}–{current.end_age}세, "
            f"{current.start_year}년경 시작)입니다. 천간은 {god.value}, 지지는 {info.branch_ten_god.value}이고 "
            f"일간은 이 대운에서 {info.stage.value}의 자리에 섭니다. {DAEWOON_THEME[god]}"
        )
        parts.append(fit_sentence(a, info, "이 10년"))
        notes = _relation_notes(info.relations, "대운")
        if notes:
            parts.append("\n".join(f"- {n}" for n in notes))
        if current.ordinal < len(d.periods):
            nxt = d.periods[current.ordinal]
            parts.append(
                f"다음 대운은 {nxt.start_year}년경부터의 {nxt.info.pillar.hanja} 대운({nxt.info.stem_ten_god.value})으로, "
                + DAEWOON_THEME[nxt.info.stem_ten_god].split(".")[0]
                + "."
            )
    parts.append(_period_table(d))
    return ReadingSection("daewoon", "대운(10년 운)", "\n\n".join(parts))


def _month_label(m: MonthLuck) -> str:
    return f"{m.month_number}월({m.info.pillar.hanja}, {m.jie_name}부터)"


def sewoon(a: Analysis) -> ReadingSection:
    year = a.sewoon[0]
    info = year.info
    facts = (year.year, info.pillar, a.yongsin.yongsin)
    god = info.stem_ten_god
    parts = [
        pick(
            (
                f"{year.year}년은 {info.pillar.hanja}({info.pillar.hangul})년으로, 일간에게 천간은 {god.value}, 지지는 {info.branch_ten_god.value}입니다. {SEWOON_THEME[god]}",
                f"{year.year}년의 간지는 {info.pillar.hanja}입니다. 나에게는 {god.value}의 해이고 땅에서는 {info.branch_ten_god.value}의 기운이 올라옵니다. {SEWOON_THEME[god]}",
            ),
            *facts,
        ),
        fit_sentence(a, info, "올해"),
    ]
    notes = _relation_notes(info.relations, "세운")
    stars = [s.name for s in info.shinsal]
    if stars:
        notes.append(f"올해 들어오는 신살: {join_ko(stars)}. " + _star_note(stars))
    if info.in_gongmang:
        notes.append("올해 지지가 일주의 공망에 들어 기대한 만큼 채워지지 않는 일이 있을 수 있으니, 결과보다 과정에 의미를 두세요.")
    if notes:
        parts.append("\n".join(f"- {n}" for n in notes))
    good = [m for m in a.wolwoon if fit_to_yongsin(a, m.info) >= 2]
    hard = [m for m in a.wolwoon if any(r.kind is RelationKind.CLASH and "일지" in r.members for r in m.info.relations)]
    month_lines = []
    if good:
        month_lines.append("힘이 실리는 달: " + join_ko([_month_label(m) for m in good[:MAX_MONTHS]]) + ".")
    if hard:
        month_lines.append("일지와 충해 변동을 조심할 달: " + join_ko([_month_label(m) for m in hard[:MAX_MONTHS]]) + ".")
    if month_lines:
        parts.append(" ".join(month_lines))
    if len(a.sewoon) > 1:
        nxt = a.sewoon[1]
        parts.append(
            f"다음 해 {nxt.year}년({nxt.info.pillar.hanja})은 {nxt.info.stem_ten_god.value}의 해로, "
            + SEWOON_THEME[nxt.info.stem_ten_god].split(". ")[0].replace("올해는 ", "")
            + "."
        )
    return ReadingSection("sewoon", f"{year.year}년 세운", "\n\n".join(parts))


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
