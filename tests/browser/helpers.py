"""Shared steps of the browser tests: fill the 사주 입력 form, submit, wait for the reading."""

from __future__ import annotations

READING_TIMEOUT_MS = 60_000


def fill_birth(
    page,
    *,
    year: str,
    month: str,
    day: str,
    time: str | None,
    gender: str = "여성",
    lunar: bool = False,
    leap: bool = False,
    name: str = "",
) -> None:
    page.goto("/")
    if name:
        page.get_by_label("이름 (선택)").fill(name)
    if lunar:
        page.get_by_label("음력").check()
    if leap:
        page.get_by_label("윤달").check()
    page.get_by_label("년", exact=True).fill(year)
    page.get_by_label("월", exact=True).select_option(month)
    page.get_by_label("일", exact=True).select_option(day)
    if time is None:
        page.get_by_label("시간 모름").check()
    else:
        page.get_by_label("태어난 시각").fill(time)
    page.get_by_label(gender).check()


def wait_for_reading(page) -> None:
    """Until the reading has finished or failed (the section's data-state leaves waiting/streaming)."""
    page.locator('#reading[data-state="done"], #reading[data-state="error"]').wait_for(
        timeout=READING_TIMEOUT_MS
    )


def submit(page) -> None:
    page.get_by_role("button", name="사주 보기").click()
    page.wait_for_load_state("domcontentloaded")


# Pages computed from a birth have no URL of their own (the forms POST): tests reach them through the form.
RESULT_PAGE = "form:/"
TODAY_RESULT_PAGE = "form:/today/"


def visit(page, path: str, before_load=None):
    """`page.goto(path)`, or for RESULT_PAGE / TODAY_RESULT_PAGE the form filled with a sample birth and
    submitted; returns the navigation's response. `before_load()` runs just before the final navigation."""
    if not path.startswith("form:"):
        if before_load:
            before_load()
        return page.goto(path)
    page.goto(path.removeprefix("form:"))
    page.get_by_label("년", exact=True).fill("1990")
    page.get_by_label("월", exact=True).select_option("5")
    page.get_by_label("일", exact=True).select_option("15")
    page.get_by_label("태어난 시각").fill("14:30")
    page.get_by_label("여성").check()
    if before_load:
        before_load()
    with page.expect_navigation() as navigation:
        page.locator("#birth-form button[type=submit]").click()
    return navigation.value
