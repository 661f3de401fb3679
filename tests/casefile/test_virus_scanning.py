"""Uploads scanned by a real ClamAV daemon, started by the test on the loopback address.

clamd comes from Debian (`clamav-daemon`; `make test` installs it when it runs as root). No signature
download is needed: the daemon loads one signature made here, for the EICAR test file that every
anti-virus product treats as a virus. Without clamd these tests skip and say so.
"""

import hashlib
import shutil
import socket
import subprocess
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefile.models import Attachment
from tests.casefile.conftest import PDF_BYTES, stored_files

pytestmark = pytest.mark.django_db

CLAMD = shutil.which("clamd") or shutil.which("clamd", path="/usr/sbin")
# The EICAR test file: harmless, and detected as a virus by design.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
            conn.sendall(b"zPING\0")
            return conn.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def clamd(tmp_path_factory):
    if CLAMD is None:
        pytest.skip("clamd is not installed (Debian: apt-get install clamav-daemon); the scanning tests need it")
    folder = tmp_path_factory.mktemp("clamd")
    (folder / "db").mkdir()
    (folder / "db" / "eicar.hdb").write_text(f"{hashlib.md5(EICAR).hexdigest()}:{len(EICAR)}:Casework.Test.EICAR\n")
    port = free_port()
    config = folder / "clamd.conf"
    config.write_text(
        f"Foreground yes\nDatabaseDirectory {folder / 'db'}\nTCPSocket {port}\nTCPAddr 127.0.0.1\n"
        f"LogFile {folder / 'clamd.log'}\nPidFile {folder / 'clamd.pid'}\n"
    )
    daemon = subprocess.Popen([CLAMD, f"--config-file={config}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not answers_ping(port):
            if daemon.poll() is not None or time.monotonic() > deadline:
                log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                pytest.skip(f"clamd did not start on 127.0.0.1:{port}: {log[-500:]}")
            time.sleep(0.2)
        yield f"tcp://127.0.0.1:{port}"
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)


def upload(api, user, case, content, name):
    api.as_user(user)
    return api.post(f"/api/cases/{case.pk}/attachments/", {"file": SimpleUploadedFile(name, content)}, format="multipart")


def test_a_clean_file_is_scanned_and_kept(api, borough, case1, clamd, settings):
    settings.CLAMD_SOCKET = clamd

    response = upload(api, borough.parent1, case1, PDF_BYTES, "report.pdf")

    assert response.status_code == 201
    assert response.json()["virus_scanned"] is True


def test_a_file_with_a_virus_is_refused_the_uploader_told_and_nothing_kept(
    api, borough, case1, clamd, settings, evidence_store
):
    settings.CLAMD_SOCKET = clamd

    response = upload(api, borough.parent1, case1, EICAR, "notes.txt")

    assert response.status_code == 400
    assert response.json()["file"] == [
        "The selected file contains a virus. It has not been kept. Check the file and try again."
    ]
    assert not Attachment.objects.exists()
    assert stored_files(evidence_store) == []


def test_when_the_scanner_is_configured_but_down_the_file_is_refused_not_taken_unchecked(
    api, borough, case1, settings, evidence_store
):
    settings.CLAMD_SOCKET = f"tcp://127.0.0.1:{free_port()}"

    response = upload(api, borough.parent1, case1, PDF_BYTES, "report.pdf")

    assert response.status_code == 503
    assert "could not check this file for viruses" in response.json()["detail"]
    assert not Attachment.objects.exists()
    assert stored_files(evidence_store) == []
