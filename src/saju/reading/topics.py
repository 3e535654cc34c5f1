"""Short topic sections: career, love, wealth, health, study."""

from __future__ import annotations

from saju.analysis.model import Analysis
from saju.analysis.relations import RelationKind
from saju.analysis.tengods import TenGod, TenGodGroup, group_element
from saju.core import Element
from saju.reading.model import ReadingSection, join_ko, josa, pick
from saju.reading.natal import MANY_THRESHOLD, day_pillar, gyeok_of, season_index, ten_god_patterns
from saju.reading.plain import PLAIN_ELEMENT
from saju.reading.relate import relation_label
from saju.reading.texts_elements import ELEMENT_NAME, HEALTH_HABIT, ORGANS

ADULT_AGE = 20  # 세는 나이: below it the topics are read as tendencies to nurture, not present events


def is_minor(a: Analysis) -> bool:
    return a.sewoon[0].age < ADULT_AGE


FIELDS_BY_GROUP: dict[TenGodGroup, str] = {
    TenGodGroup.BIGEOP: "독립 사업, 프리랜서, 스포츠, 팀 단위 영업처럼 내 이름으로 뛰는 일",
    TenGodGroup.SIKSANG: "강의·교육, 콘텐츠 제작, 디자인, 요리, 기획처럼 재능을 밖으로 꺼내는 일",
    TenGodGroup.JAESEONG: "사업, 금융, 유통·무역, 부동산처럼 돈의 흐름을 직접 다루는 일",
    TenGodGroup.GWANSEONG: "공직, 대기업, 법·행정, 군경처럼 조직과 규율 속에서 책임을 맡는 일",
    TenGodGroup.INSEONG: "연구, 교육, 의료·상담, 출판, 자격 기반 전문직처럼 지식과 돌봄을 쓰는 일",
}
FIELDS_BY_ELEMENT: dict[Element, str] = {
    Element.WOOD: "교육, 출판, 의류·섬유, 조경, 복지",
    Element.FIRE: "방송·미디어, 정보통신·전자, 에너지, 미용, 광고",
    Element.EARTH: "부동산, 건설, 농업·식품, 중개, 컨설팅",
    Element.METAL: "금융, 기계·자동차, 법조, 의료기기, 보안",
    Element.WATER: "무역, 물류, 여행, 수산·음료, 연구·분석",
}
CAREER_STARS: dict[str, str] = {
    "yeokma": "역마가 있어 한자리에 머무는 일보다 이동과 현장이 많은 일에서 능력이 삽니다.",
    "hyeonchim": "현침이 있어 정밀한 손기술, 의료, 분석처럼 날카로운 집중이 필요한 일과 잘 맞습니다.",
    "yangin": "양인의 강한 기운은 전문 기술, 외과·군경·운동처럼 힘을 제대로 쓰는 분야에서 무기가 됩니다.",
    "goegang": "괴강의 카리스마로 조직의 우두머리나 결단이 필요한 자리에서 두각을 나타냅니다.",
    "hwagae": "화개가 있어 예술, 종교, 철학, 연구처럼 깊이 파고드는 일에서 만족을 얻습니다.",
    "munchang": "문창이 있어 글, 시험, 문서를 다루는 일에서 재능이 드러납니다.",
}


def _dominant_group(a: Analysis) -> TenGodGroup:
    groups = tuple(TenGodGroup)
    return max(groups, key=lambda g: (a.group_count(g), a.strength.group_weight(g), -groups.index(g)))


