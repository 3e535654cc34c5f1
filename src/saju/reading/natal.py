"""Reading sections about the natal chart: personality, elements, ten gods, relations, 신살.

Each builder reads only the analysis facts its section is about (declared in `dependencies.py`) and passes
exactly those facts to `pick`, so the wording of a section changes only when its own facts change. Each
section opens with a plain conclusion (no 명리 terms), then gives the 명리 reasons.
"""

from __future__ import annotations

from saju.analysis.balance import ELEMENTS
from saju.analysis.model import Analysis, PillarAnalysis
from saju.analysis.relations import RelationKind
from saju.analysis.stages import Stage
from saju.analysis.tengods import TenGod, TenGodGroup, group_element
from saju.analysis.yongsin import ElementRole
from saju.core import Branch
from saju.reading.model import ReadingSection, join_ko, josa, pick
from saju.reading.plain import PLAIN_ELEMENT, PLAIN_PERSON, plain_strength
from saju.reading.relate import grouped, kinds, labels, positions_text
from saju.reading.texts_elements import ELEMENT_NAME, EXCESS, LACK, REMEDY
from saju.reading.texts_personality import (
    DAY_MASTER,
    JONGGYEOK_LINES,
    SEASON_LINES,
    SEASONS,
    SEAT_LINES,
    SEAT_STAGE_LINES,
    STRENGTH_LINES,
)
from saju.reading.texts_tengods import (
    GROUP_MANY,
    GROUP_MEANING,
    GROUP_NONE,
    GYEOK,
    PATTERNS,
    POSITION_PAIR_MEANING,
    RELATION_MEANING,
    SHINSAL_TEXT,
)

MANY_THRESHOLD = 3
MAX_PATTERNS = 3
SEASON_OF_BRANCH: dict[Branch, int] = {
    Branch.IN: 0,
    Branch.MYO: 0,
    Branch.JIN: 0,
    Branch.SA: 1,
    Branch.O: 1,
    Branch.MI: 1,
    Branch.SHIN: 2,
    Branch.YU: 2,
    Branch.SUL: 2,
    Branch.HAE: 3,
    Branch.JA: 3,
    Branch.CHUK: 3,
}
SLOT_MEANING: dict[str, str] = {
    "년": "초년과 집안(년주)",
    "월": "사회생활과 부모·형제(월주)",
    "일": "자기 자신과 배우자 자리(일주)",
    "시": "자녀와 말년(시주)",
}
BINDING_KINDS = (RelationKind.SIX_COMBINE, RelationKind.HALF_COMBINE, RelationKind.STEM_COMBINE)
BINDING_NOTE = "육합·반합·천간합은 서로 묶는 힘으로만 보고, 오행을 바꾸어 세지는 않았습니다."


def stage_label(stage: Stage) -> str:
    return f"{stage.value}({stage.hanja})"


def day_pillar(a: Analysis) -> PillarAnalysis:
    found = a.pillar("일")
    if found is None:  # every chart has a day pillar
        raise ValueError("analysis without a day pillar")
    return found


def _month(a: Analysis) -> PillarAnalysis:
    found = a.pillar("월")
    if found is None:
        raise ValueError("analysis without a month pillar")
    return found


def season_index(a: Analysis) -> int:
    return SEASON_OF_BRANCH[_month(a).pillar.branch]


def strength_line(a: Analysis) -> str:
    st = a.strength
    return JONGGYEOK_LINES[st.leans_strong] if st.jonggyeok else STRENGTH_LINES[st.band]


def combination_lines(a: Analysis) -> list[str]:
    """How the 삼합/방합 of the chart entered the count, and the rule for the other 합 (said where a 합 is)."""
    lines = [
        f"원국의 {t.name}: {t.reason}"
        + (
            "."
            if not t.transformed
            else ". 이렇게 합화(合化)한 지지는 힘과 오행 비율에서도 그 오행으로 셉니다."
        )
        for t in a.combinations
    ]
    if any(r.kind in BINDING_KINDS for r in a.relations):
        lines.append(BINDING_NOTE)
    return lines


