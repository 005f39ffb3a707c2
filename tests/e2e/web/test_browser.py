"""The web UI in Debian's chromium (Playwright): signing in and out, the dashboard's charts,
receiving by barcode scan, a role refused, a bad scan explained, the PAR review and the ABC/XYZ
page. Each test saves a screenshot under build/test-output/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from playwright.sync_api import Dialog, Page, expect
from sqlalchemy import Engine
from tests.e2e.proposals import ONDANSETRON_ICU, propose_examples

from .conftest import SignIn, Snap
from .harness import ONDANSETRON_TRAY, PASSWORD, movement_count, on_hand, scan, stock_level

NEXT_YEAR = date(2027, 12, 31)
"""An expiry a year after the tests' clock (``NOW``, 11/20/2026): a lot still good."""


def focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


def test_a_user_signs_in_lands_where_they_were_going_and_signs_out(page: Page, snap: Snap) -> None:
    page.goto("/stock")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fstock$"))
    assert focused_id(page) == "username"
    page.keyboard.type("manager")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/stock$"))
    expect(page.locator("[data-user]")).to_have_text("Morgan Manager, PharmD")
    expect(page.locator("[data-role]")).to_have_text("manager")
    assert focused_id(page) == "q"
    snap(page)
    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_role("status")).to_contain_text("You have signed out")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))


def bar_labels_inside(page: Page, chart: str) -> tuple[int, int, list[str]]:
    """(bars, labels drawn, labels reaching outside the chart's drawing) of a bar chart."""
    found = page.evaluate(
        """(id) => {
            const root = document.getElementById(id);
            const box = root.querySelector('.main-svg').getBoundingClientRect();
            const bars = root.querySelectorAll('.bars .point path').length;
            const labels = [...root.querySelectorAll('.bars .point text')];
            const out = labels.filter((t) => {
                const r = t.getBoundingClientRect();
                return r.left < box.left - 1 || r.right > box.right + 1;
            }).map((t) => t.textContent);
            return [bars, labels.length, out];
        }""",
        chart,
    )
    return int(found[0]), int(found[1]), list(found[2])


def test_the_dashboard_draws_its_charts_at_desktop_and_tablet_width(
    page: Page, sign_in: SignIn, snap: Snap
) -> None:
    sign_in("manager")

    page.goto("/")

    chart = page.locator("#chart-value .main-svg").first
    expect(chart).to_be_visible()
    expect(page.locator("[data-figure=value]")).to_contain_text("$")
    expect(page.get_by_role("heading", name="Inventory value by location")).to_be_visible()
    bars, labels, outside = bar_labels_inside(page, "chart-value")
    assert bars > 0 and labels == bars and outside == [], "1280 px: a bar without its label"
    snap(page)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.wait_for_timeout(300)  # plotly redraws on resize
    expect(chart).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways at tablet width"
    bars, labels, outside = bar_labels_inside(page, "chart-value")
    assert bars > 0 and labels == bars and outside == [], "768 px: a bar without its label"
    snap(page, "768")


def test_a_scan_then_enter_receives_one_package_and_on_hand_goes_up(
    page: Page, sign_in: SignIn, snap: Snap, web_engine: Engine
) -> None:
    sign_in("tech")
    before = on_hand(web_engine, location="MAIN-STORE", ndc=ONDANSETRON_TRAY)
    page.goto("/receive")
    page.select_option("#location", "MAIN-STORE")
    page.focus("#scan")

    page.keyboard.type(scan(lot="PW24A", expiry=NEXT_YEAR, serial="SN0001"))
    page.keyboard.press("Enter")

    identified = page.locator("#identified")
    expect(identified.locator("[data-ndc]")).to_have_text(ONDANSETRON_TRAY)
    expect(identified.locator("[data-lot]")).to_have_text("PW24A")
    expect(identified.locator("[data-serial]")).to_have_text("SN0001")
    expect(identified.locator("[data-expiry]")).to_contain_text(NEXT_YEAR.strftime("%m/"))
    expect(page.locator("#quantity")).to_be_focused()
    expect(page.locator("#quantity")).to_have_value("25")
    snap(page, "confirm")
    page.keyboard.press("Enter")

    result = page.locator("#receive-result")
    expect(result).to_contain_text("Received 25 VIAL")
    expect(result.locator("[data-on-hand]")).to_have_text(f"{before + 25:,}")
    expect(page.locator("#scan")).to_be_focused()
    assert on_hand(web_engine, location="MAIN-STORE", ndc=ONDANSETRON_TRAY) == before + 25
    snap(page)
    page.goto(f"/stock?q={ONDANSETRON_TRAY}&location=MAIN-STORE")
    expect(page.locator("tr", has_text="PW24A").locator("[data-on-hand]")).to_contain_text("25")