def career(a: Analysis) -> ReadingSection:
    gyeok_name, _ = gyeok_of(a)
    dominant = _dominant_group(a)
    yong = a.yongsin.yongsin
    dominant_role = a.yongsin.role(group_element(a.day_master, dominant))
    stars = [h.key for h in a.shinsal if h.key in CAREER_STARS]
    facts = (gyeok_name, dominant, yong, tuple(stars), a.strength.band, dominant_role)
    style = (
        "스스로 판을 짜고 책임지는 자리, 독립적인 권한이 있는 역할"
        if a.strength.is_strong
        else "좋은 조직과 동료의 힘을 빌려 전문성을 쌓는 역할"
        if a.strength.is_weak
        else "조직 안에서 자기 영역을 확보하고 필요할 때 독립하는 유연한 길"
    )
    parts = [
        pick(
            (
                f"{gyeok_name}에 {dominant.value}의 힘이 두드러지니, {FIELDS_BY_GROUP[dominant]}에 적성이 있습니다.",
                f"직업의 바탕은 {gyeok_name}이고 원국에서 가장 큰 목소리를 내는 것은 {dominant.value}입니다. {FIELDS_BY_GROUP[dominant]}이 잘 맞습니다.",
            ),
            *facts,
        ),
        f"일하는 방식으로는 {style}이 어울립니다. 업종을 고를 때는 용신 {ELEMENT_NAME[yong]}의 분야({FIELDS_BY_ELEMENT[yong]})가 오래 힘이 됩니다.",
    ]
    if dominant_role.unfavourable:
        parts.append(
            f"다만 {josa(dominant.value, '은', '는')} 이 사주에서 이미 넘치는 쪽({dominant_role.value})이라, 그 재능만 밀기보다 "
            "용신의 분야와 섞을 때 오래 갑니다."
        )
    parts.extend(CAREER_STARS[k] for k in dict.fromkeys(stars))
    if is_minor(a):
        parts.insert(
            0,
            "아직 진로를 정하기 전의 나이이니, 아래 내용은 직업을 못 박기보다 재능을 키울 방향의 참고로 읽어 주세요.",
        )
    conclusion = f"{FIELDS_BY_GROUP[dominant]}에 재능이 있고, {PLAIN_ELEMENT[yong]}의 분야({FIELDS_BY_ELEMENT[yong]})가 오래 힘이 됩니다."
    return ReadingSection("career", "직업과 일", conclusion, " ".join(parts))


_BINDS = (RelationKind.SIX_COMBINE, RelationKind.HALF_COMBINE)


def love(a: Analysis, male: bool | None) -> ReadingSection:
    spouse_palace = day_pillar(a).branch_ten_god
    palace_rel = [r for r in a.relations if "일지" in r.members and len(r.members) == 2]
    stars = [h.rule.name for h in a.shinsal if h.key in ("dohwa", "hongyeom")]
    facts = (male, a.ten_god_counts, spouse_palace, tuple(r.name for r in palace_rel), tuple(stars))
    parts: list[str] = []
    if is_minor(a):
        parts.append(
            "아직 어린 나이라 지금의 연애운이 아니라, 앞으로 사람과 정을 나누는 방식의 밑그림으로 읽어 주세요."
        )
    if male is None:
        parts.append(
            "성별 정보가 없어 배우자 별(남성은 재성, 여성은 관성)은 보지 않고 배우자 자리(일지)를 중심으로 읽습니다."
        )
    else:
        group = TenGodGroup.JAESEONG if male else TenGodGroup.GWANSEONG
        main, other = (TenGod.JEONGJAE, TenGod.PYEONJAE) if male else (TenGod.JEONGGWAN, TenGod.PYEONGWAN)
        n_main, n_other = a.ten_god_count(main), a.ten_god_count(other)
        star = f"{'남성' if male else '여성'}에게 배우자를 뜻하는 {group.value}"
        if n_main + n_other == 0 and not a.has_hour:
            parts.append(
                f"{josa(star, '이', '가')} 세 기둥에는 보이지 않지만 시주에 있을 수 있어, 인연의 많고 적음은 단정하지 않습니다. "
                "대운·세운에서 배우자 별이 들어오는 해를 눈여겨보세요."
            )
        elif n_main + n_other == 0:
            parts.append(
                f"{josa(star, '이', '가')} 원국에 드러나지 않습니다. 인연이 늦게 오거나 스스로 찾아 나서야 만나는 구조이니, "
                "대운·세운에서 배우자 별이 들어오는 해를 눈여겨보세요."
            )
        elif n_main >= 1 and n_other >= 1:
            parts.append(
                f"{star} 중 {josa(main.value, '과', '와')} {josa(other.value, '이', '가')} 함께 있어 인연의 폭이 넓습니다. "
                "선택지가 많은 만큼 한 사람에게 마음을 정하는 데 시간이 걸릴 수 있습니다."
            )
        elif n_main + n_other >= MANY_THRESHOLD:
            parts.append(
                f"{josa(star, '이', '가')} 많아 이성의 관심을 많이 받습니다. 관계의 경계를 분명히 하는 것이 평온의 열쇠입니다."
            )
        elif n_main:
            parts.append(
                f"{star} 중 {josa(main.value, '이', '가')} 자리 잡고 있어, 안정적이고 책임감 있는 관계를 원합니다."
            )
        else:
            parts.append(
                f"{star} 중 {josa(other.value, '이', '가')} 있어, 설렘과 자유로움이 있는 관계에 끌리는 편입니다."
            )
    parts.append(
        pick(
            (
                f"배우자 자리(일지)에는 {josa(spouse_palace.value, '이', '가')} 있습니다.",
                f"일지, 곧 배우자 궁의 십신은 {spouse_palace.value}입니다.",
            ),
            *facts,
        )
        + " "
        + _PALACE[spouse_palace]
    )
    by_kind: dict[str, list[str]] = {}
    for r in palace_rel:
        kind = (
            "clash"
            if r.kind is RelationKind.CLASH
            else "bind"
            if r.kind in _BINDS
            else "wonjin"
            if r.kind is RelationKind.WONJIN
            else ""
        )
        if kind:
            by_kind.setdefault(kind, []).append(relation_label(r))
    for kind, names in by_kind.items():
        label = "·".join(names)
        parts.append(
            {
                "clash": f"일지가 {josa(label, '을', '를')} 이루어 함께 사는 공간과 생활 리듬에서 부딪힘이 생기기 쉬우니, 각자의 시간을 존중하는 약속이 필요합니다.",
                "bind": f"일지가 {josa(label, '으로', '로')} 묶여 있어 정이 깊고 한번 맺은 인연을 오래 지킵니다.",
                "wonjin": f"일지에 {josa(label, '이', '가')} 있어 가까울수록 서운함이 쌓이기 쉬우니, 감정을 미루지 말고 그때그때 나누세요.",
            }[kind]
        )
    if stars:
        parts.append(f"{join_ko(stars)}의 매력이 있어 사람을 끄는 힘이 있습니다.")
    conclusion = (
        "앞으로 사람과 정을 나누는 방식의 밑그림을 봅니다: " + _PALACE[spouse_palace]
        if is_minor(a)
        else _PALACE[spouse_palace]
    )
    return ReadingSection("love", "연애와 결혼", conclusion, " ".join(parts))