def personality(a: Analysis) -> ReadingSection:
    dm = a.day_master
    image, nature, gift, trap = DAY_MASTER[dm]
    day = day_pillar(a)
    season = season_index(a)
    st = a.strength
    facts = (
        dm,
        season,
        day.branch_ten_god,
        day.stage,
        st.band,
        st.jonggyeok,
        st.deukryeong,
        st.deukji,
        st.deukse,
    )
    opener = pick(
        (
            f"일간은 {dm.hangul}{dm.element.hangul}({dm.hanja}{dm.element.value}), {image}입니다.",
            f"타고난 본바탕인 일간은 {dm.hanja}{dm.element.value}({dm.hangul}{dm.element.hangul}) — {image}의 모습입니다.",
            f"이 사주의 주인공은 {dm.hangul}{dm.element.hangul}({dm.hanja}{dm.element.value}), 곧 {image}입니다.",
        ),
        *facts,
    )
    tests = [
        "월지에 뿌리를 두어 계절의 힘을 얻었고(득령)"
        if st.deukryeong
        else "태어난 달의 기운은 일간 편이 아니고(실령)"
    ]
    seat_particle = "도" if st.deukryeong else "는"
    tests.append(
        f"앉은 자리{seat_particle} 든든하며(득지)" if st.deukji else "앉은 자리의 도움은 적으며(실지)"
    )
    tests.append(
        "주변 글자의 응원도 받습니다(득세)." if st.deukse else "주변 글자들은 대체로 다른 일을 합니다(실세)."
    )
    strength = f"{' '.join(tests)} {strength_line(a)}"
    combined = combination_lines(a)
    if combined:
        strength += " " + " ".join(combined)
    body = [
        f"{opener} {nature}",
        f"{SEASONS[season]}에 태어났습니다. {SEASON_LINES[dm][season]}",
        f"{SEAT_LINES[day.branch_ten_god]} {SEAT_STAGE_LINES[day.stage]}",
        strength,
        pick(
            (
                f"가장 큰 장점은 {gift}이고, 조심할 점은 {trap}입니다.",
                f"{josa(gift, '은', '는')} 이 사람의 무기입니다. 다만 {josa(trap, '을', '를')} 기억해 두면 좋겠습니다.",
                f"살면서 {josa(gift, '이', '가')} 여러 번 길을 열어 줄 것입니다. 반대로 {trap}에서 어려움이 생기기 쉽습니다.",
            ),
            *facts,
        ),
    ]
    conclusion = f"{PLAIN_PERSON[dm]} {plain_strength(st)}"
    return ReadingSection("personality", "타고난 성품", conclusion, "\n\n".join(body))


def _element_table(a: Analysis) -> str:
    head = "| 오행 | 드러난 글자 수 | 가중 비율 |\n|---|---|---|"
    rows = [f"| {ELEMENT_NAME[e]} | {a.balance.count(e)} | {a.balance.share(e):.1f}% |" for e in ELEMENTS]
    return "\n".join([head, *rows])


def _roles_sentence(a: Analysis) -> str:
    ys = a.yongsin
    return (
        f"{josa(ELEMENT_NAME[ys.heesin], '은', '는')} 용신을 돕는 희신, {josa(ELEMENT_NAME[ys.gisin], '은', '는')} 용신을 누르는 기신, "
        f"{josa(ELEMENT_NAME[ys.gusin], '은', '는')} 기신을 돕는 구신, {josa(ELEMENT_NAME[ys.hansin], '은', '는')} 어느 쪽도 아닌 한신입니다."
    )


def elements(a: Analysis) -> ReadingSection:
    bal = a.balance
    ys = a.yongsin
    facts = (bal.counts, bal.shares, ys.yongsin, ys.heesin, ys.gisin, ys.basis, ys.johu_outcome)
    parts = [_element_table(a)]
    if any(t.transformed for t in a.combinations):
        parts[0] += "\n\n가중 비율은 합으로 변한 지지를 그 오행으로 센 값입니다."
    if bal.excess:
        parts.append(" ".join(EXCESS[e] for e in bal.excess))
    lacking = [e for e in ELEMENTS if (e in bal.absent or e in bal.weak) and e not in bal.excess]
    if lacking:
        parts.append(" ".join(LACK[e] for e in lacking))
    if not bal.excess and not lacking:
        parts.append(
            pick(
                (
                    "다섯 기운이 고르게 섞여 있어 어느 한쪽으로 크게 치우치지 않습니다. 큰 굴곡보다는 꾸준함으로 가는 구조입니다.",
                    "오행이 비교적 고르게 분포해 있습니다. 특정 기운에 기대기보다 상황마다 필요한 힘을 꺼내 쓰는 유연함이 장점입니다.",
                ),
                *facts,
            )
        )
    name = ELEMENT_NAME[ys.yongsin]
    yong = [f"**용신(用神)**은 {name}입니다({ys.basis.value}) — {ys.reason}.", _roles_sentence(a)]
    if ys.johu_note:
        yong.append(ys.johu_note)
    parts.append(" ".join(yong))
    parts.append(
        pick(
            (
                f"생활에서 {josa(name, '을', '를')} 채우는 방법: {REMEDY[ys.yongsin]}.",
                f"{name} 기운을 가까이하려면 {josa(REMEDY[ys.yongsin], '이', '가')} 도움이 됩니다.",
            ),
            *facts,
        )
    )
    conclusion = (
        f"가장 반가운 기운은 {PLAIN_ELEMENT[ys.yongsin]}이고, "
        f"{REMEDY[ys.yongsin]} 같은 것이 그 기운을 채워 줍니다."
    )
    return ReadingSection("elements", "오행의 균형과 용신", conclusion, "\n\n".join(parts))


