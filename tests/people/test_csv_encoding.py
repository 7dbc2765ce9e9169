"""Finding 6 (second half) of the hardening review: a CSV that is not UTF-8 is not read
as garbled names and offered as valid additions; it is refused with a message that
names the problem, unless its BOM or the Western Windows encoding says how to read it."""

from __future__ import annotations

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.scoping import scope
from people.models import PeopleImport
from spreadsheets.people_csv import ImportFileError, decode_csv

JAPANESE = "Name,Email\n山田 太郎,taro@acme.test\n佐藤 花子,hanako@acme.test\n"


@pytest.mark.parametrize(
    ("codec", "named"),
    [
        ("shift_jis", "Shift-JIS"),
        ("cp932", "Shift-JIS"),
        ("euc_kr", "EUC-KR"),
        ("gb18030", "Chinese"),
    ],
)
def test_an_east_asian_encoding_is_refused_and_named(codec, named):
    text = {
        "euc_kr": "Name,Email\n김민준,minjun@acme.test\n",
        "gb18030": "Name,Email\n王小明,wang@acme.test\n张伟,zhang@acme.test\n",
    }.get(codec, JAPANESE)
    with pytest.raises(ImportFileError) as caught:
        decode_csv(text.encode(codec))
    message = str(caught.value)
    assert "not saved as UTF-8" in message and named in message and "CSV UTF-8" in message


def test_boms_say_how_to_read_the_file():
    assert decode_csv(codecs.BOM_UTF8 + JAPANESE.encode()) == JAPANESE
    assert decode_csv(JAPANESE.encode("utf-16")) == JAPANESE  # with its BOM
    assert decode_csv(JAPANESE.encode()) == JAPANESE


def test_western_windows_files_are_still_read():
    for text in (
        "Name,Email\nJürgen Müller,j@acme.test\nZoë “Jo” Ørsted – HR,z@acme.test\n",
        "Name;Email\nJosé Núñez;jose@acme.test\nFrançoise Ærø;f@acme.test\n",
        "Name,Email\nMüller,m@acme.test\n",  # reads as Shift-JIS too, one letter at a time
    ):
        assert decode_csv(text.encode("cp1252")) == text


def test_a_shift_jis_upload_is_refused_on_the_page(world):
    client = world.client_for(world.hr)
    response = client.post(
        reverse("people:import"),
        {"file": SimpleUploadedFile("people.csv", JAPANESE.encode("shift_jis"), "text/csv")},
    )
    assert response.status_code == 200
    assert "Shift-JIS" in response.text and "error-summary" in response.text
    with scope(world.acme):
        assert not PeopleImport.objects.exists()