_PALACE: dict[TenGod, str] = {
    TenGod.BIGYEON: "친구 같은 동반자를 원하고, 서로의 영역을 존중할 때 관계가 편안합니다.",
    TenGod.GEOPJAE: "배우자와 경쟁하듯 자존심을 세우기 쉬우니 재정은 투명하게 함께 관리하세요.",
    TenGod.SIKSIN: "함께 먹고 웃는 소소한 즐거움이 관계를 지탱합니다.",
    TenGod.SANGGWAN: "말로 마음을 표현하는 데 능하지만, 날카로운 한마디가 상처가 되지 않게 조심하세요.",
    TenGod.PYEONJAE: "활동적이고 다정하지만 밖으로 도는 시간이 많아질 수 있으니 함께하는 시간을 의식적으로 만드세요.",
    TenGod.JEONGJAE: "성실하고 현실적인 배우자 운으로, 살림과 재정을 차곡차곡 함께 쌓아 갑니다.",
    TenGod.PYEONGWAN: "강한 카리스마의 상대에게 끌리기 쉬운데, 관계에서 주도권 다툼이 생기지 않게 대화가 필요합니다.",
    TenGod.JEONGGWAN: "반듯하고 믿음직한 상대를 만나기 쉽고, 서로에게 예의를 지키는 관계가 오래갑니다.",
    TenGod.PYEONIN: "혼자만의 시간이 꼭 필요한 사람이니, 그것을 이해해 주는 상대와 잘 맞습니다.",
    TenGod.JEONGIN: "보살핌을 주고받는 따뜻한 관계를 원하고, 배우자에게서 정서적인 안정을 얻습니다.",
}


