"""The rule-based Korean 신년운세: 한눈에 보기, the year's theme, 재물·일·관계·건강, then the twelve months.

Every sentence is derived from the year's facts (`saju.yearly.facts`): the 세운's ten gods, its fit with the
용신 set, the relations it makes with named natal positions, its stars and 12운성, and each month's score
and relations — so two charts, or two years of one chart, read differently. Particles go through `josa`.
"""

from __future__ import annotations

from dataclasses import dataclass

from saju.analysis.relations import Relation, RelationKind
from saju.analysis.stages import Stage
from saju.analysis.tengods import TenGod, TenGodGroup
from saju.core import Element
from saju.korean import josa
from saju.reading.luck import luck_relation_lines
from saju.reading.model import join_ko, pick
from saju.reading.plain import PLAIN_ELEMENT, PLAIN_PERIOD, plain_fit
from saju.reading.texts_elements import ELEMENT_NAME, HEALTH_HABIT, ORGANS, REMEDY
from saju.reading.texts_luck import SEWOON_THEME
from saju.yearly.facts import MonthFortune, YearFortune

BEST_MONTHS = 2
GOOD_FROM = 60  # the "좋음" band of saju.yearly.facts.GRADES
FAIR_FROM = 45  # the "보통" band
# The plain gist of a month by the ten god of its stem: what the month is for.
MONTH_GIST: dict[TenGod, str] = {
    TenGod.BIGYEON: "내 뜻대로 밀고 가는 달",
    TenGod.GEOPJAE: "경쟁과 지출이 함께 커지는 달",
    TenGod.SIKSIN: "하는 만큼 결과가 보이는 달",
    TenGod.SANGGWAN: "말과 표현, 변화가 많은 달",
    TenGod.PYEONJAE: "돈과 사람의 움직임이 커지는 달",
    TenGod.JEONGJAE: "실속을 차곡차곡 챙기는 달",
    TenGod.PYEONGWAN: "책임과 압박이 커지는 달",
    TenGod.JEONGGWAN: "인정과 신뢰를 얻는 달",
    TenGod.PYEONIN: "생각을 정리하고 방향을 다시 잡는 달",
    TenGod.JEONGIN: "배움과 도움, 문서가 들어오는 달",
}
MONTH_WATCH: dict[TenGod, str] = {
    TenGod.BIGYEON: "돈을 빌려주거나 함께 투자하는 일은 미루세요.",
    TenGod.GEOPJAE: "충동구매와 승부욕에서 나오는 말다툼을 조심하세요.",
    TenGod.SIKSIN: "먹고 즐기는 일이 과해져 몸이 무거워지지 않게 하세요.",
    TenGod.SANGGWAN: "윗사람 앞에서의 말실수와 계약서의 조건을 한 번 더 살피세요.",
    TenGod.PYEONJAE: "크게 벌이기 전에 들어올 돈과 나갈 돈을 숫자로 적어 보세요.",
    TenGod.JEONGJAE: "작은 돈을 아끼다 큰 기회를 놓치지 않게 하세요.",
    TenGod.PYEONGWAN: "과로와 무리한 일정을 줄이고 잠을 먼저 챙기세요.",
    TenGod.JEONGGWAN: "원칙을 지키되 융통성이 없다는 말을 듣지 않게 하세요.",
    TenGod.PYEONIN: "결정을 서두르지 말고 혼자 끙끙 앓지 마세요.",
    TenGod.JEONGIN: "도움에 기대기만 하다 실행이 늦어지지 않게 하세요.",
}
CLASH_WATCH = "일지와 부딪히는 달이라 이사·이직·관계의 변동이 생기기 쉬우니 큰 결정은 한 번 더 따져 보세요."
MONTH_CLASH_WATCH = "월지와 부딪히는 달이라 일터와 활동 무대에 변화가 생기기 쉽습니다."
PUNISH_WATCH = "형이 걸리는 달이라 서류·규칙·건강에서 마찰이 생기기 쉬우니 꼼꼼히 챙기세요."
WEALTH_BY_GROUP: dict[TenGodGroup, str] = {
    TenGodGroup.JAESEONG: "재물의 별이 직접 들어오는 해라 돈이 오가는 일이 많아집니다",
    TenGodGroup.SIKSANG: "재능과 기술이 돈으로 이어지는 해라 부업이나 새 수입원을 만들어 보기 좋습니다",
    TenGodGroup.BIGEOP: "나와 같은 기운이 들어와 돈을 나눠 가지는 해라 동업과 돈 거래, 보증은 피하는 것이 좋습니다",
    TenGodGroup.GWANSEONG: "직장과 자리에서 재물이 오는 해라 큰 투자보다 안정된 수입을 지키는 편이 낫습니다",
    TenGodGroup.INSEONG: "문서와 자격이 재물로 이어지는 해라 계약·부동산 서류를 챙기기 좋고, 현금 흐름은 느린 편입니다",
}
WORK_BY_GOD: dict[TenGod, str] = {
    TenGod.BIGYEON: "스스로 판단하고 움직이는 일에 힘이 실립니다. 독립이나 내 이름을 건 일을 준비하기 좋습니다.",
    TenGod.GEOPJAE: "경쟁자가 늘고 성과를 다투는 일이 많아집니다. 실력을 보여 주되 팀과 공을 나누세요.",
    TenGod.SIKSIN: "결과물이 쌓이는 해입니다. 꾸준히 만들고 가르치는 일이 평가로 돌아옵니다.",
    TenGod.SANGGWAN: "틀을 바꾸고 싶은 마음이 커집니다. 이직·창작·새 프로젝트에는 좋지만 윗사람과의 마찰은 조심하세요.",
    TenGod.PYEONJAE: "일의 판이 커지고 바깥 활동이 늘어납니다. 영업·사업 확장에 기회가 있습니다.",
    TenGod.JEONGJAE: "맡은 일을 성실히 해내는 만큼 보상이 따릅니다. 업무의 틀을 정비하기 좋습니다.",
    TenGod.PYEONGWAN: "어렵고 무거운 일이 맡겨집니다. 피하지 않고 해내면 한 단계 올라서지만 과로는 금물입니다.",
    TenGod.JEONGGWAN: "승진·합격·인정처럼 자리가 따르는 해입니다. 원칙을 지키며 맡은 일을 끝까지 해내세요.",
    TenGod.PYEONIN: "방향을 다시 묻게 되는 해입니다. 새로운 분야의 공부나 기술을 익혀 전환을 준비하기 좋습니다.",
    TenGod.JEONGIN: "배움과 자격, 윗사람의 후원이 일을 돕습니다. 시험과 문서 업무에 유리합니다.",
}
STAGE_HEALTH: dict[Stage, str] = {
    Stage.JANGSAENG: "기운이 새로 차오르는 해",
    Stage.MOKYOK: "기운이 들뜨기 쉬운 해",
    Stage.GWANDAE: "기운이 힘차게 오르는 해",
    Stage.GEONROK: "몸과 마음이 단단한 해",
    Stage.JEWANG: "기운이 가장 왕성한 해",
    Stage.SWOE: "기운이 한풀 꺾이기 시작하는 해",
    Stage.BYEONG: "기력이 떨어지기 쉬운 해",
    Stage.SA: "기력을 아껴 써야 하는 해",
    Stage.MYO: "몸이 무겁고 쉬고 싶어지는 해",
    Stage.JEOL: "리듬이 끊기기 쉬운 해",
    Stage.TAE: "새 기운이 자리 잡는 해",
    Stage.YANG: "기운을 기르는 해",
}