def _visible_gods(a: Analysis) -> list[TenGod]:
    gods: list[TenGod] = []
    for p in a.pillars:
        if p.stem_ten_god is not None:
            gods.append(p.stem_ten_god)
        gods.append(p.branch_ten_god)
    return gods


# Patterns that praise a flow between groups are named only where those groups are not the chart's
# 기신/구신 (a 신강 chart whose 인성 is the 구신 is not told that 살인상생 lifts it); warnings always are.
_PATTERN_NEEDS: dict[str, tuple[TenGodGroup, ...]] = {
    "siksang_saengjae": (TenGodGroup.SIKSANG, TenGodGroup.JAESEONG),
    "gwanin_sangsaeng": (TenGodGroup.GWANSEONG, TenGodGroup.INSEONG),
    "salin_sangsaeng": (TenGodGroup.GWANSEONG, TenGodGroup.INSEONG),
    "jae_saeng_gwan": (TenGodGroup.JAESEONG, TenGodGroup.GWANSEONG),
    "siksin_jesal": (TenGodGroup.SIKSANG,),
}


def _group_role(a: Analysis, group: TenGodGroup) -> ElementRole:
    return a.yongsin.role(group_element(a.day_master, group))


def ten_god_patterns(a: Analysis) -> list[str]:
    """Keys of PATTERNS present in the chart and consistent with its 용신, in priority order."""
    gods = _visible_gods(a)
    group = a.group_count

    def has(g: TenGod) -> bool:
        return g in gods

    checks = (
        ("jaeda_sinyak", group(TenGodGroup.JAESEONG) >= MANY_THRESHOLD and a.strength.is_weak),
        (
            "gungeop_jaengjae",
            group(TenGodGroup.BIGEOP) >= MANY_THRESHOLD and group(TenGodGroup.JAESEONG) >= 1,
        ),
        ("sanggwan_gyeongwan", has(TenGod.SANGGWAN) and has(TenGod.JEONGGWAN)),
        ("siksin_jesal", has(TenGod.SIKSIN) and has(TenGod.PYEONGWAN)),
        ("salin_sangsaeng", has(TenGod.PYEONGWAN) and group(TenGodGroup.INSEONG) >= 1),
        ("gwanin_sangsaeng", has(TenGod.JEONGGWAN) and group(TenGodGroup.INSEONG) >= 1),
        ("siksang_saengjae", group(TenGodGroup.SIKSANG) >= 1 and group(TenGodGroup.JAESEONG) >= 1),
        ("jae_saeng_gwan", group(TenGodGroup.JAESEONG) >= 1 and group(TenGodGroup.GWANSEONG) >= 1),
        ("pyeonin_dosik", has(TenGod.PYEONIN) and has(TenGod.SIKSIN)),
    )
    found = [
        key
        for key, ok in checks
        if ok and not any(_group_role(a, g).unfavourable for g in _PATTERN_NEEDS.get(key, ()))
    ]
    return found[:MAX_PATTERNS]


def gyeok_of(a: Analysis) -> tuple[str, str]:
    return a.gyeokguk.name, GYEOK[a.gyeokguk.name]


def absence_text(a: Analysis, group: TenGodGroup) -> str:
    """An absent ten-god group: asserted (무X) only when all four pillars are known."""
    if a.has_hour:
        return GROUP_NONE[group]
    return f"세 기둥에는 {josa(group.value, '이', '가')} 보이지 않습니다. 다만 시주에 따라 채워질 수 있어, 없다고 단정하지는 않습니다."