def wealth(a: Analysis) -> ReadingSection:
    jae = a.group_count(TenGodGroup.JAESEONG)
    patterns = ten_god_patterns(a)
    facts = (
        jae,
        a.ten_god_count(TenGod.JEONGJAE),
        a.ten_god_count(TenGod.PYEONJAE),
        a.strength.band,
        tuple(patterns),
        a.has_hour,
    )
    parts: list[str] = []
    if jae == 0 and not a.has_hour:
        conclusion = "돈이 들어오는 길은 태어난 시간에 따라 달라질 수 있어, 들어온 돈을 먼저 떼어 두는 습관이 가장 확실한 방법입니다."
        parts.append(
            "세 기둥에는 재성이 보이지 않지만 시주에 있을 수 있어 재물의 많고 적음은 단정하지 않습니다. "
            "수입이 들어오면 자동이체로 먼저 떼어 두는 방식이 어느 쪽이든 잘 맞습니다."
        )
    elif jae == 0:
        conclusion = "돈을 좇기보다 실력과 명분을 좇을 때 재물이 따라오는 편입니다."
        parts.append(
            "재성이 드러나지 않아 돈을 좇기보다 실력과 명분을 좇을 때 재물이 따라오는 구조입니다. "
            "수입이 들어오면 자동이체로 먼저 떼어 두는 방식이 잘 맞습니다."
        )
    elif a.ten_god_count(TenGod.JEONGJAE) >= a.ten_god_count(TenGod.PYEONJAE):
        conclusion = "꾸준히 들어오는 돈을 차곡차곡 모으는 데 강합니다."
        parts.append(
            "정재가 중심이라 월급, 임대료처럼 꾸준히 들어오는 돈을 차곡차곡 모으는 데 강합니다. 큰 한 방보다 복리의 힘을 믿으세요."
        )
    else:
        conclusion = "크게 오가는 돈에 감이 있지만, 번 만큼 나가기도 쉬워 한도를 정해 두어야 합니다."
        parts.append(
            "편재가 중심이라 사업, 투자, 부수입처럼 크게 오가는 돈에 감이 있습니다. 번 만큼 나가기도 쉬우니 손실 한도를 미리 정해 두세요."
        )
    if "siksang_saengjae" in patterns:
        parts.append("식상생재의 흐름이 있어 기술과 재능을 상품으로 만들 때 수입이 커집니다.")
    if "gungeop_jaengjae" in patterns:
        parts.append("비겁이 많아 돈을 빌려주거나 함께 투자하면 잃기 쉽습니다. 보증은 피하세요.")
    if "jaeda_sinyak" in patterns:
        parts.append("재물의 기회는 많지만 감당할 힘이 부족할 수 있으니, 규모를 줄이고 확실한 것만 잡으세요.")
    elif jae and a.strength.is_strong:
        parts.append(
            pick(
                (
                    "일간이 힘이 있어 재물을 감당하는 그릇이 큽니다. 기회가 오면 과감히 잡아도 좋습니다.",
                    "몸과 마음의 힘이 받쳐 주니, 재물의 기회를 실제 결과로 바꾸는 힘이 있습니다.",
                ),
                *facts,
            )
        )
    elif jae and a.strength.is_weak:
        parts.append("일간이 약한 편이라 돈을 벌 기회보다 지키는 방법을 먼저 세우는 것이 이득입니다.")
    return ReadingSection("wealth", "재물", conclusion, " ".join(parts))


def health(a: Analysis) -> ReadingSection:
    bal = a.balance
    weakest = bal.weakest
    strongest = bal.strongest
    stars = [h.key for h in a.shinsal if h.key in ("baekho", "yangin")]
    season = season_index(a)
    facts = (weakest, strongest, tuple(stars), season, a.strength.band)
    parts = [
        f"오행 중 {josa(ELEMENT_NAME[weakest], '이', '가')} 가장 약해 {ORGANS[weakest]} 쪽을 먼저 돌보아야 합니다. {HEALTH_HABIT[weakest]}",
    ]
    if strongest in bal.excess:
        parts.append(
            f"반대로 {josa(ELEMENT_NAME[strongest], '이', '가')} 넘쳐 {ORGANS[strongest]}에 무리가 가기 쉽습니다."
        )
    if season == 3:
        parts.append("겨울 생이라 몸을 따뜻하게 하는 것이 기본 건강법입니다.")
    elif season == 1:
        parts.append("여름 생이라 열을 식히고 수분을 충분히 보충하는 것이 기본 건강법입니다.")
    if stars:
        parts.append("백호나 양인의 기운이 있어 운전, 운동, 칼과 기계를 다룰 때 안전을 각별히 챙기세요.")
    if a.strength.is_weak:
        parts.append(
            pick(
                (
                    "일간이 약한 편이라 과로가 바로 몸에 드러납니다. 일정에 회복 시간을 먼저 적어 넣으세요.",
                    "기운을 아껴 써야 하는 체질이니 수면과 규칙적인 식사가 어떤 보약보다 낫습니다.",
                ),
                *facts,
            )
        )
    elif a.strength.is_strong:
        parts.append("기운이 넘치는 편이라 쌓인 에너지를 운동으로 풀어야 스트레스가 몸으로 가지 않습니다.")
    conclusion = (
        f"가장 약한 {PLAIN_ELEMENT[weakest]}과 이어진 {ORGANS[weakest]} 쪽을 먼저 돌보는 것이 좋습니다."
    )
    return ReadingSection("health", "건강", conclusion, " ".join(parts))


