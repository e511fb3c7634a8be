"""Azurite, Microsoft's Azure Storage emulator (npm package `azurite`, run by
node), started for the test session like the other real servers.

`azurite_blob()` yields an Azure Storage connection string for a fresh Azurite
blob service on a free loopback port, or skips with the reason when the
`azurite-blob` command (or node) is not installed: `.ci/run` installs both.
"""
import shutil
import tempfile

import pytest

from devservices import ChildServer, free_port

# Azurite's fixed development account (published in its documentation; not a secret).
ACCOUNT = "devstoreaccount1"
ACCOUNT_KEY = ("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
               "K1SZFPTOtr/KBHBeksoGMGw==")
SKIP_REASON = ("Azurite is not installed: apt-get install nodejs npm && "
               "npm install -g azurite (.ci/run does it)")


def connection_string(port):
    return (f"DefaultEndpointsProtocol=http;AccountName={ACCOUNT};AccountKey={ACCOUNT_KEY};"
            f"BlobEndpoint=http://127.0.0.1:{port}/{ACCOUNT};")


def azurite_blob():
    executable = shutil.which("azurite-blob")
    if executable is None or shutil.which("node") is None:
        pytest.skip(SKIP_REASON)
    port = free_port()
    location = tempfile.mkdtemp(prefix="parley-azurite-")
    argv = [executable, "--blobHost", "127.0.0.1", "--blobPort", str(port),
            "--location", location, "--silent", "--skipApiVersionCheck", "--loose",
            "--disableTelemetry"]
    server = ChildServer("azurite", argv, port, location).start()
    try:
        yield connection_string(port)
    finally:
        server.stop()
        shutil.rmtree(location, ignore_errors=True)