@dataclass(frozen=True, slots=True)
class Paragraph:
    key: str  # "theme", "wealth", "work", "relations", "health"
    title: str  # Korean
    text: str  # Korean, plain sentences (no Markdown)


@dataclass(frozen=True, slots=True)
class MonthReading:
    number: int
    title: str  # "인월(寅月) 2월 4일 10:46 ~ 3월 6일 04:39"
    judgement: str  # one plain sentence: the month's gist and grade
    watch: str  # what to mind
    relations: tuple[str, ...]  # one line per group of positions the month touches


@dataclass(frozen=True, slots=True)
class YearReading:
    year: int
    glance: tuple[str, ...]  # 한눈에 보기: 3–5 plain sentences
    paragraphs: tuple[Paragraph, ...]
    months: tuple[MonthReading, ...]


def kst_span(m: MonthFortune) -> str:
    """ "2월 4일 10:46 ~ 3월 6일 04:39" (the year shown when it changes)."""
    start, end = m.start, m.end
    first = f"{start.month}월 {start.day}일 {start:%H:%M}"
    last = f"{end.month}월 {end.day}일 {end:%H:%M}"
    if end.year != start.year:
        last = f"{end.year}년 " + last
    return f"{first} ~ {last}"


def month_title(m: MonthFortune) -> str:
    b = m.pillar.branch
    return f"{b.hangul}월({b.hanja}月) {m.jie_name}부터"