def study(a: Analysis) -> ReadingSection:
    jeongin = a.ten_god_count(TenGod.JEONGIN)
    pyeonin = a.ten_god_count(TenGod.PYEONIN)
    siksang = a.group_count(TenGodGroup.SIKSANG)
    stars = [h.key for h in a.shinsal if h.key in ("munchang", "hakdang", "hwagae")]
    patterns = ten_god_patterns(a)
    facts = (jeongin, pyeonin, siksang, tuple(stars), tuple(patterns), a.has_hour)
    parts: list[str] = []
    if jeongin and pyeonin:
        parts.append(
            "정인과 편인이 함께 있어 정통 학문과 특수한 분야를 두루 익히는 폭넓은 학습력이 있습니다."
        )
    elif jeongin:
        parts.append("정인이 있어 차근차근 쌓아 가는 정통적인 공부, 자격과 학위에 강합니다.")
    elif pyeonin:
        parts.append(
            "편인이 있어 남들이 잘 하지 않는 분야, 직관과 아이디어가 필요한 공부에서 두각을 나타냅니다."
        )
    elif not a.has_hour:
        parts.append(
            "세 기둥에는 인성이 보이지 않지만 시주에 있을 수 있어, 공부 방식은 직접 해 보며 익히는 쪽과 책으로 쌓는 쪽을 함께 시험해 보세요."
        )
    else:
        parts.append(
            "인성이 드러나지 않아 책상 앞의 공부보다 직접 해 보며 배우는 실전형입니다. 목표 시험이 있다면 짧은 주기로 점검하세요."
        )
    if siksang >= 2:
        parts.append(
            "식상이 살아 있어 배운 것을 말과 글로 풀어낼 때 실력이 빨리 늡니다. 가르치며 배우는 방법이 잘 맞습니다."
        )
    elif siksang == 0:
        parts.append("배운 것을 정리해 밖으로 꺼내는 연습(요약, 발표, 기록)을 하면 공부가 결과로 이어집니다.")
    conclusion = {
        "both": "정통 공부와 남다른 분야를 두루 익히는 폭넓은 학습력이 있습니다.",
        "jeong": "차근차근 쌓아 가는 공부, 자격과 학위에 강합니다.",
        "pyeon": "남들이 잘 하지 않는 분야, 직관과 아이디어가 필요한 공부에서 빛납니다.",
        "none": "책상 앞의 공부보다 직접 해 보며 배우는 쪽이 잘 맞습니다.",
        "unknown": "직접 해 보며 익히는 방법과 책으로 쌓는 방법을 함께 시험해 보는 것이 좋습니다.",
    }[
        "both"
        if jeongin and pyeonin
        else "jeong"
        if jeongin
        else "pyeon"
        if pyeonin
        else "none"
        if a.has_hour
        else "unknown"
    ]
    if "gwanin_sangsaeng" in patterns or "salin_sangsaeng" in patterns:
        parts.append("관과 인이 이어져 있어 시험과 자격이 곧 지위로 연결되는 구조입니다.")
    names = {"munchang": "문창귀인", "hakdang": "학당귀인", "hwagae": "화개살"}
    if stars:
        parts.append(
            pick(
                (
                    f"{join_ko([names[k] for k in dict.fromkeys(stars)])}이 있어 공부 운을 돕습니다.",
                    f"학업을 돕는 {join_ko([names[k] for k in dict.fromkeys(stars)])}의 기운이 있습니다.",
                ),
                *facts,
            )
        )
    return ReadingSection("study", "학업과 자기계발", conclusion, " ".join(parts))
