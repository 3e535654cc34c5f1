"""Korean text tables for ten-god patterns, 격 (the month's ten god), relations and 신살."""

from __future__ import annotations

from saju.analysis.relations import RelationKind
from saju.analysis.tengods import TenGod, TenGodGroup

GROUP_MEANING: dict[TenGodGroup, str] = {
    TenGodGroup.BIGEOP: "나와 같은 기운(형제·동료·경쟁자, 자존심)",
    TenGodGroup.SIKSANG: "내가 낳는 기운(표현·재능·활동, 자녀)",
    TenGodGroup.JAESEONG: "내가 다스리는 기운(재물·현실 감각·결과물)",
    TenGodGroup.GWANSEONG: "나를 다스리는 기운(직장·명예·규율·책임)",
    TenGodGroup.INSEONG: "나를 돕는 기운(배움·어머니·문서·보살핌)",
}

GROUP_MANY: dict[TenGodGroup, str] = {
    TenGodGroup.BIGEOP: "비겁이 많아 자립심과 경쟁심이 강합니다. 동료와 함께할 때 힘이 나지만 돈과 공을 나눌 일도 많으니, 동업과 보증은 문서로 선을 분명히 하세요.",
    TenGodGroup.SIKSANG: "식상이 많아 아이디어와 말솜씨가 넘칩니다. 재능을 밖으로 쏟아내는 힘은 좋지만 하고 싶은 말을 다 하면 윗사람과 부딪히니, 표현의 때를 고르는 것이 관건입니다.",
    TenGodGroup.JAESEONG: "재성이 많아 현실 감각과 돈에 대한 감이 발달했습니다. 벌이는 일이 많은 만큼 체력과 마음이 따라가지 못할 수 있으니, 욕심낼 것과 놓을 것을 구분하세요.",
    TenGodGroup.GWANSEONG: "관성이 많아 책임감이 강하고 조직의 기대를 많이 받습니다. 스스로에게 너무 엄격해 압박이 쌓이기 쉬우니, 일과 쉼의 경계를 분명히 하세요.",
    TenGodGroup.INSEONG: "인성이 많아 배우고 생각하는 힘이 큽니다. 준비는 철저하지만 실행이 늦어지기 쉬우니, 완벽하지 않아도 먼저 시작해 보는 용기가 필요합니다.",
}

GROUP_NONE: dict[TenGodGroup, str] = {
    TenGodGroup.BIGEOP: "원국에 비겁이 드러나지 않아(무비겁) 혼자 버티는 힘보다 관계와 환경의 영향을 많이 받습니다. 믿을 수 있는 동료와 나만의 체력 관리가 버팀목이 됩니다.",
    TenGodGroup.SIKSANG: "원국에 식상이 드러나지 않아(무식상) 생각을 말과 결과물로 꺼내는 데 시간이 걸립니다. 기록하고 발표하는 습관을 들이면 숨은 재능이 드러납니다.",
    TenGodGroup.JAESEONG: "원국에 재성이 드러나지 않아(무재) 돈 자체보다 의미와 명분을 좇는 편입니다. 수입과 지출을 숫자로 관리하는 틀을 일찍 만들어 두면 재물이 새지 않습니다.",
    TenGodGroup.GWANSEONG: "원국에 관성이 드러나지 않아(무관) 틀에 매이기 싫어하고 자유롭게 일할 때 능력이 삽니다. 스스로 마감과 규칙을 정하는 자기 관리가 곧 경쟁력입니다.",
    TenGodGroup.INSEONG: "원국에 인성이 드러나지 않아(무인성) 기댈 곳보다 스스로 부딪혀 배우는 삶입니다. 좋은 스승과 자격·문서를 하나씩 쌓아 가면 든든한 뒷배가 됩니다.",
}

