"""Attachments on Azure Blob Storage (STORAGE_BACKEND=azure) against Azurite:
the same round trip and the same refusals as on local disk, a 503 when the
store is down, and `flask storage-migrate --to azure` copying local files."""
import os
import uuid

import pytest
from azure.storage.blob import BlobServiceClient

from models.attachment import Attachment
from devservices import free_port
from tests.test_attachments import PDF, item, png_bytes, rooms  # noqa: F401 - a fixture
from tests.azurite import azurite_blob, connection_string
from tests.chat_helpers import send

azurite = pytest.fixture(scope="module")(azurite_blob)


@pytest.fixture
def container():
    return f"parley-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def config_overrides(azurite, container):
    return {"STORAGE_BACKEND": "azure", "AZURE_STORAGE_CONNECTION_STRING": azurite,
            "AZURE_STORAGE_CONTAINER": container}


def blobs(connection, container):
    client = BlobServiceClient.from_connection_string(connection).get_container_client(container)
    return {blob.name: client.download_blob(blob.name).readall()
            for blob in client.list_blobs()} if client.exists() else {}


def test_attachment_round_trips_through_azurite(app, auth, client, rooms, azurite, container):
    assert blobs(azurite, container) == {}  # the container does not exist yet
    alice, public, _ = rooms
    raw = png_bytes()
    response = send(alice, public["id"], "", attachments=[item(raw, "image/png", "dot.png")])
    assert response.status_code == 201, response.get_json()
    attachment = response.get_json()["data"]["attachments"][0]
    with app.app_context():
        key = Attachment.find_one({"file_id": attachment["file_id"]})["storage_key"]
    assert blobs(azurite, container) == {key: raw}
    assert not os.path.exists(app.config["UPLOAD_DIR"])
    _, bob = auth.signed_in()
    served = bob.get(attachment["url"])
    assert served.status_code == 200 and served.data == raw
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get(attachment["url"]).status_code == 401


def test_same_refusals_as_on_local_disk(auth, rooms):
    alice, public, private = rooms
    secret = send(alice, private["id"], "report", attachments=[
        item(PDF, "application/pdf", "r.pdf")]).get_json()["data"]["attachments"][0]
    assert alice.get(secret["url"]).data == PDF
    _, eve = auth.signed_in()
    assert eve.get(secret["url"]).status_code == 403
    assert eve.get(secret["url"] + "/info").status_code == 403
    gone = send(alice, public["id"], "x", attachments=[item(png_bytes(), "image/png")]
                ).get_json()["data"]
    alice.delete(f"/api/chat-rooms/{public['id']}/messages/{gone['id']}")
    assert alice.get(gone["attachments"][0]["url"]).status_code == 404
    bob_user, bob = auth.signed_in()
    dm = alice.post("/api/messages/private", json={
        "to_user_id": str(bob_user["_id"]), "attachments": [item(png_bytes(), "image/png")]})
    url = dm.get_json()["data"]["attachments"][0]["url"]
    assert bob.get(url).status_code == 200 and eve.get(url).status_code == 403


class TestStoreDown:
    @pytest.fixture
    def config_overrides(self, container):
        return {"STORAGE_BACKEND": "azure", "AZURE_STORAGE_CONTAINER": container,
                "AZURE_STORAGE_CONNECTION_STRING": connection_string(free_port())}

    def test_an_unreachable_store_is_503_not_500(self, rooms):
        alice, public, _ = rooms
        response = send(alice, public["id"], "x", attachments=[item(png_bytes(), "image/png")])
        assert response.status_code == 503
        assert response.get_json()["errors"] == ["File storage is unavailable"]


class TestMigrate:
    @pytest.fixture
    def config_overrides(self, azurite, container):
        return {"STORAGE_BACKEND": "local", "AZURE_STORAGE_CONNECTION_STRING": azurite,
                "AZURE_STORAGE_CONTAINER": container}

    def test_storage_migrate_copies_local_files_once(self, app, rooms, azurite, container):
        alice, public, _ = rooms
        files = [png_bytes(), PDF]
        for raw, mime in zip(files, ("image/png", "application/pdf")):
            assert send(alice, public["id"], "x", attachments=[item(raw, mime)]).status_code == 201
        runner = app.test_cli_runner()
        result = runner.invoke(args=["storage-migrate", "--to", "azure"])
        assert result.exit_code == 0, result.output
        assert "2 copied, 0 already there, 0 missing from the source" in result.output
        assert sorted(blobs(azurite, container).values()) == sorted(files)
        again = runner.invoke(args=["storage-migrate", "--to", "azure"])
        assert "0 copied, 2 already there" in again.output