def _has(rels: tuple[Relation, ...], kind: RelationKind, position: str) -> bool:
    return any(r.kind is kind and position in r.members for r in rels)


def _month_judgement(gist: str, value: int, grade: str) -> str:
    """The month's gist and its score as one judgement: the connective follows the score."""
    if value >= GOOD_FROM:
        return f"{gist}이고, 흐름도 나를 돕습니다(점수 {value}점, {grade})."
    if value >= FAIR_FROM:
        return f"{gist}이며, 흐름은 무난합니다(점수 {value}점, {grade})."
    return f"{gist}이지만, 기운이 나를 돕지 않아 무리하지 않는 편이 좋습니다(점수 {value}점, {grade})."


def _month_reading(m: MonthFortune) -> MonthReading:
    god = m.info.stem_ten_god
    rels = m.info.relations
    judgement = _month_judgement(MONTH_GIST[god], m.score.value, m.score.grade)
    if _has(rels, RelationKind.CLASH, "일지"):
        watch = CLASH_WATCH
    elif _has(rels, RelationKind.CLASH, "월지"):
        watch = MONTH_CLASH_WATCH
    elif _has(rels, RelationKind.PUNISHMENT, "일지"):
        watch = PUNISH_WATCH
    else:
        watch = MONTH_WATCH[god]
    lines = tuple(line.removeprefix("- ").replace("**", "") for line in luck_relation_lines(rels, "월운"))
    return MonthReading(m.number, month_title(m), judgement, watch, lines)


def _month_names(months: list[MonthFortune]) -> str:
    return join_ko([f"{m.start.month}월 {m.start.day}일부터의 한 달" for m in months])


def _glance(f: YearFortune) -> tuple[str, ...]:
    god = f.info.stem_ten_god
    ranked = sorted(f.months, key=lambda m: (-m.score.value, m.number))
    best = sorted(ranked[:BEST_MONTHS], key=lambda m: m.number)
    worst = sorted(ranked[-BEST_MONTHS:], key=lambda m: m.number)
    out = [
        f"{f.year}년은 {PLAIN_PERIOD[god]}입니다.",
        f"한 해 점수는 {f.score.value}점({f.score.grade})으로, {plain_fit(f.fit.score)}.",
        f"힘이 실리는 때는 {_month_names(best)}이고, 조심할 때는 {_month_names(worst)}입니다.",
    ]
    change = f.daewoon_change
    if change is not None:
        out.append(
            f"{change.day.month}월 {change.day.day}일부터 10년 단위의 큰 흐름이 바뀌니, 그 전후로 생활을 한번 점검해 보세요."
        )
    yong = f.analysis.yongsin.yongsin
    out.append(f"나를 돕는 것은 {PLAIN_ELEMENT[yong]}이니 {josa(REMEDY[yong], '을', '를')} 가까이하세요.")
    return tuple(out)


