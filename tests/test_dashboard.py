"""The /admin page: who may see it, what it shows, how errors render."""
from models.report import Report
from utils.svg_chart import line_chart


def test_anonymous_visitor_gets_a_sign_in_page(client):
    response = client.get("/admin")
    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert 'id="signin-form"' in page and "/static/admin/signin.js" in page
    assert client.get("/admin/").status_code == 401


def test_member_gets_a_403_page(auth):
    _, member = auth.signed_in()
    response = member.get("/admin")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert "Admin privileges required" in response.get_data(as_text=True)


def test_admin_sees_numbers_charts_reports_and_audit(app, auth):
    admin, admin_client = auth.signed_in(is_admin=True)
    _, reporter = auth.signed_in()
    target = auth.user(username="troublemaker")
    reporter.post("/api/reports", json={
        "reason": "spam", "description": "Posting the same link everywhere",
        "content_type": "user", "reported_user_id": str(target["_id"])})
    response = admin_client.get("/admin")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<span class="value" data-stat="users.total">3</span>' in page
    assert '<span class="value" data-stat="reports.pending">1</span>' in page
    assert page.count("<svg") == 3 and page.count("<polyline") == 3
    assert "troublemaker" in page and 'data-action="ban_user"' in page
    with app.app_context():
        report_id = str(Report.find()[0]["_id"])
    admin_client.post(f"/api/admin/reports/{report_id}/action", json={"action": "dismiss"})
    page = admin_client.get("/admin").get_data(as_text=True)
    assert "No open reports." in page and "report.dismiss" in page
    assert "http://" not in page.replace("http://www.w3.org", "")  # nothing from a CDN


def test_static_assets_are_served(client):
    for path in ("/static/admin/admin.css", "/static/admin/dashboard.js",
                 "/static/admin/signin.js"):
        assert client.get(path).status_code == 200, path


def test_page_errors_render_as_pages(app, auth, monkeypatch):
    from services import stats

    def broken():
        raise RuntimeError("database on fire")

    monkeypatch.setattr(stats, "dashboard_data", broken)
    _, admin_client = auth.signed_in(is_admin=True)
    response = admin_client.get("/admin")
    assert response.status_code == 500 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "database on fire" not in page
    assert "Traceback" not in page
    missing = admin_client.get("/admin/nothing-here")
    assert missing.status_code == 404 and "Traceback" not in missing.get_data(as_text=True)


def test_line_chart_scales_to_the_largest_day():
    points = [{"date": f"2026-01-{d:02d}", "count": n} for d, n in [(1, 0), (2, 4), (3, 2)]]
    chart = line_chart(points, width=120, height=60, pad=10)
    assert chart["max"] == 4 and chart["total"] == 6 and chart["last"] == 2
    assert chart["polyline"] == "10.0,50.0 60.0,10.0 110.0,30.0"