# Named ten-god patterns; each is (name, condition text, meaning).
PATTERNS: dict[str, tuple[str, str]] = {
    "siksang_saengjae": (
        "식상생재(食傷生財)",
        "재능과 표현(식상)이 재물(재성)로 이어지는 구조입니다. 좋아하는 일을 상품이나 서비스로 만들 때 돈이 따라옵니다.",
    ),
    "gwanin_sangsaeng": (
        "관인상생(官印相生)",
        "조직의 책임(관성)이 배움과 자격(인성)을 거쳐 내 힘이 되는 구조입니다. 공부와 승진, 자격이 서로를 끌어올립니다.",
    ),
    "jae_saeng_gwan": (
        "재생관(財生官)",
        "재물과 현실 감각(재성)이 명예와 지위(관성)를 받쳐 주는 구조입니다. 성실한 실적이 자리와 신용으로 돌아옵니다.",
    ),
    "sanggwan_gyeongwan": (
        "상관견관(傷官見官)",
        "날카로운 표현(상관)과 규율(정관)이 한 원국에 함께 드러나 있습니다. 윗사람과 말로 부딪히기 쉬우니 옳은 말도 부드럽게 전하는 것이 중요합니다.",
    ),
    "gungeop_jaengjae": (
        "군겁쟁재(群劫爭財)",
        "비겁이 많은데 재성이 드러나 있어 재물을 두고 다투는 모양입니다. 동업, 보증, 돈거래는 특히 조심하세요.",
    ),
    "jaeda_sinyak": (
        "재다신약(財多身弱)",
        "재물의 기운은 큰데 일간이 약해 감당하기 벅찬 구조입니다. 욕심을 줄이고 실력과 체력을 먼저 키워야 재물이 내 것이 됩니다.",
    ),
    "salin_sangsaeng": (
        "살인상생(殺印相生)",
        "강한 압박(편관)이 배움과 인내(인성)를 통해 권위로 바뀌는 구조입니다. 어려운 환경에서 오히려 실력이 자랍니다.",
    ),
    "siksin_jesal": (
        "식신제살(食神制殺)",
        "식신이 편관을 다스리는 구조로, 위기와 압박을 재치와 실력으로 풀어내는 힘이 있습니다.",
    ),
    "pyeonin_dosik": (
        "편인도식(偏印倒食)",
        "편인이 식신을 누르는 모양이라, 생각이 많아 하려던 일을 스스로 멈추기 쉽습니다. 떠오른 계획은 작게라도 바로 실행해 보세요.",
    ),
}

# 격 (by the month branch's 정기) and what it says about a life's main theme.
GYEOK: dict[TenGod, tuple[str, str]] = {
    TenGod.BIGYEON: ("건록격", "자기 힘으로 일어서는 자수성가형입니다. 독립적인 일, 전문직에서 빛납니다."),
    TenGod.GEOPJAE: (
        "양인격",
        "강한 승부욕과 돌파력이 무기입니다. 경쟁이 치열한 분야에서 두각을 나타냅니다.",
    ),
    TenGod.SIKSIN: (
        "식신격",
        "재능과 기술로 먹고사는 복이 있습니다. 꾸준히 만들어 내는 일에서 성과가 납니다.",
    ),
    TenGod.SANGGWAN: (
        "상관격",
        "비판적인 안목과 창의성이 뛰어납니다. 틀을 깨는 기획, 예술, 말로 하는 일에 어울립니다.",
    ),
    TenGod.PYEONJAE: (
        "편재격",
        "큰 흐름의 돈과 사람을 다루는 감각이 있습니다. 사업, 유통, 영업에서 기회가 큽니다.",
    ),
    TenGod.JEONGJAE: (
        "정재격",
        "성실하게 쌓아 가는 재물 복입니다. 관리, 재무, 안정된 직장에서 신뢰를 얻습니다.",
    ),
    TenGod.PYEONGWAN: (
        "편관격",
        "위기에 강하고 책임을 떠맡는 리더형입니다. 조직의 어려운 일을 맡을수록 성장합니다.",
    ),
    TenGod.JEONGGWAN: (
        "정관격",
        "바른 길을 가는 모범형입니다. 공직, 대기업, 원칙이 중요한 조직에서 인정받습니다.",
    ),
    TenGod.PYEONIN: (
        "편인격",
        "남다른 직관과 특수한 재능이 있습니다. 연구, 기술, 종교·철학처럼 깊이 파는 분야가 맞습니다.",
    ),
    TenGod.JEONGIN: (
        "정인격",
        "배움과 가르침의 복이 있습니다. 교육, 학문, 자격이 중요한 분야에서 이름을 얻습니다.",
    ),
}

# What the pair of natal positions stands for (used for relation sentences).
POSITION_PAIR_MEANING: dict[frozenset[str], str] = {
    frozenset({"년", "월"}): "집안과 부모, 초년의 환경",
    frozenset({"년", "일"}): "윗세대와 나 자신",
    frozenset({"년", "시"}): "조상의 자리와 자녀의 자리",
    frozenset({"월", "일"}): "사회생활과 가정",
    frozenset({"월", "시"}): "직장과 말년의 계획",
    frozenset({"일", "시"}): "배우자와 자녀, 중년 이후의 생활",
}