def test_a_technician_is_refused_the_managers_adjust_page(
    page: Page, sign_in: SignIn, snap: Snap
) -> None:
    sign_in("tech")

    answer = page.goto("/adjust")

    assert answer is not None and answer.status == 403
    expect(page.get_by_role("alert")).to_have_text("Your role (technician) may not adjust stock.")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link")).not_to_contain_text(
        ["Adjust"]
    )
    snap(page)


def test_a_scan_with_a_wrong_check_digit_is_explained_in_place_and_nothing_posted(
    page: Page, sign_in: SignIn, snap: Snap, web_engine: Engine
) -> None:
    sign_in("tech")
    before = movement_count(web_engine)
    page.goto("/receive")

    page.keyboard.type(scan(lot="BAD1", expiry=NEXT_YEAR, serial="X1", wrong_check_digit=True))
    page.keyboard.press("Enter")

    error = page.get_by_role("alert")
    expect(error).to_contain_text("Nothing received.")
    expect(error).to_contain_text("check digit")
    expect(page.locator("#scan")).to_be_focused()
    expect(page.locator("#quantity")).to_have_count(0)
    assert movement_count(web_engine) == before
    snap(page)


def test_an_item_page_and_a_cabinet_page_draw_their_charts(
    page: Page, sign_in: SignIn, snap: Snap
) -> None:
    sign_in("manager")

    page.goto("/items/ONDA4INJ")
    expect(page.locator("#chart-usage .main-svg").first).to_be_visible()
    page.goto("/locations/ICU-ADC1")

    expect(page.locator("#chart-pockets .main-svg").first).to_be_visible()
    expect(page.locator("#pockets tbody tr")).to_have_count(3)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.wait_for_timeout(300)  # plotly redraws on resize
    snap(page, "768")


def test_a_manager_accepts_a_proposed_par_level_from_the_keyboard_and_the_item_shows_it(
    page: Page, sign_in: SignIn, snap: Snap, web_engine: Engine
) -> None:
    rec = propose_examples(web_engine)[ONDANSETRON_ICU]
    sign_in("manager")
    page.goto("/levels")
    row = page.locator(f"tr[data-recommendation='{rec}']")
    expect(row.locator("[data-current]")).to_have_text("5 / 25")
    expect(row.locator("[data-recommended]")).to_have_text("6 / 30")
    snap(page, "before")

    row.get_by_role("button", name="Accept").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/levels$"))
    expect(page.get_by_role("status")).to_have_text(
        "Accepted: ondansetron 4 mg/2 mL injection vial at ICU-ADC1-P01 is now "
        "min 6 / max 30 (was min 5 / max 25)."
    )
    expect(page.locator(f"tr[data-recommendation='{rec}']")).to_have_count(0)
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") == (6, 30)
    snap(page)
    page.goto("/items/ONDA4INJ")
    levels = page.locator("#item-levels tr[data-location='ICU-ADC1-P01'] [data-current-levels]")
    expect(levels).to_have_text("6 / 30")
    expect(page.locator("#chart-forecast .main-svg").first).to_be_visible()
    expect(page.locator("#chart-usage .main-svg").first).to_be_visible()
    snap(page, "item")


