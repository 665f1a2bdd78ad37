"""An engineer files a near miss anonymously from a phone-sized screen."""

from playwright.sync_api import expect

from incidents.models import NearMiss
from incidents.services import release_anonymous_near_misses


def test_engineer_files_a_near_miss_anonymously_from_a_phone(open_browser, engineer, payments, password):
    person = open_browser(viewport={"width": 390, "height": 844})
    page = person.log_in("priya", password, path="/near-misses/")
    expect(page.get_by_text("No near misses reported yet")).to_be_visible()
    page.get_by_role("link", name="Report the first near miss").click()
    page.get_by_label("What almost happened?").fill("A migration nearly dropped the refunds index in production")
    page.get_by_label("A review (code, design or change review)").check()
    page.get_by_label("What could have happened?").fill("Refund lookups timing out for every customer")
    anonymous = page.get_by_label("File anonymously")
    expect(page.get_by_text("We then store no trace of you")).to_be_visible()
    anonymous.check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    person.screenshot("near-miss-form-phone")
    page.get_by_role("button", name="File the report").click()

    expect(page.get_by_text("Your report is filed anonymously")).to_be_visible()
    expect(page.locator("main")).to_contain_text("anonymously")
    expect(page.locator("main")).not_to_contain_text("Priya")
    person.screenshot("near-miss-filed")
    assert "/near-misses/filed/" in page.url
    near_miss = NearMiss.all_objects.get()
    assert near_miss.reporter_id is None and near_miss.team is None  # no team unless one is picked

    # It waits for the hourly release, then appears among the others.
    release_anonymous_near_misses()
    page.get_by_role("link", name="Near misses").first.click()
    expect(page.get_by_text("filed anonymously")).to_be_visible()
    assert person.console_errors == []
