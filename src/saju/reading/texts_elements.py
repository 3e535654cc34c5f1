"""Korean text tables for 오행: what an excess or a lack means, and practical ways to balance it."""

from __future__ import annotations

from saju.core import Element

ELEMENT_NAME: dict[Element, str] = {e: e.label for e in Element}

EXCESS: dict[Element, str] = {
    Element.WOOD: "목(木)이 많아 뻗어 나가려는 힘과 이상이 큽니다. 시작은 잘하지만 벌여 놓은 일이 많아지기 쉬우니, 가지치기하듯 우선순위를 정리하는 습관이 필요합니다.",
    Element.FIRE: "화(火)가 많아 열정과 표현력이 넘칩니다. 감정의 온도가 빨리 오르내리니, 중요한 결정은 하룻밤 묵혀서 내리는 것이 좋습니다.",
    Element.EARTH: "토(土)가 많아 묵직하고 신중합니다. 지키는 힘은 크지만 변화에 둔해질 수 있으니, 새로운 경험을 일부러 일정에 넣어 두세요.",
    Element.METAL: "금(金)이 많아 원칙과 결단이 분명합니다. 옳고 그름을 빨리 가르는 만큼 말이 날카로워지기 쉬우니, 결론보다 과정을 먼저 나누는 연습이 도움이 됩니다.",
    Element.WATER: "수(水)가 많아 생각이 깊고 지혜롭지만, 걱정과 상상이 꼬리를 물기 쉽습니다. 생각을 글로 적고 몸을 움직여 흐름을 밖으로 빼 주세요.",
}

LACK: dict[Element, str] = {
    Element.WOOD: "목(木)이 약해 새로 시작하고 밀어붙이는 추진력이 부족하게 느껴질 수 있습니다. 작은 목표를 정해 꾸준히 키워 가는 경험이 자신감을 채워 줍니다.",
    Element.FIRE: "화(火)가 약해 속마음을 표현하거나 자신을 드러내는 데 서툴 수 있습니다. 칭찬을 아끼지 말고, 하고 싶은 말을 한 문장이라도 꺼내는 연습이 운을 밝힙니다.",
    Element.EARTH: "토(土)가 약해 생활의 중심과 꾸준함이 흔들리기 쉽습니다. 일정한 기상 시간, 정해진 저축처럼 반복되는 틀이 삶을 받쳐 줍니다.",
    Element.METAL: "금(金)이 약해 맺고 끊는 결단이 어려울 수 있습니다. 마감과 기준을 미리 정해 두고, 아닌 것은 아니라고 말하는 연습이 필요합니다.",
    Element.WATER: "수(水)가 약해 쉬어 가며 생각을 정리할 여유가 부족하기 쉽습니다. 충분한 수면과 혼자 생각하는 시간을 일부러 확보하세요.",
}

# Everyday ways to bring an element in: colour, direction, activity, setting.
REMEDY: dict[Element, str] = {
    Element.WOOD: "초록·청색 계열, 동쪽, 아침 산책과 식물 기르기, 새로운 공부를 시작하는 일",
    Element.FIRE: "붉은색·보라색 계열, 남쪽, 햇볕 아래 활동, 사람을 만나고 발표하고 표현하는 일",
    Element.EARTH: "노란색·갈색 계열, 중앙(집과 고향), 규칙적인 식사, 정리정돈과 꾸준한 저축",
    Element.METAL: "흰색·은색 계열, 서쪽, 근력 운동과 호흡, 기준을 세우고 마무리 짓는 일",
    Element.WATER: "검정·남색 계열, 북쪽, 수영과 반신욕, 독서와 명상, 충분한 수면",
}

# 오행 → organ systems of traditional medicine, for the health section.
ORGANS: dict[Element, str] = {
    Element.WOOD: "간·담, 근육과 힘줄, 눈",
    Element.FIRE: "심장·소장, 혈액순환, 혈압",
    Element.EARTH: "비장·위장, 소화기",
    Element.METAL: "폐·대장, 호흡기와 피부",
    Element.WATER: "신장·방광, 생식기와 허리, 뼈",
}

HEALTH_HABIT: dict[Element, str] = {
    Element.WOOD: "스트레칭으로 근육을 풀고 술과 눈의 피로를 줄이세요.",
    Element.FIRE: "급한 성미를 다스리고 유산소 운동으로 혈액순환을 챙기세요.",
    Element.EARTH: "식사 시간을 일정하게 지키고 과식과 야식을 피하세요.",
    Element.METAL: "건조한 공기와 미세먼지를 피하고 호흡이 깊어지는 운동을 하세요.",
    Element.WATER: "몸을 차게 하지 말고 허리와 하체를 따뜻하게 보호하세요.",
}