def test_a_manager_filters_a_batch_reads_its_summary_and_accepts_it_whole(
    page: Page, sign_in: SignIn, snap: Snap, web_engine: Engine
) -> None:
    proposed = propose_examples(web_engine)
    sign_in("manager")
    page.goto("/levels")
    page.fill("#location", "ICU-ADC1")
    page.select_option("#abc", "A")
    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(re.compile(r"/levels\?location=ICU-ADC1&item=&abc=A&kind="))
    rows = page.locator("#recommendations tbody tr[data-recommendation]")
    expect(rows).to_have_count(2)
    summary = page.locator("#batch-summary")
    expect(summary.locator("[data-batch-count]")).to_have_text("2")
    total = summary.locator("[data-batch-total]")
    expect(total).to_contain_text("$4.55")  # ondansetron's stock now, by the plan's estimate
    expect(total).to_contain_text("$16.65")  # and both proposals'
    expect(summary.locator("[data-batch-class]")).to_contain_text("Class A")
    snap(page, "summary")

    asked: list[str] = []

    def answer(accept: bool) -> Callable[[Dialog], None]:
        def on(dialog: Dialog) -> None:
            asked.append(dialog.message)
            if accept:
                dialog.accept()
            else:
                dialog.dismiss()

        return on

    page.once("dialog", answer(False))  # asked first, and a no changes nothing
    page.get_by_role("button", name="Accept all 2").click()
    expect(rows).to_have_count(2)
    assert asked == ["Accept all 2 proposals in this batch? Their levels take effect now."]
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") != (6, 30)

    page.once("dialog", answer(True))
    page.get_by_role("button", name="Accept all 2").click()

    expect(page.get_by_role("status")).to_contain_text("Accepted 2 proposals.")
    expect(page.get_by_role("status")).to_contain_text("Stock value $4.55 → $16.65;")
    expect(page.get_by_role("status")).to_contain_text("refills and orders a year")
    expect(rows).to_have_count(0)
    assert stock_level(web_engine, item="ONDA4INJ", location="ICU-ADC1-P01") == (6, 30)
    assert stock_level(web_engine, item="MORPH2INJ", location="ICU-ADC1-P02") == (2, 10)
    page.goto("/levels")
    left = page.locator("#recommendations tbody tr[data-recommendation]")
    expect(left).to_have_count(len(proposed) - 2)
    snap(page)
    page.goto("/items/MORPH2INJ")
    levels = page.locator("#item-levels tr[data-location='ICU-ADC1-P02'] [data-current-levels]")
    expect(levels).to_have_text("2 / 10")
    page.context.clear_cookies()
    sign_in("auditor")
    page.goto("/audit?action=accept-levels-batch")
    entry = page.locator("table tbody tr").first
    expect(entry).to_contain_text("manager")
    expect(entry).to_contain_text("accept-levels-batch")
    expect(entry).to_contain_text("cabinet: ICU-ADC1")  # in words, not the stored JSON
    expect(entry).to_contain_text("decided: 2")
    snap(page, "audit")


def test_a_technician_reads_the_par_review_without_any_buttons(
    page: Page, sign_in: SignIn, snap: Snap, web_engine: Engine
) -> None:
    proposed = propose_examples(web_engine)
    sign_in("tech")

    page.goto("/levels")

    rows = page.locator("#recommendations tbody tr[data-recommendation]")
    expect(rows).to_have_count(len(proposed))
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
    expect(page.get_by_role("button", name="Reject")).to_have_count(0)
    expect(page.get_by_role("button", name="Run planning")).to_have_count(0)
    expect(page.locator("#recommendations th", has_text="Decision")).to_have_count(0)
    snap(page)


def test_the_classes_page_draws_the_abc_xyz_matrix_and_the_pareto_chart(
    page: Page, sign_in: SignIn, snap: Snap, web_engine: Engine
) -> None:
    propose_examples(web_engine)
    sign_in("manager")

    page.goto("/classes")

    expect(page.locator("#chart-abcxyz .main-svg").first).to_be_visible()
    expect(page.locator("#chart-pareto .main-svg").first).to_be_visible()
    expect(page.locator("#demand-classes [data-class=smooth]")).to_have_text("3")
    expect(page.locator("#classes tbody tr")).to_have_count(5)
    snap(page)
    page.select_option("#abc", "C")
    page.press("#q", "Enter")
    expect(page).to_have_url(re.compile(r"/classes\?.*abc=C"))
    expect(page.locator("#classes tbody tr")).to_have_count(2)
    page.set_viewport_size({"width": 768, "height": 1024})
    page.wait_for_timeout(300)  # plotly redraws on resize
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the page scrolls sideways at tablet width"
    snap(page, "768")