def tengods(a: Analysis) -> ReadingSection:
    gyeok_name, gyeok_text = gyeok_of(a)
    patterns = ten_god_patterns(a)
    facts = (a.ten_god_counts, a.gyeokguk, tuple(patterns), a.has_hour)
    stems = [
        f"{p.label}간 {p.pillar.stem.hanja} {p.stem_ten_god.value}"
        for p in a.pillars
        if p.stem_ten_god is not None
    ]
    branches = [f"{p.label}지 {p.pillar.branch.hanja} {p.branch_ten_god.value}" for p in a.pillars]
    parts = [
        f"천간: {join_ko(stems)}. 지지(정기 기준): {join_ko(branches)}.",
        f"격국은 **{gyeok_name}**입니다. {a.gyeokguk.rule} {gyeok_text}",
    ]
    many = [g for g in TenGodGroup if a.group_count(g) >= MANY_THRESHOLD]
    none = [g for g in TenGodGroup if a.group_count(g) == 0]
    for g in many:
        parts.append(
            f"{GROUP_MEANING[g]}인 {josa(g.value, '이', '가')} {a.group_count(g)}개로 많습니다. {GROUP_MANY[g]}"
        )
    for g in none:
        parts.append(absence_text(a, g))
    if not many and not none:
        parts.append(
            pick(
                (
                    "다섯 무리의 십신이 모두 한두 개씩 있어, 한 가지 역할에 갇히지 않고 여러 역할을 오가는 다재다능한 구조입니다.",
                    "십신이 고르게 흩어져 있어 삶의 여러 영역을 두루 챙길 수 있습니다. 대신 선택과 집중이 성패를 가릅니다.",
                ),
                *facts,
            )
        )
    for key in patterns:
        name, meaning = PATTERNS[key]
        parts.append(f"**{name}**: {meaning}")
    conclusion = gyeok_text.split(". ")[0].rstrip(".") + "."
    return ReadingSection("tengods", "십신으로 본 삶의 구조", conclusion, "\n\n".join(parts))


def relation_lines(a: Analysis) -> list[str]:
    """One line per group of natal positions, naming every relation between them."""
    transformed = {t.chars: t for t in a.combinations}
    lines = []
    for positions, rels in grouped(a.relations):
        bases = sorted({m[0] for m in positions}, key="년월일시".index)
        context = POSITION_PAIR_MEANING[frozenset(bases)] if len(bases) == 2 else None
        sentences: list[str] = []
        for k in kinds(rels):
            meaning = RELATION_MEANING[k]
            if not sentences and context is not None:
                meaning = f"{context} 사이에 {meaning}"
            elif sentences and not k.harmonious and kinds(rels)[0].harmonious:
                meaning = "한편 " + meaning
            sentences.append(meaning + ".")
        for r in rels:
            t = transformed.get("".join(r.chars))
            if t is not None and r.kind in (RelationKind.THREE_COMBINE, RelationKind.DIRECTIONAL):
                sentences.append(f"{t.reason}.")
        lines.append(f"- **{labels(rels)}** ({positions_text(positions)}): {' '.join(sentences)}")
    return lines


def relations(a: Analysis) -> ReadingSection:
    empty_slots = [p.label for p in a.pillars if p.in_gongmang]
    facts = (tuple(r.name for r in a.relations), a.gongmang_day, tuple(empty_slots))
    parts: list[str] = []
    harmonious = sum(1 for r in a.relations if r.kind.harmonious)
    tense = len(a.relations) - harmonious
    if a.relations:
        if harmonious > tense:
            conclusion = "사람과 일을 엮어 내는 힘이 큰 편이지만, 정에 끌려 맺고 끊기가 어려울 수 있습니다."
            tone = "원국에 합이 충보다 많아 사람과 일을 엮어 내는 힘이 큽니다. 다만 정에 끌려 맺고 끊기가 어려울 수 있습니다."
        elif tense > harmonious:
            conclusion = "변화와 이동이 잦은 역동적인 삶으로, 부딪힘을 성장의 계기로 삼는 것이 관건입니다."
            tone = "원국에 충·형 같은 긴장이 합보다 많아 변화와 이동이 잦은 역동적인 삶입니다. 부딪힘을 성장의 계기로 삼는 것이 관건입니다."
        else:
            conclusion = "맺을 때와 끊을 때를 아는 균형 감각이 중요한 삶입니다."
            tone = "합과 충이 비슷하게 섞여 있어 맺을 때와 끊을 때를 아는 균형 감각이 중요합니다."
        parts.append(tone)
        parts.append("\n".join(relation_lines(a)))
    else:
        conclusion = "큰 부딪힘 없이 자기 속도로 가는 편이며, 변화는 주로 밖에서 들어오는 운에서 옵니다."
        parts.append(
            pick(
                (
                    "원국 안에 뚜렷한 합·충·형이 없습니다. 큰 풍파 없이 자기 속도로 가는 구조이며, 변화는 주로 대운과 세운에서 들어옵니다.",
                    "네 기둥 사이에 서로 묶거나 부딪히는 관계가 거의 없어 담백하고 독립적인 흐름입니다. 외부 운이 들어올 때 변화가 생깁니다.",
                ),
                *facts,
            )
        )
    gm = "".join(b.hanja for b in a.gongmang_day)
    if empty_slots:
        where = join_ko([SLOT_MEANING[s] for s in empty_slots])
        parts.append(
            f"일주 기준 공망은 {gm}이며, {where}에 공망이 들었습니다. 그 자리의 일은 기대만큼 채워지지 않는 허전함이 있을 수 있으나, "
            "물질보다 정신적인 가치로 채우면 오히려 자유로워집니다."
        )
    else:
        parts.append(f"일주 기준 공망은 {gm}이며, 원국의 다른 지지에는 공망이 들지 않았습니다.")
    return ReadingSection("relations", "합·충과 공망", conclusion, "\n\n".join(parts))


