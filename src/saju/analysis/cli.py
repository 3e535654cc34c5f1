"""CLI hooks of the analysis: `saju chart … --with analysis` (JSON) and the Korean terminal tables.

`saju.cli` imports this module (EXTENSIONS / TEXT_VIEWS); nothing here is needed by the engine itself.
"""

from __future__ import annotations

from datetime import date

from saju.analysis.analyze import analyze, today_kst
from saju.analysis.balance import ELEMENTS
from saju.analysis.hidden import HIDDEN_STEM_TABLE_NAME
from saju.analysis.model import Analysis, LuckPillarInfo
from saju.analysis.serialize import analysis_to_json
from saju.analysis.strength import STRENGTH_METHOD
from saju.chart import Chart

ORDER_FOR_TABLE = ("시", "일", "월", "년")  # Korean 만세력 print the hour pillar on the left


def chart_reference(chart: Chart) -> date:
    """The date `saju chart` analyses a chart on: today (KST), or the birth date for a birth after today
    (a chart of the future is valid; its luck is read from the birth on, never before it)."""
    return max(today_kst(), chart.solar_date)


def chart_extension(chart: Chart) -> object:
    """`--with analysis`: the analysis JSON for today (KST), or the birth date if it is later."""
    return analysis_to_json(analyze(chart, reference=chart_reference(chart)))


def _row(label: str, cells: list[str]) -> str:
    return f"{label:<8}" + "".join(f"{c:<12}" for c in cells)


def _luck_line(prefix: str, info: LuckPillarInfo) -> str:
    rels = ", ".join(r.name for r in info.relations) or "-"
    stars = ", ".join(s.name for s in info.shinsal)
    extra = f" / {stars}" if stars else ""
    return (
        f"{prefix} {info.pillar.hanja}({info.pillar.hangul}) {info.stem_ten_god.value}/{info.branch_ten_god.value} "
        f"{info.stage.value} · {rels}{extra}"
    )


def analysis_text(a: Analysis) -> str:
    """The analysis as readable Korean tables for a terminal."""
    cols = [p for label in ORDER_FOR_TABLE for p in a.pillars if p.label == label]
    lines = ["[분석]", _row("", [f"{p.label}주" for p in cols])]
    lines.append(_row("간지", [f"{p.pillar.hanja}({p.pillar.hangul})" for p in cols]))
    lines.append(_row("천간십신", [p.stem_ten_god.value if p.stem_ten_god else "일원" for p in cols]))
    lines.append(_row("지지십신", [p.branch_ten_god.value for p in cols]))
    lines.append(_row("지장간", ["".join(h.stem.hanja for h in p.hidden) for p in cols]))
    lines.append(_row("12운성", [p.stage.value for p in cols]))
    lines.append(_row("납음", [p.nayin.hangul for p in cols]))
    lines.append(_row("12신살", [p.twelve_shinsal_by_year for p in cols]))
    lines.append(_row("공망", ["공망" if p.in_gongmang else "-" for p in cols]))
    lines.append(f"지장간 표: {HIDDEN_STEM_TABLE_NAME}; 12신살은 년지 기준")
    lines.append("")
    shares = " ".join(f"{e.hangul}{a.balance.count(e)}({a.balance.share(e):.0f}%)" for e in ELEMENTS)
    lines.append(f"오행: {shares}")
    st = a.strength
    flags = " ".join(
        name if ok else f"실{name[1]}"
        for name, ok in (("득령", st.deukryeong), ("득지", st.deukji), ("득세", st.deukse))
    )
    lines.append(f"신강약: {st.band.value} (점수 {st.score}, {flags}) — {STRENGTH_METHOD}")
    ys = a.yongsin
    roles = ", ".join(f"{role.value} {element.label}" for role, element in ys.roles)
    lines.append(f"용신({ys.basis.value}): {roles}")
    if ys.johu_note:
        lines.append(f"조후: {ys.johu_note}")
    lines.append(f"격국: {a.gyeokguk.name} — {a.gyeokguk.rule}")
    for t in a.combinations:
        lines.append(f"합화: {t.name} — {t.reason}")
    lines.append(f"합충형파해: {', '.join(r.name for r in a.relations) or '없음'}")
    stars = ", ".join(f"{h.rule.name}({'·'.join(h.slots)})" for h in a.shinsal)
    lines.append(f"신살: {stars or '없음'}")
    lines.append(
        f"공망: 일주 {''.join(b.hanja for b in a.gongmang_day)}, 년주 {''.join(b.hanja for b in a.gongmang_year)}"
    )
    lines.append("")
    d = a.daewoon
    if d is None:
        lines.append(f"대운: {a.daewoon_unavailable}")
    else:
        lines.append(
            f"대운: {d.direction.value}, 대운수 {d.number} ({d.jie_name}까지 {d.offset.text}, 반올림 {d.rounding.value}, "
            f"나이 {'세는 나이' if d.age_convention.value == 'korean' else '만 나이'})"
        )
        for i, p in enumerate(d.periods):
            mark = "▶" if i == d.current_index else " "
            lines.append(_luck_line(f" {mark}{p.start_age:>3}세 {p.start_year}", p.info))
    for y in a.sewoon:
        lines.append(_luck_line(f"세운 {y.year}", y.info))
    current = a.wolwoon[a.current_month - 1]
    lines.append(_luck_line(f"월운 {current.month_number}월({current.jie_name}~)", current.info))
    lines.append(_luck_line(f"일진 {a.iljin.day.isoformat()}", a.iljin.info))
    return "\n".join(lines)


def chart_text(chart: Chart) -> str:
    """The terminal view of `saju chart` (Korean tables), as of today (KST) or the later birth date."""
    return analysis_text(analyze(chart, reference=chart_reference(chart)))
