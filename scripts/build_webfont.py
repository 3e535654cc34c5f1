"""Rebuild the self-hosted Korean web fonts in src/unse/static/fonts/ (committed; run only to change them).

Inputs: PretendardVariable.ttf from the npm package `pretendard` (OFL) and NanumBarunGothic(.Bold).ttf from
Debian's `fonts-nanum` (OFL). Needs fonttools + brotli in any Python (not a project dependency).
See docs/web.md for the exact commands.

Coverage: the 2,350 Hangul syllables of KS X 1001 (what Korean text uses in practice), ASCII, common
punctuation and jamo, plus the saju Hanja vocabulary (stems, branches, ten gods, ...). Anything else falls
back to the system font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

NANUM_DIR = Path("/usr/share/fonts/truetype/nanum")
PUNCTUATION = "·…–—‘’“”「」『』【】〈〉《》※○●◎△▲▽▼◆◇□■☆★→←↑↓×÷±°℃％～、。\u00a0"
JAMO = "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎㅏㅑㅓㅕㅗㅛㅜㅠㅡㅣ"
HANJA = (
    "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥木火土金水年月日時大運歲比肩劫財食神傷官偏正印殺梟命盤"
    "四柱八字陰陽五行天干地支藏干十二運星旺相休囚死胎養長生沐浴冠帶臨祿衰病墓絶合沖刑破害三會方局空亡驛馬"
    "桃花華蓋羊刃貴人文昌紅鸞喜流節氣立春驚蟄淸明夏芒種小暑秋白露寒冬雪用忌仇閑身强弱格"
)


def ks_x_1001_hangul() -> str:
    chars = []
    for hi in range(0xB0, 0xC9):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("euc-kr"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def rename(font: TTFont, family: str) -> None:
    # The OFL's reserved font names: a modified (subset) font must not carry the original name.
    table = font["name"]
    for nid in (1, 3, 4, 6, 16, 17, 21, 22, 25):
        table.removeNames(nameID=nid)
    for nid, value in (
        (1, family),
        (3, f"{family};subset"),
        (4, family),
        (6, family.replace(" ", "")),
        (16, family),
    ):
        table.setName(value, nid, 3, 1, 0x409)


def write(font: TTFont, text: str, dest: Path, family: str, features: list[str]) -> None:
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.hinting = False
    opts.layout_features = features
    opts.name_IDs = ["*"]
    subsetter = subset.Subsetter(opts)
    subsetter.populate(text=text)
    subsetter.subset(font)
    rename(font, family)
    font.flavor = "woff2"
    font.save(dest)


def main() -> None:
    out, pretendard = Path(sys.argv[1]), Path(sys.argv[2])
    text = ks_x_1001_hangul() + "".join(chr(c) for c in range(0x20, 0x7F)) + PUNCTUATION + JAMO + HANJA
    tmp = out / "_instanced.ttf"
    # Keep only the 400..700 weight range of the variable font: one file serves regular and bold.
    instancer.instantiateVariableFont(TTFont(pretendard), {"wght": (400, 700)}).save(tmp)
    try:
        write(
            TTFont(tmp),
            text,
            out / "unse-sans-kr.woff2",
            "Unse Sans",
            ["kern", "liga", "calt", "ccmp", "locl"],
        )
    finally:
        tmp.unlink()
    for weight, name in (("400", "NanumBarunGothic.ttf"), ("700", "NanumBarunGothicBold.ttf")):
        write(TTFont(NANUM_DIR / name), HANJA, out / f"unse-hanja-{weight}.woff2", "Unse Hanja", [])


if __name__ == "__main__":
    main()