def _theme(f: YearFortune) -> Paragraph:
    info = f.info
    p = info.pillar
    named = f"{p.hanja}({p.hangul})"
    facts = (f.year, p, f.analysis.day_master)
    parts = [
        pick(
            (
                f"{f.year}년은 {josa(named + '년', '으로', '로')}, 일간에게 천간은 {info.stem_ten_god.value}, 지지는 {info.branch_ten_god.value}입니다.",
                f"{f.year}년의 간지는 {named}입니다. 나에게는 {info.stem_ten_god.value}의 해이고 땅에서는 {info.branch_ten_god.value}의 기운이 올라옵니다.",
            ),
            *facts,
        ),
        SEWOON_THEME[info.stem_ten_god],
        _fit_text(f),
        f"12운성으로는 {info.stage.value}({info.stage.hanja})에 해당해 {STAGE_HEALTH[info.stage]}입니다.",
    ]
    stars = [s.name for s in info.shinsal]
    if stars:
        parts.append(f"이 해에 들어오는 신살은 {join_ko(stars)}입니다.")
    if f.daewoon is not None:
        d = f.daewoon.info
        parts.append(
            f"바탕에 깔린 대운은 {d.pillar.hanja}({d.pillar.hangul}), {d.stem_ten_god.value}의 10년입니다."
        )
    change = f.daewoon_change
    if change is not None:
        new = change.after.info.pillar
        parts.append(
            f"{change.day.year}년 {change.day.month}월 {change.day.day}일에 대운이 "
            f"{josa(f'{new.hanja}({new.hangul})', '으로', '로')} 바뀝니다."
        )
    elif f.daewoon_unavailable is not None:
        parts.append(f.daewoon_unavailable)
    return Paragraph("theme", f"{f.year}년의 주제", " ".join(parts))


def _fit_text(f: YearFortune) -> str:
    fit = f.fit
    if fit.stem is fit.branch:
        roles = f"천간과 지지 모두 {fit.stem.label}, 곧 {fit.stem_role.value}입니다."
    else:
        roles = (
            f"천간의 {josa(fit.stem.label, '은', '는')} {fit.stem_role.value}, "
            f"지지의 {josa(fit.branch.label, '은', '는')} {fit.branch_role.value}입니다."
        )
    return f"용신과 견주면 {roles}"


def _wealth(f: YearFortune) -> Paragraph:
    info = f.info
    parts = [WEALTH_BY_GROUP[info.stem_ten_god.group] + "."]
    if info.branch_ten_god.group is not info.stem_ten_god.group:
        parts.append(
            f"지지의 {info.branch_ten_god.value}까지 보면 " + WEALTH_BY_GROUP[info.branch_ten_god.group] + "."
        )
    if f.fit.score > 0:
        parts.append("기운이 나를 돕는 쪽이라 준비해 둔 기회를 실제 수입으로 바꾸기 좋습니다.")
    elif f.fit.score < 0:
        parts.append("기운이 나를 돕지 않는 쪽이라 버는 것보다 지키는 계획을 먼저 세우세요.")
    money = [m for m in f.months if m.info.stem_ten_god.group is TenGodGroup.JAESEONG and m.score.value >= 60]
    if money:
        parts.append(f"돈의 흐름이 좋은 때는 {_month_names(money[:BEST_MONTHS])}입니다.")
    return Paragraph("wealth", "재물", " ".join(parts))


def _work(f: YearFortune) -> Paragraph:
    info = f.info
    parts = [WORK_BY_GOD[info.stem_ten_god]]
    if _has(info.relations, RelationKind.CLASH, "월지"):
        parts.append("세운이 월지와 충해 부서 이동, 이직, 활동 무대의 변화가 생기기 쉽습니다.")
    if any(s.name == "역마살" for s in info.shinsal):
        parts.append("역마가 들어 출장·이동·해외 관련 일이 늘어납니다.")
    if any(s.name == "문창귀인" for s in info.shinsal):
        parts.append("문창이 들어 시험과 글, 발표에 유리합니다.")
    return Paragraph("work", "일", " ".join(parts))


