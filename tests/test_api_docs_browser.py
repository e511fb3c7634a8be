"""/api/docs in a real browser: headless Chromium (Debian's package) driven by
Playwright against a real server process renders the OpenAPI document with
the vendored Swagger UI, no request leaving the server.
Screenshot: test-artifacts/api-docs.png."""
import os

import pytest

from tests.live_server import start_server
from tests.test_dashboard_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason=f"no Chromium at {CHROMIUM}: apt-get install chromium"),
]


def test_the_docs_page_renders_the_description(service_urls, live_db):
    from playwright.sync_api import expect, sync_playwright

    server = start_server(service_urls, live_db.name)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                         headless=True)
            try:
                page = browser.new_page(viewport={"width": 1366, "height": 1000})
                foreign = []
                page.on("request", lambda r: foreign.append(r.url)
                        if not r.url.startswith(server.url) else None)
                assert page.goto(server.url + "/api/docs").status == 200
                title = page.locator(".swagger-ui .info .title")
                expect(title).to_contain_text("Parley API", timeout=60_000)  # a loaded machine
                posts = page.locator('.opblock-tag[data-tag="Posts"]')
                expect(posts).to_be_visible(timeout=60_000)
                posts.click()
                post = page.locator('.opblock [data-path="/api/posts/{post_id}"]').first
                expect(post).to_be_visible(timeout=60_000)
                assert foreign == []
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=False)
            finally:
                browser.close()
    finally:
        server.stop()