_STAR_CONCLUSION: tuple[tuple[str, str], ...] = (
    ("cheoneul", "어려울 때 손을 내밀어 주는 사람 복이 있습니다."),
    ("cheondeok", "큰 탈을 비껴가게 하는 보호의 기운이 있습니다."),
    ("woldeok", "베푼 만큼 돌아오는 덕이 있습니다."),
    ("munchang", "글과 공부에 총명함이 있습니다."),
    ("hakdang", "배움으로 삶을 끌어올리는 복이 있습니다."),
    ("dohwa", "사람을 끄는 매력과 인기가 있습니다."),
    ("hongyeom", "은근한 매력과 풍부한 감성이 있습니다."),
    ("yeokma", "움직일수록 기회가 열리는 활동력이 있습니다."),
    ("hwagae", "혼자 깊이 파고드는 예술적·정신적 재능이 있습니다."),
    ("goegang", "우두머리다운 카리스마가 있지만 고집은 조심해야 합니다."),
    ("yangin", "칼날 같은 강한 힘이 있어, 제대로 쓰면 무기가 되고 함부로 쓰면 다툼이 됩니다."),
    ("baekho", "강한 기운이 몰리는 자리가 있어 안전을 늘 먼저 챙겨야 합니다."),
    ("hyeonchim", "정밀하고 날카로운 감각이 있습니다."),
    ("gwimun", "예민한 감각과 영감이 있어 충분한 쉼이 필요합니다."),
)


def shinsal(a: Analysis) -> ReadingSection:
    hits = a.shinsal
    facts = tuple((h.key, h.slots) for h in hits)
    if not hits:
        body = pick(
            (
                "두드러진 신살이 없습니다. 신살은 양념일 뿐이니, 오히려 오행과 십신의 흐름이 그대로 드러나는 담백한 사주입니다.",
                "눈에 띄는 신살이 없는 편입니다. 특별한 변수보다 본인의 선택과 노력이 결과를 좌우하는 구조입니다.",
            ),
            *facts,
        )
        return ReadingSection(
            "shinsal", "신살", "특별한 변수보다 본인의 선택과 노력이 결과를 좌우합니다.", body
        )
    lines = []
    for h in hits:
        where = join_ko(list(h.slots))
        bases = {s[0] for s in h.slots if s[0] in SLOT_MEANING}
        area = join_ko([SLOT_MEANING[b] for b in "년월일시" if b in bases])
        lines.append(
            f"- **{h.rule.name}**({h.rule.nature.value}, {where}): {SHINSAL_TEXT[h.key]}"
            + (f" 자리로는 {area}에 해당합니다." if area else "")
        )
    good = sum(1 for h in hits if h.rule.nature.value == "길신")
    intro = (
        "귀인의 기운이 여럿 있어 어려울 때 손을 내밀어 주는 사람이 있습니다."
        if good >= 2
        else "신살은 사주의 양념과 같아 그 자체로 길흉을 정하지 않고, 오행과 십신의 흐름 위에서 색을 더합니다."
    )
    keys = {h.key for h in hits}
    conclusion = next(text for key, text in _STAR_CONCLUSION if key in keys)
    return ReadingSection("shinsal", "신살", conclusion, intro + "\n\n" + "\n".join(lines))
