"""drafter serve in a real browser: headless Chromium (Debian's chromium and chromium-driver)
fills the 科协 form as a secretary would, and the downloaded .docx is checked.

Few and focused: one browser for the module, each test on a fresh server and state folder.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="Chromium 未安装：浏览器测试需要 Debian 的 chromium 和 chromium-driver（CI 的 .ci/run 会安装）",
)
# The README's picture; refreshed only when asked (like the golden documents):
#   DRAFTER_UPDATE_SCREENSHOT=1 python -m pytest tests/test_web_browser.py
SCREENSHOT = Path(__file__).parent.parent / "docs" / "serve.png"
WAIT = 30


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--window-size=1366,768", "--lang=zh-CN"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
    })
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(downloads)})
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


@pytest.fixture
def served(tmp_path, monkeypatch):
    """`drafter serve kexie` on a free loopback port, in this process."""
    from drafter.web.server import start
    from drafter.web.workspace import Workspace

    monkeypatch.setenv("DRAFTER_STATE_DIR", str(tmp_path / "state"))
    server, url = start(Workspace(["kexie"]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()


def wait_for(condition, what: str, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"等待超时：{what}")


def settled(browser) -> None:
    """Every typed answer has reached the server and its reply is shown."""
    wait_for(lambda: browser.execute_script(
        "const f = document.getElementById('answers'); return f && f.dataset.busy === '0';"),
        "答案保存完毕")


def field(browser, name: str):
    return browser.find_element("id", f"f-{name}")


def type_into(browser, name: str, text: str) -> None:
    element = field(browser, name)
    element.clear()
    element.send_keys(text)


def paste(browser, element, text: str) -> None:
    """A paste as the browser delivers it: a ClipboardEvent carrying the text."""
    browser.execute_script(
        "const data = new DataTransfer(); data.setData('text/plain', arguments[1]);"
        "arguments[0].focus();"
        "arguments[0].dispatchEvent(new ClipboardEvent('paste', "
        "{clipboardData: data, bubbles: true, cancelable: true}));", element, text)


def list_items(browser, name: str) -> list[str]:
    rows = browser.find_elements("css selector", f"#q-{name} .rows input")
    return [row.get_attribute("value") for row in rows]


FACTS = {
    "org_full_name": "青川县科学技术协会",
    "org_short": "县科协",
    "county": "青川县",
    "party_committee": "县委",
    "beneficiaries": "56000",
}


def test_a_secretary_fills_the_kexie_form_and_downloads_the_docx(browser, served, downloads):
    browser.get(served)
    wait_for(lambda: browser.find_elements("id", "answers"), "问卷页面")
    assert browser.title == "县科协“六个坚持”经验交流材料 · drafter"
    # labels tied to fields: clicking the label focuses the field
    browser.find_element("css selector", "label[for=f-org_full_name]").click()
    assert browser.switch_to.active_element.get_attribute("id") == "f-org_full_name"

    # facts of a measure show only once it is ticked: tick the two whose facts are typed below
    for checklist, measure in (("s4_done", "popsci_events"), ("s2_done", "think_tank")):
        browser.find_element("css selector", f"#q-{checklist} input[value={measure}]").send_keys(" ")
    settled(browser)
    wait_for(lambda: browser.find_element("id", "q-popsci_events").is_displayed(), "做法的事实出现")

    for name, text in FACTS.items():
        type_into(browser, name, text)
    settled(browser)

    # a bad number: the terminal's message beside the field, the typing kept
    type_into(browser, "popsci_events", "一千二")
    settled(browser)
    error = browser.find_element("id", "e-popsci_events")
    assert error.text == "应为整数，例如 12；“一千二”不是整数。"
    assert field(browser, "popsci_events").get_attribute("value") == "一千二"
    assert field(browser, "popsci_events").get_attribute("aria-invalid") == "true"
    type_into(browser, "popsci_events", "1,280")  # lenient, as in the terminal
    settled(browser)
    assert error.text == ""
    assert field(browser, "popsci_events").get_attribute("aria-invalid") is None

    # a measure ticked in its checklist (check boxes) brings up that measure's facts
    assert not browser.find_element("id", "q-study_forms").is_displayed()
    browser.find_element("css selector", "#q-s1_done input[value=theory_study]").send_keys(" ")
    settled(browser)
    wait_for(lambda: browser.find_element("id", "q-study_forms").is_displayed(), "做法的事实出现")

    # three lines pasted into one row become three items
    first_row = browser.find_element("css selector", "#q-study_forms .rows input")
    paste(browser, first_row, "党组理论学习中心组专题学习\n“青川科技讲堂”\r\n青年科技工作者读书班\n")
    settled(browser)
    assert list_items(browser, "study_forms") == ["党组理论学习中心组专题学习", "“青川科技讲堂”",
                                                  "青年科技工作者读书班"]
    # reorder with the keyboard-reachable buttons
    browser.find_elements("css selector", "#q-study_forms .row .down")[0].click()
    settled(browser)
    assert list_items(browser, "study_forms")[:2] == ["“青川科技讲堂”", "党组理论学习中心组专题学习"]

    # a conditional question appears when its condition holds
    assert not browser.find_element("id", "q-proposals_adopted").is_displayed()
    type_into(browser, "proposals", "18")
    settled(browser)
    wait_for(lambda: browser.find_element("id", "q-proposals_adopted").is_displayed(),
             "条件题出现")

    # the live preview follows the answers
    preview = browser.find_element("id", "preview")
    assert "青川县科学技术协会" in preview.text
    assert "1280" in preview.text
    assert not browser.find_element("id", "missing-box").is_displayed()
    browser.execute_script("window.scrollTo(0, 0)")
    picture = browser.get_screenshot_as_png()
    assert picture.startswith(b"\x89PNG")
    if os.environ.get("DRAFTER_UPDATE_SCREENSHOT"):
        SCREENSHOT.write_bytes(picture)

    # reload: every answer is kept
    browser.refresh()
    wait_for(lambda: browser.find_elements("id", "answers"), "问卷页面（刷新后）")
    for name, text in FACTS.items():
        assert field(browser, name).get_attribute("value") == text, name
    assert field(browser, "popsci_events").get_attribute("value") == "1280"
    assert list_items(browser, "study_forms") == ["“青川科技讲堂”", "党组理论学习中心组专题学习",
                                                  "青年科技工作者读书班"]
    assert browser.find_element("id", "q-proposals_adopted").is_displayed()

    # download the .docx
    for old in downloads.iterdir():
        old.unlink()
    browser.find_element("id", "download-docx").click()
    docx_path = wait_for(lambda: next((p for p in downloads.glob("*.docx")), None), "下载 .docx")
    wait_for(lambda: not list(downloads.glob("*.crdownload")), "下载完成")
    check_docx(docx_path.read_bytes())


def check_docx(data: bytes) -> None:
    """The typed facts, the 公文 layout and six level-1 headings."""
    import docx
    from docx.shared import Mm

    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    for fact in ("青川县科学技术协会", "青川县", "1280场次", "5.6万人次", "“青川科技讲堂”",
                 "青年科技工作者读书班"):
        assert fact in text, fact
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋_GB2312"' in styles  # body font set as an East Asian font


def test_narrow_window_and_keyboard_only(browser, served):
    """Readable in a narrow window; the list can be extended with the keyboard alone."""
    from selenium.webdriver.common.keys import Keys

    browser.set_window_size(480, 900)
    try:
        browser.get(served)
        wait_for(lambda: browser.find_elements("id", "answers"), "问卷页面")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 480  # no sideways scrolling
        add = browser.find_element("css selector", "#q-highlights button.add")
        add.send_keys(Keys.ENTER)
        assert len(list_items(browser, "highlights")) == 2
        focused = browser.switch_to.active_element
        assert focused.get_attribute("aria-label") == "开头要点出的突出成绩（两三项） 第 2 项"
        focused.send_keys("新建科技小院2个")
        settled(browser)
        assert list_items(browser, "highlights") == ["", "新建科技小院2个"]
    finally:
        browser.set_window_size(1366, 768)