RELATION_MEANING: dict[RelationKind, str] = {
    RelationKind.STEM_COMBINE: "서로 끌어당겨 손을 잡는 인연이 있습니다",
    RelationKind.STEM_CLASH: "생각과 방향이 부딪히는 긴장이 있습니다",
    RelationKind.SIX_COMBINE: "조용히 맺어지는 정과 협력이 있습니다",
    RelationKind.THREE_COMBINE: "여러 기운이 하나의 목표로 뭉치는 큰 힘이 됩니다",
    RelationKind.HALF_COMBINE: "뜻이 맞는 사람과 힘을 모으는 기운이 있습니다",
    RelationKind.DIRECTIONAL: "같은 계절의 기운이 모여 한 방향으로 세력을 이룹니다",
    RelationKind.CLASH: "부딪혀 움직이는 변동과 이동이 생깁니다",
    RelationKind.PUNISHMENT: "마찰과 조정, 때로는 법과 규칙의 문제를 거쳐 다듬어집니다",
    RelationKind.BREAK: "잘 되던 일에 금이 가는 작은 균열을 조심해야 합니다",
    RelationKind.HARM: "말로 하지 못한 서운함이 쌓이기 쉽습니다",
    RelationKind.WONJIN: "이유 없이 밉고 끌리는 애증의 감정이 생기기 쉽습니다",
}

SHINSAL_TEXT: dict[str, str] = {
    "cheoneul": "천을귀인은 어려울 때 도와주는 사람이 나타나는 으뜸 길신입니다. 위기에서 귀인의 손길을 믿고 도움을 청하는 데 주저하지 마세요.",
    "munchang": "문창귀인은 글과 시험, 학문의 총명함을 뜻합니다. 글쓰기와 공부로 이름을 얻기 좋습니다.",
    "hakdang": "학당귀인은 배움의 자리를 타고난 것이라, 평생 공부와 자격이 삶을 끌어올립니다.",
    "woldeok": "월덕귀인은 덕을 베풀수록 돌아오는 복으로, 큰 사고를 비껴가게 하는 보호의 기운입니다.",
    "cheondeok": "천덕귀인은 하늘의 덕으로 흉한 일을 누그러뜨리는 기운입니다. 선한 마음이 곧 방패가 됩니다.",
    "dohwa": "도화살은 사람을 끄는 매력과 인기입니다. 예술·서비스·대중을 상대하는 일에 살리면 복이 되고, 이성 문제로 흐르면 구설이 됩니다.",
    "yeokma": "역마살은 이동과 변화, 넓은 활동 무대를 뜻합니다. 출장·해외·이직이 잦을 수 있고, 움직일수록 기회가 열립니다.",
    "hwagae": "화개살은 예술과 종교, 학문처럼 깊이 있는 정신세계를 뜻합니다. 혼자 몰입하는 시간이 재능을 키웁니다.",
    "yangin": "양인살은 칼을 쥔 듯한 강한 기운입니다. 전문 기술·의료·군경처럼 힘을 제대로 쓰는 분야에서는 큰 무기지만, 다툼과 다침을 조심하세요.",
    "baekho": "백호대살은 강한 기운이 몰리는 자리라 사고와 수술, 혈광을 조심하라는 신호입니다. 운전과 운동에서 안전을 먼저 챙기세요.",
    "goegang": "괴강살은 우두머리의 기운입니다. 카리스마와 결단력이 강하지만, 고집이 지나치면 고립될 수 있습니다.",
    "hongyeom": "홍염살은 은근한 매력과 풍부한 감성입니다. 예술적 감각이 뛰어나고 이성의 관심을 많이 받습니다.",
    "gwimun": "귀문관살은 예민한 감각과 영감입니다. 직관이 뛰어난 대신 신경이 날카로워지기 쉬우니 충분한 휴식이 필요합니다.",
    "hyeonchim": "현침살은 바늘처럼 날카롭고 정밀한 기운입니다. 의료·기술·분석처럼 섬세한 손과 눈이 필요한 일에 어울리고, 말이 날카로워지지 않게 주의하세요.",
}