def _relations(f: YearFortune) -> Paragraph:
    info = f.info
    rels = info.relations
    parts: list[str] = []
    if _has(rels, RelationKind.SIX_COMBINE, "일지") or _has(rels, RelationKind.STEM_COMBINE, "일간"):
        parts.append("세운이 나 자신(일주)과 합해 새로운 인연과 협력 제안이 들어오기 쉽습니다.")
    if _has(rels, RelationKind.CLASH, "일지"):
        parts.append(
            "세운이 일지와 충해 가까운 관계를 다시 정리하게 되는 해입니다. 서운함은 쌓아 두지 말고 그때그때 풀어 주세요."
        )
    if _has(rels, RelationKind.WONJIN, "일지"):
        parts.append("일지와 원진이 걸려 가까운 사람과 이유 없이 예민해지기 쉬우니 말을 아끼세요.")
    male = f.male
    partner = TenGodGroup.JAESEONG if male else TenGodGroup.GWANSEONG
    if male is not None and partner in (info.stem_ten_god.group, info.branch_ten_god.group):
        parts.append(
            f"{'남성' if male else '여성'}에게 배우자·연인의 별인 {partner.value}이 들어오는 해라 연애와 결혼 인연이 움직입니다."
        )
    if any(s.name in ("도화살", "홍염살") for s in info.shinsal):
        parts.append("도화의 기운이 있어 사람들의 시선이 모이고 인기가 오릅니다.")
    group = info.stem_ten_god.group
    if group is TenGodGroup.BIGEOP:
        parts.append("친구·동료와 어울릴 일이 많지만 경쟁과 돈 문제로 서운해지기 쉬우니 선을 분명히 하세요.")
    elif group is TenGodGroup.INSEONG:
        parts.append("윗사람과 어른의 도움을 받기 좋은 해이니 먼저 조언을 구해 보세요.")
    if not parts:
        parts.append(
            "관계에 큰 파도는 없는 해입니다. 오래 연락하지 못한 사람을 먼저 챙기면 좋은 인연이 이어집니다."
        )
    return Paragraph("relations", "관계", " ".join(parts))


def _health(f: YearFortune) -> Paragraph:
    info = f.info
    a = f.analysis
    parts = [f"몸의 흐름으로 보면 {STAGE_HEALTH[info.stage]}입니다."]
    heavy: Element | None = None
    if f.fit.branch_role.unfavourable:
        heavy = f.fit.branch
    elif f.fit.stem_role.unfavourable:
        heavy = f.fit.stem
    if heavy is not None:
        parts.append(
            f"올해는 {josa(ELEMENT_NAME[heavy], '이', '가')} 부담이 되는 쪽으로 들어와 {ORGANS[heavy]} 쪽에 무리가 가기 쉽습니다. {HEALTH_HABIT[heavy]}"
        )
    weakest = a.balance.weakest
    if weakest is not heavy:
        parts.append(
            f"타고난 오행 중 가장 약한 {ELEMENT_NAME[weakest]} 쪽({ORGANS[weakest]})도 꾸준히 돌보세요."
        )
    if _has(info.relations, RelationKind.CLASH, "일지") or _has(
        info.relations, RelationKind.PUNISHMENT, "일지"
    ):
        parts.append("일지가 부딪히는 해라 운전과 운동 중 다치지 않게 조심하고, 미뤄 둔 검진을 받아 두세요.")
    if any(s.name in ("양인살", "백호살") for s in info.shinsal):
        parts.append("날카로운 기운이 드는 해라 칼·기계·운전에서 안전을 먼저 챙기세요.")
    return Paragraph("health", "건강", " ".join(parts))


def year_reading(f: YearFortune) -> YearReading:
    """The rule-based Korean reading of the year's facts."""
    return YearReading(
        year=f.year,
        glance=_glance(f),
        paragraphs=(_theme(f), _wealth(f), _work(f), _relations(f), _health(f)),
        months=tuple(_month_reading(m) for m in f.months),
    )
