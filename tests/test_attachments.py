"""Attachments: base64 in message bodies, stored on disk, served only to readers
(rest-content §8, §11.10), with size and content-sniffed type limits."""
import base64
import io
import os

import pytest
from PIL import Image

from models.attachment import Attachment
from tests.chat_helpers import create_room, make_topic, send

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def item(data, mime, filename="file", data_url=True):
    encoded = base64.b64encode(data).decode()
    return {"type": mime.split("/")[0], "filename": filename, "mime_type": mime,
            "size": len(data), "data": f"data:{mime};base64,{encoded}" if data_url else encoded}


@pytest.fixture
def rooms(app, auth):
    owner, alice = auth.signed_in()
    topic = make_topic(app, owner)
    public = create_room(alice, topic["_id"], name="open")
    private = create_room(alice, topic["_id"], name="closed", is_public=False)
    return alice, public, private


def test_image_is_stored_and_served_inline_to_readers(app, auth, client, rooms):
    alice, public, _ = rooms
    raw = png_bytes()
    response = send(alice, public["id"], "", attachments=[item(raw, "image/png", "dot.png")])
    assert response.status_code == 201
    attachment = response.get_json()["data"]["attachments"][0]
    assert attachment["type"] == "image" and attachment["mime_type"] == "image/png"
    assert attachment["size"] == len(raw) and attachment["filename"] == "dot.png"
    _, bob = auth.signed_in()
    served = bob.get(attachment["url"])
    assert served.status_code == 200 and served.data == raw
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"].startswith("inline")
    assert client.get(attachment["url"]).status_code == 401
    with app.app_context():
        stored = Attachment.find_one({"file_id": attachment["file_id"]})
        assert os.path.exists(os.path.join(app.config["UPLOAD_DIR"], stored["storage_key"][:2],
                                           stored["storage_key"]))


def test_private_room_file_is_refused_to_non_members(auth, rooms):
    alice, _, private = rooms
    response = send(alice, private["id"], "report", attachments=[
        item(PDF, "application/pdf", "r.pdf", data_url=False)])
    attachment = response.get_json()["data"]["attachments"][0]
    served = alice.get(attachment["url"])
    assert served.status_code == 200
    assert served.headers["Content-Disposition"].startswith("attachment")
    _, eve = auth.signed_in()
    assert eve.get(attachment["url"]).status_code == 403
    assert eve.get(attachment["url"] + "/info").status_code == 403
    assert alice.get(attachment["url"] + "/info").get_json()["data"]["size"] == len(PDF)
    assert alice.get("/api/attachments/unknown-file").status_code == 404


def test_deleted_message_file_is_gone(rooms):
    alice, public, _ = rooms
    data = send(alice, public["id"], "x", attachments=[item(png_bytes(), "image/png")]
                ).get_json()["data"]
    alice.delete(f"/api/chat-rooms/{public['id']}/messages/{data['id']}")
    assert alice.get(data["attachments"][0]["url"]).status_code == 404


@pytest.mark.parametrize("config_overrides", [{"MAX_ATTACHMENT_BYTES": 1024}])
def test_too_large_is_413(app, rooms, config_overrides):
    alice, public, _ = rooms
    big = PDF + b"0" * 2048
    response = send(alice, public["id"], "big", attachments=[item(big, "application/pdf")])
    assert response.status_code == 413
    with app.app_context():
        assert Attachment.count() == 0


def test_lying_and_disallowed_types_are_400(app, auth, rooms):
    alice, public, _ = rooms
    lying = send(alice, public["id"], "x", attachments=[item(PDF, "image/png", "cat.png")])
    assert lying.status_code == 400
    html = b"<html><script>alert(1)</script></html>"
    assert send(alice, public["id"], "x", attachments=[item(html, "text/html")]).status_code == 400
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
    assert send(alice, public["id"], "x", attachments=[
        item(elf, "application/octet-stream")]).status_code == 400
    assert send(alice, public["id"], "x", attachments=[
        {"filename": "a", "mime_type": "image/png", "data": "%%%not base64"}]).status_code == 400
    with app.app_context():
        assert Attachment.count() == 0


def test_dm_attachment_only_for_the_two_parties(auth):
    _, alice = auth.signed_in()
    bob_user, bob = auth.signed_in()
    _, eve = auth.signed_in()
    response = alice.post("/api/messages/private", json={
        "to_user_id": str(bob_user["_id"]), "attachments": [item(png_bytes(), "image/png")]})
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["content"] == "[Attachment]"
    url = data["attachments"][0]["url"]
    assert bob.get(url).status_code == 200 and alice.get(url).status_code == 200
    assert eve.get(url).status_code == 403
