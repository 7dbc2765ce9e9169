"""A hard cap on the size of a request body with files, before any of it is stored.

Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to
temporary files whatever their size; the views refuse large files only afterwards. This
handler, first in FILE_UPLOAD_HANDLERS, refuses a request larger than
MAX_UPLOAD_REQUEST_BYTES at once (400), so a huge upload never fills the disk."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


def _limit() -> int:
    return int(settings.MAX_UPLOAD_REQUEST_BYTES)


class MaxRequestSizeUploadHandler(FileUploadHandler):
    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.received = 0
        if content_length and content_length > _limit():
            raise RequestDataTooBig("The upload is larger than the server accepts.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received = getattr(self, "received", 0) + len(raw_data)
        if self.received > _limit():
            raise RequestDataTooBig("The upload is larger than the server accepts.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
